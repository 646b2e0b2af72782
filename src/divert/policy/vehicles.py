"""The legal vehicles of a jurisdiction (`policies/<jurisdiction>/vehicles.yaml`) as values.

A `divert` is only as good as the vehicle it goes through: PAD, AMP, ARD, Section 17 or 18,
Treatment Court each has its own authority, conditions and bars. The file is data a lawyer
reads; `policy check` holds every divert rule to it (policy/check_legal.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from divert.errors import PolicyErrors
from divert.policy.facts import FACTS
from divert.policy.reader import Reader, load_list
from divert.policy.yamlpos import LocDict, LocList

FILE = "vehicles.yaml"
VERIFIED = ("verified", "secondary", "unverified")
_VEHICLE_KEYS = {"id": True, "name": True, "short": False, "authority": True, "who_decides": True,
                 "conditions": True, "source": True, "verified": True, "bars": True}
_BAR_KEYS = {"id": True, "says": True, "reads": True, "source": True, "verified": True}


@dataclass(frozen=True, slots=True)
class Bar:
    id: str
    says: str
    reads: tuple[str, ...]  # the facts a rule applying this bar must read
    source: str
    verified: str


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    name: str
    authority: str
    who_decides: str
    conditions: str
    source: str
    verified: str
    bars: tuple[Bar, ...]
    short: str = ""  # how a list names it in a word or two ("Section 18"); else its name


def vehicles_file(version_path: str) -> Path:
    """Where the vehicles of a version's jurisdiction live: beside its policy folders."""
    return Path(version_path).parent.parent / FILE


def load_vehicles(path: Path) -> dict[str, Vehicle]:
    """Every vehicle in `path`, by id; an absent file has none.

    Raises:
        PolicyErrors: every mistake, as `file:line:col: sentence`.
    """
    if not path.is_file():
        return {}
    reader, _, items = load_list(path, "vehicles", "a vehicles file")
    out: dict[str, Vehicle] = {}
    for index, item in enumerate(items):
        if not isinstance(item, LocDict) or not reader.keys(item, _VEHICLE_KEYS, "the vehicle"):
            if not isinstance(item, LocDict):
                reader.error("each vehicle must be a mapping", items.where(index))
            continue
        texts = {k: reader.text(item, k, f"the vehicle's '{k}'")
                 for k in ("id", "name", "authority", "who_decides", "conditions", "source")}
        verified = reader.choice(item, "verified", VERIFIED, "'verified'") or ""
        bars = _bars(reader, item)
        out[texts["id"]] = Vehicle(texts["id"], texts["name"], texts["authority"],
                                   texts["who_decides"], texts["conditions"], texts["source"],
                                   verified, bars, str(item.get("short") or texts["name"]))
    if reader.errors:
        raise PolicyErrors(reader.errors)
    return out


def _bars(reader: Reader, item: LocDict) -> tuple[Bar, ...]:
    found = item.get("bars")
    if not isinstance(found, LocList):
        reader.error("'bars' must be a list (empty when nothing bars the vehicle)",
                     item.where("bars"))
        return ()
    out = []
    for bar in found:
        if not isinstance(bar, LocDict) or not reader.keys(bar, _BAR_KEYS, "the bar"):
            continue
        reads = bar.get("reads")
        if not isinstance(reads, list) or not all(isinstance(r, str) and r in FACTS
                                                  for r in reads):
            reader.error("'reads' must list facts of the vocabulary (docs/policy-language.md)",
                         bar.where("reads"))
            reads = []
        out.append(Bar(reader.text(bar, "id", "the bar's id"), reader.text(bar, "says", "'says'"),
                       tuple(reads), reader.text(bar, "source", "the bar's source"),
                       reader.choice(bar, "verified", VERIFIED, "'verified'") or ""))
    return tuple(out)
