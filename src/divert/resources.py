"""Where the law-as-data folders and the bundled real data live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

from divert.settings import common

_PACKAGE_DATA = Path(__file__).parent / "_data"
_CHECKOUT = Path(__file__).resolve().parents[2]


def _bundled(name: str) -> Path:
    for base in (_PACKAGE_DATA, _CHECKOUT):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"divert's bundled '{name}' folder is missing; reinstall divert")


def policy_root() -> Path:
    """The policies folder: DIVERT_POLICY_PATH if set (an office's own), else the bundled one."""
    override = common().policy_path
    return Path(override) if override else _bundled("policies")


def catalog_root() -> Path:
    """The statute catalog folder: DIVERT_CATALOG_PATH if set, else the bundled one."""
    override = common().catalog_path
    return Path(override) if override else _bundled("catalog")


def sample_filings() -> Path:
    """The real, pseudonymous Philadelphia filings shipped for the demo and the tests."""
    return _bundled("data") / "phl_filings_2021-08_2022-01.csv"
