"""The docs are complete and current: each name a user can meet is written down somewhere.

In the datasette manner, the source is the list of what must be documented: every CLI
command, every event type, every policy fact, every offense category and every rule of every
shipped policy. A gap fails here with the name and the page it belongs in. Settings and
service endpoints are checked by tests/service/test_docs.py.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import REPO
from divert.cases import events
from divert.catalog.model import Category
from divert.cli import app
from divert.policy.facts import FACTS
from divert.policy.load import load_policies
from divert.policy.model import PolicyVersion

DOCS = REPO / "docs"
SHIPPED = load_policies(REPO / "policies")
VERSIONS = [v for p in SHIPPED.values() for v in p.versions]


def _text(*names: str) -> str:
    return "\n".join((DOCS / name).read_text(encoding="utf-8") for name in names)


def _commands(command: object, prefix: str) -> list[str]:
    """Every runnable command below `command`, as typed: `divert policy diff`."""
    subcommands: dict[str, object] | None = getattr(command, "commands", None)
    if subcommands is None:
        return [prefix]
    return [name for sub_name, sub in sorted(subcommands.items())
            for name in _commands(sub, f"{prefix} {sub_name}")]


def _event_types() -> list[str]:
    return sorted(name for name, cls in inspect.getmembers(events, inspect.isclass)
                  if issubclass(cls, events.Event) and cls is not events.Event
                  and cls.__module__ == events.__name__)


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: f"{v.id}@{v.version}")
def test_every_rule_cites_a_clause_of_its_version(version: PolicyVersion) -> None:
    missing = {r.id: r.clause for r in version.rules if r.clause not in version.clauses}
    assert missing == {}, f"rules citing no clause of {version.id}@{version.version}"


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: f"{v.id}@{v.version}")
def test_every_rule_has_an_example_that_expects_it(version: PolicyVersion) -> None:
    expected = {name for e in version.examples for name in e.expect.get("because") or []}
    assert [r.id for r in version.rules if r.id not in expected] == []


def test_the_shipped_policies_are_not_trivially_empty() -> None:
    # The two tests above pass vacuously on an empty folder; this one cannot.
    assert {"phl-pad", "phl-dao-2018", "phl-dao-simple-possession"} <= set(SHIPPED)
    assert all(v.rules and v.examples for v in VERSIONS)


def test_every_cli_command_is_in_the_readme_or_a_docs_page() -> None:
    commands = _commands(typer.main.get_command(app), "divert")
    assert "divert policy docs" in commands and "divert screen" in commands
    pages = [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert [c for c in commands if c not in text] == []


def test_every_event_type_is_in_the_lifecycle_page() -> None:
    names = _event_types()
    assert "CaseFiled" in names and "ReArrestRecorded" in names
    text = _text("lifecycle.md")
    assert [n for n in names if n not in text] == []


def test_every_policy_fact_is_in_the_policy_language_page() -> None:
    text = _text("policy-language.md")
    assert [path for path in FACTS if f"`{path}`" not in text] == []


def test_every_offense_category_is_in_the_catalog_page() -> None:
    text = _text("catalog.md")
    assert [c.value for c in Category if f"`{c.value}`" not in text] == []


def test_the_generated_policy_pages_are_current(tmp_path: Path) -> None:
    """docs/policies/ is what `divert policy docs` writes today; regenerate it when this fails."""
    result = CliRunner().invoke(app, ["policy", "docs", "--out", str(tmp_path),
                                      "--policies", str(REPO / "policies")])
    assert result.exit_code == 0, result.output
    fresh = {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.md"))}
    committed = {p.name: p.read_text(encoding="utf-8")
                 for p in sorted((DOCS / "policies").glob("*.md"))}
    assert sorted(committed) == sorted(fresh), "run `divert policy docs` and commit docs/policies"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], "stale pages; run `divert policy docs` and commit docs/policies"


@pytest.mark.slow
def test_the_committed_report_is_what_make_report_builds_today(tmp_path: Path) -> None:
    """docs/reports/ goes stale when a policy, the catalog or the analytics change.

    Rebuilds the HTML exactly as `make report` does (same arguments, same file name, so the
    link to the changes CSV is the same) and compares bytes; when this fails, run
    `make report` and commit docs/reports/.
    """
    committed = DOCS / "reports"
    out = tmp_path / "phl-simple-possession.html"
    result = CliRunner().invoke(app, [
        "report", "--policy", "phl-dao-simple-possession", "--baseline", "phl-dao-2018",
        "--data", str(REPO / "data" / "phl_filings_2021-08_2022-01.csv"),
        "--policies", str(REPO / "policies"), "--out", str(out),
    ])
    assert result.exit_code == 0, result.output
    for name in ("phl-simple-possession.html", "phl-simple-possession-changes.csv"):
        fresh, kept = (tmp_path / name).read_bytes(), (committed / name).read_bytes()
        assert fresh == kept, f"docs/reports/{name} is stale: run `make report` and commit it"
