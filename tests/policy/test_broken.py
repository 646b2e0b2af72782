"""The deliberately broken policies under fixtures/: every mistake is reported, each as
`file:line(:col): plain sentence`, and asserted word for word against the `.expected` files
beside them (one sentence per line, exactly as `divert policy check` prints them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from divert.errors import PolicyErrors
from divert.policy.check import check_policy
from divert.policy.harsher import harsher
from divert.policy.load import load_policies

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path("tests/policy/fixtures")


def expected(name: str) -> list[str]:
    return (REPO / FIXTURES / f"{name}.expected").read_text(encoding="utf-8").splitlines()


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # errors name files relative to the working directory


def test_misspelt_names_are_all_reported_with_line_column_and_suggestion() -> None:
    with pytest.raises(PolicyErrors) as caught:
        load_policies(FIXTURES / "broken-names")
    assert [str(e) for e in caught.value.errors] == expected("broken-names")


def test_logic_mistakes_are_all_reported_with_their_line() -> None:
    policy = load_policies(FIXTURES / "broken-logic")["test-conflicts"]
    assert [str(e) for e in check_policy(policy)] == expected("broken-logic")


def test_one_sentence_reads_exactly_as_designed() -> None:
    # The sentence from style.md's "Errors" section, spelled out here for reviewers.
    assert expected("broken-names")[2] == (
        "tests/policy/fixtures/broken-names/misspelt/v1.yaml:18:31: rule 'possession': "
        "unknown category 'simple_posession' — did you mean 'simple_possession'?"
    )


def test_a_yaml_syntax_error_points_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "v1.yaml"
    bad.write_text("id: x\nrules:\n  - id: a\n    when: [\n", encoding="utf-8")
    with pytest.raises(PolicyErrors) as caught:
        load_policies(bad)
    (error,) = caught.value.errors
    assert (error.path, error.line) == (str(bad), 5)
    assert error.message.startswith("this is not valid YAML")


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyErrors, match="there is no such file or folder"):
        load_policies(tmp_path / "nowhere")


def test_the_shipped_policies_pass_every_check() -> None:
    policies = load_policies()
    assert set(policies) == {"phl-pad", "phl-dao-2018", "phl-dao-simple-possession",
                             "phl-dao-bail-2018", "phl-dao-supervision-2019"}
    assert {p: check_policy(policy) for p, policy in policies.items()} == {p: [] for p in policies}


def test_legal_mistakes_are_all_reported_and_a_corrected_version_is_exempt() -> None:
    # A clause with no basis, a divert with no vehicle or an unknown one, a vehicle on a
    # prosecute, a bar that does not exist or does not read its fact, a bar no rule applies,
    # an undeclared what-if assumption; v1, corrected by v2, may overlap it and is not held
    # to checks added after it was recorded.
    policy = load_policies(FIXTURES / "broken-legal")["test-legal"]
    assert [str(e) for e in check_policy(policy)] == expected("broken-legal")


def test_a_version_harsher_than_its_baseline_is_refused_with_the_case_that_shows_it() -> None:
    # v2 of the proposal sent marijuana possession to treatment; the 2018 memo declines it.
    policies = load_policies()
    proposal = policies["phl-dao-simple-possession"]
    old = next(v for v in proposal.versions if v.version == 2)
    found = harsher(old, policies["phl-dao-2018"].latest())
    assert "charges [category simple_possession drug marijuana]" in found[0]
    assert found[0].endswith("divert where phl-dao-2018 gives decline")
    # The draft v3 inherits the memo's declines: no case and no charge is harsher.
    assert harsher(proposal.latest(), policies["phl-dao-2018"].latest()) == []
    assert check_policy(proposal, policies) == []
