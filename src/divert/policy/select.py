"""Which version of a policy is in force on a date: time is an argument, never the clock.

A case is screened under the version in force on the case date the policy names in
`applies_by` (filing_date or contact_date); the caller passes that date.
"""

from __future__ import annotations

from datetime import date

from divert.errors import DivertError
from divert.policy.model import Policy, PolicyVersion


def coverage(policy: Policy) -> str:
    """The dates a policy covers, in words, e.g. "v1 from 2026-01-01 to 2026-06-30".

    >>> from divert.policy.model import Default
    >>> from divert.policy.explain import Outcome
    >>> def v(n, start, end):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", start, end, "filing_date", {},
    ...                          (), Default(Outcome.NEEDS_REVIEW, ""), "")
    >>> coverage(Policy("p", (v(1, date(2026, 1, 1), date(2026, 6, 30)),
    ...                       v(2, date(2026, 7, 1), None))))
    'v1 from 2026-01-01 to 2026-06-30; v2 from 2026-07-01 on'
    """
    parts = []
    for version in policy.live():
        end = f"to {version.effective_to.isoformat()}" if version.effective_to else "on"
        parts.append(f"v{version.version} from {version.effective_from.isoformat()} {end}")
    return "; ".join(parts)


def select_version(policy: Policy, on: date) -> PolicyVersion:
    """The version of `policy` in force on `on`.

    Raises:
        DivertError: when no version is in force that day, saying which dates are covered.

    >>> from divert.policy.model import Default
    >>> from divert.policy.explain import Outcome
    >>> def v(n, start, end):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", start, end, "filing_date", {},
    ...                          (), Default(Outcome.NEEDS_REVIEW, ""), "")
    >>> p = Policy("p", (v(1, date(2026, 1, 1), date(2026, 6, 30)), v(2, date(2026, 7, 1), None)))
    >>> select_version(p, date(2026, 6, 30)).version, select_version(p, date(2026, 7, 1)).version
    (1, 2)
    >>> try:
    ...     select_version(p, date(2025, 12, 31))
    ... except DivertError as error:
    ...     print(str(error).replace("; it covers", chr(10) + "it covers"))
    policy p has no version in force on 2025-12-31
    it covers v1 from 2026-01-01 to 2026-06-30; v2 from 2026-07-01 on
    """
    in_force = [v for v in policy.live() if v.is_in_force(on)]
    if not in_force:
        raise DivertError(
            f"policy {policy.id} has no version in force on {on.isoformat()}; "
            f"it covers {coverage(policy)}"
        )
    # `policy check` refuses overlaps (a version that `corrects` another replaces it on its
    # dates: the corrected one is never selected); should two still overlap, the newest governs.
    return max(in_force, key=lambda v: v.version)
