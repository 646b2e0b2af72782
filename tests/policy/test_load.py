"""Loading: the canonical sha256, the published JSON Schema, and recorded hashes of adopted
versions."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from divert.errors import PolicyErrors
from divert.policy.load import load_policies, load_policy_file, version_files
from divert.resources import policy_root

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "docs" / "policy.schema.json").read_text(encoding="utf-8"))
PROPOSAL = policy_root() / "us-pa-philadelphia" / "dao-simple-possession"


def _plain(value: object) -> object:
    """YAML values as JSON Schema sees them (dates as ISO text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("path", list(version_files(policy_root())), ids=lambda p: p.parent.name)
def test_every_shipped_version_matches_the_published_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(_plain(data), SCHEMA)


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    data = _plain(yaml.safe_load((PROPOSAL / "v1.yaml").read_text(encoding="utf-8")))
    assert isinstance(data, dict)
    data["rules"][0]["outcome"] = "acquit"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "us-pa-philadelphia" / "dao-simple-possession"
    shutil.copytree(PROPOSAL, folder)
    return folder


def test_the_sha256_ignores_comments_and_layout_but_not_meaning(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    original = load_policy_file(folder / "v2.yaml").sha256
    text = (folder / "v2.yaml").read_text(encoding="utf-8")
    (folder / "v2.yaml").write_text("# a new comment\n" + text.replace(
        "effective: {from: 2026-07-01}", "effective:\n  from: 2026-07-01"), encoding="utf-8")
    assert load_policy_file(folder / "v2.yaml").sha256 == original
    (folder / "v2.yaml").write_text(text.replace("outcome: divert", "outcome: decline", 1),
                                    encoding="utf-8")
    assert load_policy_file(folder / "v2.yaml").sha256 != original


def test_an_edit_to_an_adopted_version_is_refused_by_its_recorded_sha256(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    text = (folder / "v1.yaml").read_text(encoding="utf-8")
    (folder / "v1.yaml").write_text(text.replace("title: Diversion of", "title: Diverting"),
                                    encoding="utf-8")
    with pytest.raises(PolicyErrors) as caught:
        load_policies(tmp_path)
    (error,) = caught.value.errors
    changelog = (folder / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(changelog, start=1) if "sha256 of v1:" in text)
    assert str(error).startswith(
        f"us-pa-philadelphia/dao-simple-possession/CHANGELOG.md:{line}: v1 no longer matches the "
        "sha256 recorded for it (d5bf10463bf3…, now "
    )


def test_examples_belong_to_their_version() -> None:
    policy = load_policies()["phl-dao-simple-possession"]
    names = [[e.name for e in v.examples] for v in policy.versions]
    assert "a single (a)(16) possession charge is diverted" in names[0]
    assert "a single (a)(16) possession charge is still diverted under v2" in names[1]
    assert all(e.line > 0 for v in policy.versions for e in v.examples)


def test_an_examples_file_must_name_the_version_it_sits_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    examples = folder / "examples" / "v2.yaml"
    text = examples.read_text(encoding="utf-8")
    examples.write_text(text.replace("phl-dao-simple-possession@2", "phl-dao-simple-possession@1"),
                        encoding="utf-8")
    with pytest.raises(PolicyErrors) as caught:
        load_policies(tmp_path)
    assert [str(e) for e in caught.value.errors] == [
        "us-pa-philadelphia/dao-simple-possession/examples/v2.yaml:1:9: this file says it holds "
        "examples of 'phl-dao-simple-possession@1', but it sits beside phl-dao-simple-possession@2"
    ]
