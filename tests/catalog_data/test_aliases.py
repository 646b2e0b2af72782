"""Every line of catalog/**/examples/normalize.yaml is a test: wording → expected reading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from divert.catalog.model import Match, Unknown
from divert.catalog.normalize import normalize_charge

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_FILES = sorted((REPO / "catalog").glob("*/examples/normalize.yaml"))


def _examples() -> list[Any]:
    params = []
    for path in EXAMPLE_FILES:
        for index, example in enumerate(yaml.safe_load(path.read_text())["examples"]):
            name = f"{path.parent.parent.name}[{index}] {example['wording'] or example['citation']}"
            params.append(pytest.param(example, id=name))
    return params


def test_there_are_examples() -> None:
    assert EXAMPLE_FILES, "no catalog/*/examples/normalize.yaml found"
    assert len(_examples()) >= 200


@pytest.mark.parametrize("example", _examples())
def test_wording_reads_as_expected(example: dict[str, Any]) -> None:
    reading = normalize_charge(example["wording"], example.get("citation"))
    if "shown_citation" in example:  # the citation shown: every level written, known or not
        assert str(reading.citation) == example["shown_citation"]
    if example.get("unknown"):
        assert isinstance(reading, Unknown), f"expected Unknown, got {reading}"
        assert reading.reason
        assert example.get("reason", "") in reading.reason
        return
    assert isinstance(reading, Match), f"expected a match, got Unknown: {reading}"
    assert reading.category.value == example["category"]
    if "expect_citation" in example:  # the catalog entry it was read as
        assert str(reading.offense.citation) == example["expect_citation"]
    if "drug" in example:
        assert reading.offense.drug == example["drug"]
    inchoate = reading.inchoate.value if reading.inchoate else None
    assert inchoate == example.get("inchoate")
    assert 0 < reading.confidence <= 1
