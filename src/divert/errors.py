"""The DivertError hierarchy: every domain failure carries structured fields and a sentence.

Messages teach: what was expected, what was found, where, and what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence


class DivertError(Exception):
    """Base class of every error divert raises on purpose."""


class PolicyError(DivertError):
    """A mistake in a policy file, pointing at file:line:column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        rule_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.rule_id = rule_id
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<policy>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        rule = f"rule '{self.rule_id}': " if self.rule_id else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}: {rule}{self.message}{hint}"


class PolicyErrors(DivertError):
    """Several policy mistakes found in one pass, so an author fixes them all at once."""

    def __init__(self, errors: Sequence[PolicyError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class UnknownPolicy(DivertError):
    """A policy id the policies folder does not hold; the one message every door gives."""

    def __init__(self, policy_id: str, known: Sequence[str]) -> None:
        self.policy_id = policy_id
        self.known = tuple(known)
        super().__init__(f"no policy '{policy_id}'; known policies: "
                         f"{', '.join(self.known) or 'none'}")


class CatalogError(DivertError):
    """A mistake in the statute catalog's data files."""


class InputFormatError(DivertError):
    """An input file that is not the expected format at all (not one bad row: the whole file)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class IllegalTransition(DivertError):
    """An event that makes no sense in a case's current state; nothing is written."""

    def __init__(self, case_id: str, state: str, event: str, allowed: Sequence[str]) -> None:
        self.case_id = case_id
        self.state = state
        self.event = event
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (the case is closed)"
        super().__init__(
            f"case {case_id}: cannot apply {event} in state {state}; allowed: {allowed_text}"
        )


class InputRefused(DivertError):
    """A value the rules refuse (a date out of order, an expired offer, a second referral):
    the sentence says what to do next, `field` names the input and `code` is for machines."""

    def __init__(self, field: str, code: str, message: str, status: int = 422) -> None:
        self.field = field
        self.code = code
        self.status = status
        super().__init__(message)


class NotPermitted(DivertError):
    """An actor tried an operation their role does not allow."""

    def __init__(self, actor: str, action: str, resource: str, reason: str) -> None:
        self.actor = actor
        self.action = action
        self.resource = resource
        self.reason = reason
        super().__init__(f"{actor} may not {action} {resource}: {reason}")
