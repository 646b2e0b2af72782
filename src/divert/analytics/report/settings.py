"""The report's settings (report.yaml): comparison groups and the city's quoted figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from divert.errors import InputFormatError

DEFAULT_FILE = Path(__file__).with_name("report.yaml")


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: str
    categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class CityFigure:
    key: str
    figure: float
    says: str
    source: str


@dataclass(frozen=True, slots=True)
class ReportSettings:
    groups: dict[str, Group]
    city: dict[str, CityFigure]
    windows: tuple[int, ...]
    simulation_window: int


def _need(data: Any, key: str, path: Path) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise InputFormatError(str(path), f"field '{key}' is missing")
    return data[key]


def load_settings(path: Path = DEFAULT_FILE) -> ReportSettings:
    """Read report.yaml; a missing field is named, with the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = {
        k: Group(k, str(_need(v, "label", path)), frozenset(_need(v, "categories", path)))
        for k, v in _need(data, "groups", path).items()
    }
    for needed in ("simple_possession", "pwid", "drug"):
        _need(groups, needed, path)
    city = {
        k: CityFigure(k, float(_need(v, "figure", path)), " ".join(str(v["says"]).split()),
                      " ".join(str(_need(v, "source", path)).split()))
        for k, v in _need(data, "city_figures", path).items()
    }
    rearrest = _need(data, "rearrest", path)
    windows = tuple(int(w) for w in _need(rearrest, "windows", path))
    return ReportSettings(groups, city, windows, int(_need(rearrest, "simulation_window", path)))
