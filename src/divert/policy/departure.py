"""Whether a request departs from a bail or supervision recommendation, and whose approval
that needs: read from the policy (a rule's `allows` and `override_approval`, a supervision
policy's `terms`), never decided in code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from divert.policy.explain import Outcome
from divert.policy.model import APPROVALS, PolicyVersion

# Outcomes that set no presumption: any request is the ADA's own, and departs from nothing.
NO_PRESUMPTION = (Outcome.INDIVIDUAL_REVIEW, Outcome.NEEDS_REVIEW, Outcome.OUT_OF_SCOPE)


@dataclass(frozen=True, slots=True)
class Departure:
    """A request that departs from the recommendation, and who must approve it."""

    approval: str  # a key of model.APPROVALS
    why: str

    @property
    def approver(self) -> str:
        return APPROVALS[self.approval]


def bail_departure(version: PolicyVersion, outcome: Outcome, because: Sequence[str],
                   requested: Outcome) -> Departure | None:
    """The approval a bail request needs, or None when it follows the recommendation.

    A request departs when the recommendation set a presumption (ror, cash, …) and the
    request is neither it nor one the deciding rules `allows`; the approval is the first
    deciding rule's `override_approval`. A departure from a rule that names none needs none.
    """
    if outcome in NO_PRESUMPTION or requested == outcome:
        return None
    deciding = [r for r in version.rules if r.id in because]
    if any(requested in r.allows for r in deciding):
        return None
    approval = next((r.override_approval for r in deciding if r.override_approval), None)
    if approval is None:
        return None
    return Departure(approval, f"the policy recommends {outcome.value} (rules "
                               f"{', '.join(because)}); the request is {requested.value}")


def supervision_departure(version: PolicyVersion, outcome: Outcome, because: Sequence[str],
                          months: int) -> Departure | None:
    """The approval a probation request of `months` needs: over the cap of `terms`."""
    term = version.terms.get(outcome.value)
    if term is None or months <= term.cap_months:
        return None
    deciding = [r for r in version.rules if r.id in because]
    approval = next((r.override_approval for r in deciding if r.override_approval), None)
    if approval is None:
        return None
    return Departure(approval, f"{months} months is over the {term.cap_months}-month cap of "
                               f"clause {term.clause}")
