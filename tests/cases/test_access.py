"""Deny by default: the checked-in role × operation table, and the reason a refusal gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from divert.cases.access import (
    OPERATIONS,
    ROLES,
    Actor,
    PermissionsError,
    is_allowed,
    load_permissions,
    permissions,
    require,
)
from divert.errors import NotPermitted


def test_every_role_is_in_the_table_and_every_operation_is_described() -> None:
    table = permissions()
    assert set(table.roles) == set(ROLES)
    assert all(text.strip() for text in table.operations.values())
    used = set().union(*table.roles.values())
    assert used <= set(OPERATIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_pair_answers_exactly_as_the_table_says(role: str, operation: str) -> None:
    assert is_allowed(role, operation) is (operation in permissions().roles[role])


def test_least_privilege_where_it_matters() -> None:
    assert not is_allowed("provider", "cases.read")  # no charges, no criminal history
    assert not is_allowed("analyst", "cases.read")  # pseudonymous analytics only
    assert not is_allowed("police", "cases.list")
    assert not is_allowed("administrator", "cases.read")
    assert [r for r in ROLES if is_allowed(r, "audit.read")] == ["auditor"]
    assert is_allowed("charging_ada", "reviews.create")
    assert is_allowed("police", "pad.create")


def test_unknown_roles_and_operations_are_denied() -> None:
    assert not is_allowed("mayor", "cases.read")
    assert not is_allowed("auditor", "cases.delete")


def test_require_says_why() -> None:
    require(Actor("a", "auditor"), "audit.read")
    with pytest.raises(NotPermitted) as caught:
        require(Actor("p", "provider", provider_id="x"), "cases.read", "cases/C-1")
    assert str(caught.value) == (
        "p may not cases.read cases/C-1: the provider role does not include cases.read")
    with pytest.raises(NotPermitted, match="not a known operation"):
        require(Actor("a", "auditor"), "audit.erase")


def test_a_table_naming_an_undeclared_operation_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "permissions.yaml"
    bad.write_text("operations: {cases.read: read}\nroles:\n  auditor:\n"
                   "    operations: [cases.read, audit.erase]\n")
    with pytest.raises(PermissionsError, match=r"roles.auditor: unknown operation\(s\) audit"):
        load_permissions(bad)
