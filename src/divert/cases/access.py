"""Who may do what: roles, operations and the checked-in table between them (permissions.yaml).

Deny by default: a role may perform an operation only if permissions.yaml lists it. The
table is data so that a reviewer reads it as a table, not as code. The service maps each
HTTP route to one operation from `OPERATIONS` and calls `require` before doing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from divert.errors import DivertError, NotPermitted

PERMISSIONS_FILE = Path(__file__).with_name("permissions.yaml")


class Role(StrEnum):
    CHARGING_ADA = "charging_ada"
    SUPERVISOR = "supervisor"
    DISTRICT_ATTORNEY = "district_attorney"
    COORDINATOR = "coordinator"
    POLICE = "police"
    PROVIDER = "provider"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, as the audit log records it: account, role, and from where."""

    username: str
    role: str
    source: str = "cli"  # the client address, or "cli" / "import"
    provider_id: str | None = None  # set for the provider role: the only provider it acts for


@dataclass(frozen=True, slots=True)
class Permissions:
    """The role × operation table: every operation with its meaning, and each role's set."""

    operations: dict[str, str]
    roles: dict[str, frozenset[str]]
    approvals: dict[str, frozenset[str]]  # approval name -> roles that may give it
    default_override_approval: str | None = None
    seal_approval: str | None = None  # the approval sealing a person's records needs


class PermissionsError(DivertError):
    """permissions.yaml names a role or an operation that does not exist."""


def load_permissions(path: Path = PERMISSIONS_FILE) -> Permissions:
    """Read and check the table: every role is a known Role, every operation is declared."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    operations = {str(k): str(v) for k, v in data["operations"].items()}
    roles: dict[str, frozenset[str]] = {}
    for role, spec in data["roles"].items():
        if role not in Role.__members__.values():
            raise PermissionsError(f"{path}: roles: {role!r} is not a known role")
        unknown = [op for op in spec["operations"] if op not in operations]
        if unknown:
            raise PermissionsError(
                f"{path}: roles.{role}: unknown operation(s) {', '.join(unknown)}; "
                "declare them under operations first"
            )
        roles[role] = frozenset(spec["operations"])
    missing = [r.value for r in Role if r.value not in roles]
    if missing:
        raise PermissionsError(f"{path}: roles missing from the table: {', '.join(missing)}")
    approvals: dict[str, frozenset[str]] = {}
    for name, holders in (data.get("approvals") or {}).items():
        unknown = [r for r in holders if r not in roles]
        if unknown:
            raise PermissionsError(f"{path}: approvals.{name}: unknown role(s) "
                                   f"{', '.join(unknown)}")
        approvals[str(name)] = frozenset(holders)
    default = data.get("default_override_approval")
    if default is not None and default not in approvals:
        raise PermissionsError(f"{path}: default_override_approval: {default!r} is not one of "
                               "the approvals listed")
    seal = data.get("seal_approval")
    if seal is not None and seal not in approvals:
        raise PermissionsError(f"{path}: seal_approval: {seal!r} is not one of the approvals "
                               "listed")
    return Permissions(operations, roles, approvals, default, seal)


@cache
def permissions() -> Permissions:
    """The bundled table, read once."""
    return load_permissions()


OPERATIONS: tuple[str, ...] = tuple(permissions().operations)
ROLES: tuple[str, ...] = tuple(r.value for r in Role)


def is_allowed(role: str, operation: str) -> bool:
    """True only if the table lists `operation` under `role`; anything unknown is denied."""
    return operation in permissions().roles.get(role, frozenset())


def may_approve(role: str, approval: str) -> bool:
    """True if the role holds the approval a policy clause names (unknown: denied)."""
    return role in permissions().approvals.get(approval, frozenset())


def require(actor: Actor, operation: str, resource: str = "") -> None:
    """Raise NotPermitted, with the reason, unless the actor's role allows the operation."""
    if operation not in permissions().operations:
        reason = f"{operation!r} is not a known operation (deny by default)"
    elif actor.role not in permissions().roles:
        reason = f"{actor.role!r} is not a known role (deny by default)"
    elif not is_allowed(actor.role, operation):
        reason = f"the {actor.role} role does not include {operation}"
    else:
        return
    raise NotPermitted(actor.username, operation, resource or operation.split(".")[0], reason)
