"""Whose address a request comes from, for the audit log and the login throttle.

X-Forwarded-For is believed only when the peer itself is a configured trusted proxy
(DIVERT_TRUSTED_PROXIES); then the client is the right-most address in the header that is
not a trusted proxy. From any other peer the header is ignored (red-team finding 10: any
local client could set the audit's source address with it). `divert serve` also turns off
uvicorn's own reading of the header, which trusts 127.0.0.1 by default.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """The networks of DIVERT_TRUSTED_PROXIES; a bad entry stops the service at start."""
    nets: list[Network] = []
    for entry in (e.strip() for e in setting.split(",")):
        if not entry:
            continue
        try:
            nets.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"DIVERT_TRUSTED_PROXIES: {entry!r} is not an address or "
                             f"network (e.g. 10.0.0.5 or 10.0.0.0/24)") from exc
    return tuple(nets)


def _trusted(address: str, nets: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_address(request: Request) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    nets = trusted_networks(request.app.state.settings.trusted_proxies)
    if not nets or not _trusted(peer, nets):
        return peer
    hops = [h.strip() for line in request.headers.getlist("x-forwarded-for")
            for h in line.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a hop that is no address: believe none of the header
        if not _trusted(hop, nets):
            return hop
    return hops[0] if hops else peer
