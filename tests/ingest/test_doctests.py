"""The examples in the ingest modules' docstrings run (ingest is outside pytest's doctest paths)."""

from __future__ import annotations

import doctest

import pytest

from divert.ingest import refusals


@pytest.mark.parametrize("module", [refusals])
def test_docstring_examples_hold(module: object) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert attempted > 0 and failed == 0
