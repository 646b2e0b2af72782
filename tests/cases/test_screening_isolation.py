"""Engagement data can never reach screening: the screening code cannot even import it.

Screening takes a `cases.model.Case`, which has no engagement or consent field; this test
also walks the import graph of every screening module and fails if any of them reaches the
consent or engagement code, or the store where engagement reports live.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from divert.cases.model import Case, PersonRecord

SRC = Path(__file__).resolve().parents[2] / "src"
SCREENING_ROOTS = ("divert.engines", "divert.policy", "divert.catalog")
FORBIDDEN = ("divert.cases.consent", "divert.store", "divert.service", "divert.cases.events")


def module_path(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in found if n.startswith("divert")}


def reachable(roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_path(name)
        if path is not None:
            todo.extend(imports_of(path))
    return seen


def screening_modules() -> list[str]:
    out = []
    for root in SCREENING_ROOTS:
        folder = SRC.joinpath(*root.split("."))
        out += [f"{root}.{p.stem}" for p in folder.glob("*.py") if p.stem != "__init__"]
    return out


def test_the_screening_input_has_no_engagement_or_consent_field() -> None:
    names = {f.name for f in dataclasses.fields(Case)} | {
        f.name for f in dataclasses.fields(PersonRecord)}
    assert not {n for n in names if "engag" in n or "consent" in n or "treat" in n}


def test_no_screening_module_can_reach_engagement_or_consent_code() -> None:
    modules = screening_modules()
    assert "divert.engines.inprocess" in modules
    reached = reachable(modules)
    leaks = sorted(m for m in reached if m.startswith(FORBIDDEN))
    assert leaks == [], f"screening code reaches {leaks}"


def test_the_walker_does_find_a_leak_when_there_is_one() -> None:
    assert "divert.cases.consent" in reachable(["divert.store.treatment"])
