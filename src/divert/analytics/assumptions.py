"""The simulation's assumptions, read from YAML: each a default, a range and a source.

Numbers the report leans on but the data cannot give (engagement, program length,
provider slots, effect on re-arrest) are data, not code, so that a reader can see them,
check their sources and change them. A malformed file is refused with its line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from divert.errors import InputFormatError

DEFAULT_FILE = Path(__file__).with_name("assumptions.yaml")
REQUIRED = ("engagement_rate", "program_months", "provider_slots", "court_listings_per_case",
            "rearrest_effect", "todays_diversion_share")


@dataclass(frozen=True, slots=True)
class Assumption:
    name: str
    meaning: str
    unit: str
    default: float
    low: float
    high: float
    source: str
    placeholder: bool = False  # a made-up figure to fill in, shown as "placeholder" wherever used
    label: str = ""  # a few plain words for the reader ("how many people engage")

    @property
    def words(self) -> str:
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Assumptions:
    parameters: dict[str, Assumption]
    draws: int
    seed: int
    path: str

    def __getitem__(self, name: str) -> Assumption:
        return self.parameters[name]

    def defaults(self) -> dict[str, float]:
        return {k: a.default for k, a in self.parameters.items()}


def _lines(text: str) -> dict[str, int]:
    """Line number (1-based) of each parameter's key, for error messages."""
    root = yaml.compose(text)
    out: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "parameters" and isinstance(value, yaml.MappingNode):
                for k, _ in value.value:
                    out[str(k.value)] = k.start_mark.line + 1
    return out


def _number(where: str, field: str, raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{where}: field '{field}' must be a number, found {raw!r}")
    return float(raw)


def _parameter(name: str, spec: Any, line: int | None) -> Assumption:
    where = f"line {line or '?'}: parameter '{name}'"
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a mapping with default, low, high, source")
    low, default, high = (_number(where, f, spec.get(f)) for f in ("low", "default", "high"))
    if not low <= default <= high:
        raise ValueError(
            f"{where}: needs low <= default <= high, found {low}, {default}, {high}"
        )
    if not str(spec.get("source") or "").strip():
        raise ValueError(f"{where}: field 'source' is missing; every assumption cites one")
    placeholder = spec.get("placeholder", False)
    if not isinstance(placeholder, bool):
        raise ValueError(
            f"{where}: field 'placeholder' must be true or false, found {placeholder!r}")
    return Assumption(
        name, " ".join(str(spec.get("meaning", "")).split()), str(spec.get("unit", "")),
        default, low, high, str(spec["source"]).strip(), placeholder,
        str(spec.get("label", "")).strip(),
    )


def load_assumptions(path: Path = DEFAULT_FILE) -> Assumptions:
    """Read and check an assumptions file; every problem names the line and the field."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
        lines = _lines(text)
    except yaml.YAMLError as exc:
        raise InputFormatError(str(path), f"not valid YAML: {exc}") from exc
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        raise InputFormatError(str(path), "expected a 'parameters:' mapping of named assumptions")
    out: dict[str, Assumption] = {}
    try:
        for name, spec in params.items():
            out[str(name)] = _parameter(str(name), spec, lines.get(str(name)))
        missing = [n for n in REQUIRED if n not in out]
        if missing:
            raise ValueError(f"parameters {missing} are missing; the simulation needs {REQUIRED}")
        mc = data.get("monte_carlo") or {}
        draws, seed = int(mc.get("draws", 2000)), int(mc.get("seed", 0))
        if draws < 1:
            raise ValueError(f"monte_carlo: field 'draws' must be at least 1, found {draws}")
    except ValueError as exc:
        raise InputFormatError(str(path), str(exc)) from exc
    return Assumptions(out, draws, seed, path.name)
