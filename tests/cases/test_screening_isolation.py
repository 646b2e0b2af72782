"""Engagement data can never reach screening: the screening code cannot even import it.

Screening takes a `model.case.Case`, which has no engagement or consent field; and the
import-linter layers contract (pyproject.toml, run by `make lint`) puts every screening
package below `cases` (consent, engagement events), `store` and `service`, so an import of
engagement code from screening code breaks the build. This test holds the contract to that.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from divert.model.case import Case, PersonRecord

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
SCREENING = ("divert.model", "divert.catalog", "divert.policy", "divert.engines")
ENGAGEMENT = ("divert.cases", "divert.store", "divert.service")


def layers() -> list[str]:
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"]
    (contract,) = [c for c in contracts if c["type"] == "layers"]
    return list(contract["layers"])  # top first


def test_the_screening_input_has_no_engagement_or_consent_field() -> None:
    names = {f.name for f in dataclasses.fields(Case)} | {
        f.name for f in dataclasses.fields(PersonRecord)}
    assert not {n for n in names if "engag" in n or "consent" in n or "treat" in n}


def test_the_layers_contract_keeps_screening_below_engagement_code() -> None:
    order = layers()
    for low in SCREENING:
        for high in ENGAGEMENT:
            assert order.index(high) < order.index(low), f"{low} must sit below {high}"
