"""Every assumption has a default inside its range and a source; bad files name line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from divert.analytics.assumptions import REQUIRED, load_assumptions
from divert.errors import InputFormatError


def test_the_shipped_assumptions_all_cite_a_source() -> None:
    a = load_assumptions()
    assert set(REQUIRED) <= set(a.parameters)
    for p in a.parameters.values():
        assert p.low <= p.default <= p.high
        assert "domain.md" in p.source or "UNVERIFIED" in p.source, p.name


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_default_outside_its_range_names_the_line_and_field(tmp_path: Path) -> None:
    shipped = load_assumptions().path
    text = (Path(__file__).parents[2] / "src/divert/analytics" / shipped).read_text()
    bad = text.replace("    default: 0.5\n", "    default: 0.9\n", 1)
    with pytest.raises(InputFormatError, match=r"line 12: parameter 'engagement_rate': needs low"):
        load_assumptions(_write(tmp_path, bad))


def test_a_missing_source_is_refused(tmp_path: Path) -> None:
    body = "parameters:\n  x:\n    default: 1\n    low: 0\n    high: 2\n"
    with pytest.raises(InputFormatError, match="field 'source' is missing"):
        load_assumptions(_write(tmp_path, body))


def test_a_word_where_a_number_belongs_is_refused(tmp_path: Path) -> None:
    body = "parameters:\n  x:\n    default: lots\n    low: 0\n    high: 2\n    source: s\n"
    with pytest.raises(InputFormatError, match="field 'default' must be a number, found 'lots'"):
        load_assumptions(_write(tmp_path, body))
