"""Every sentence the API says when it refuses a request, in one place.

The same constants feed the exception handlers, the OpenAPI `responses=` and the tests, so a
reworded message changes in one spot and the tests follow (style.md "Errors").
"""

from __future__ import annotations

NOT_AUTHENTICATED = (
    "You are not logged in: send 'Authorization: Bearer TOKEN' from POST /api/auth/login, "
    "or log in on the web page."
)
SESSION_EXPIRED = "Your session has ended (idle too long, or older than its limit); log in again."
BAD_LOGIN = "Username, password or one-time code is wrong."
ACCOUNT_LOCKED = (
    "An administrator has locked this account; ask an administrator to unlock it.")
LOGIN_THROTTLED = (
    "Too many failed logins for this username from your address: wait {seconds} seconds, "
    "then try again. Other addresses are not affected.")
NOT_PERMITTED = "Your role '{role}' may not perform '{operation}'."
NOT_FOUND = "No {thing} with id '{id}'."
ROUTE_NOT_FOUND = "No such address: {path}. The API is described at /docs."
METHOD_NOT_ALLOWED = "Method {method} is not allowed on {path}."
IF_MATCH_REQUIRED = (
    "This update needs an 'If-Match' header with the row version you read "
    "(the 'version' field), so that no one's change is silently lost."
)
IF_MATCH_INVALID = "'If-Match' must be the row version, a whole number; found {value!r}."
STALE_VERSION = (
    "{thing} '{id}' changed since you read it (you sent version {sent}, it is now {current}); "
    "reload it and try again."
)
IDEMPOTENCY_MISMATCH = (
    "Idempotency-Key '{key}' was already used with a different request body; "
    "use a new key for a new request."
)
BODY_TOO_LARGE = "The request body is larger than {limit} bytes; send less."
PAGE_SIZE_TOO_LARGE = "page_size may be at most {limit}; found {value}."
REASON_REQUIRED = "An override needs a written reason (at least {min} characters)."
NUMBER_OUT_OF_RANGE = ("A number in the request is too large (or too small) to be stored: ids, "
                       "counts and page numbers go from 0 or 1 to 2147483647.")
CROSS_SITE = ("Refused: this change did not come from one of divert's own pages (its Origin "
              "or Referer header names another site, or none). Open the page on this server "
              "and submit it again.")
BODY_UNREADABLE = ("body: cannot be read (not UTF-8 JSON text, or not the form the "
                   "operation takes); send JSON as described at /docs.")
TEXT_TOO_LONG = ("body: a text in the request is longer than divert can store; see the "
                 "field lengths at /docs.")
TEXT_WITH_NUL = ("A text in the request holds a NUL character (\\x00), which cannot be "
                 "stored or searched; remove it.")
INTERNAL = "Something went wrong on our side; the error was logged. Try again, or tell us."
DATABASE_DOWN = ("The case store cannot be reached right now, so nothing was read or written; "
                 "try again in a few seconds.")
WRITE_RACE = ("Another request wrote the same record at the same moment and was first; "
              "read it again before you retry.")
PAD_UNKNOWN_PROVIDER = (
    "No provider '{provider}'; choose one of: {known}, or leave the provider empty."
)
PAD_NO_OFFENSE = (
    "Choose at least one offense (possession, buying from a person, paraphernalia, retail "
    "theft or prostitution); PAD is screened on the offense."
)
PAD_BAD_DISTRICT = (
    "The police district must be a number from 1 to 39; enter the district of the stop."
)
PAD_ELIGIBLE = "Eligible for PAD: you may refer the person. Sent to {provider}. {reason}"
PAD_ELIGIBLE_NO_PROVIDER = (
    "Eligible for PAD: you may refer the person. No provider was chosen, so none was sent "
    "the referral yet. {reason}"
)
PAD_NOT_ELIGIBLE = (
    "Not eligible for PAD: {reason} The referral is recorded but not sent to any provider."
)
PAD_ASK_SUPERVISOR = (
    "Ask the PAD supervisor before referring: {reason} The referral is recorded but not sent "
    "to any provider."
)
PAD_NO_REASON = "The policy gave no reason; ask the DA's office to review this contact."

# A case step in plain words, for refusals: "cannot apply DecisionConfirmed in state
# REVIEWED" is for programs (the API body's `detail`), these are for people.
STEP_WORDS = {
    "PadReferred": "record a PAD referral", "CaseFiled": "file the case",
    "Screened": "screen the case", "DecisionConfirmed": "confirm the decision",
    "DecisionOverridden": "override the decision", "OfferMade": "make a diversion offer",
    "OfferAccepted": "record the offer as accepted",
    "OfferDeclined": "record the offer as declined",
    "OfferExpired": "record the offer as expired", "ReferredToProvider": "refer to a provider",
    "ConsentRecorded": "record a consent", "ConsentRevoked": "record a consent's revocation",
    "EngagementReported": "report engagement", "DiversionCompleted": "record completion",
    "ReturnedToProsecution": "return the case to prosecution",
    "ChargesWithdrawn": "withdraw the charges", "Disposed": "record the final disposition",
    "ReArrestRecorded": "record a re-arrest",
}
STATE_WORDS = {
    "NEW": "not yet recorded", "PAD_REFERRED": "a PAD referral with no charge filed",
    "FILED": "filed but not yet screened", "SCREENED": "screened and waiting for review",
    "REVIEWED": "reviewed, with no offer made yet", "OFFERED": "waiting for the answer to an offer",
    "DIVERTED": "diverted (the offer was accepted), not yet with a provider",
    "IN_TREATMENT": "with a provider", "COMPLETED": "completed",
    "PROSECUTION": "back with prosecution", "WITHDRAWN": "closed (charges withdrawn)",
    "DISPOSED": "closed (final disposition recorded)",
}
STEP_REFUSED = "You cannot {step} now: the case is {state}. {next}"
STEP_NEXT = "What can be done now: {steps}."
STEP_NONE = "Nothing more can be done on it."


def step_refused(state: str, event: str, allowed: tuple[str, ...]) -> str:
    """An IllegalTransition in plain words, with the steps that are possible instead."""
    steps = [STEP_WORDS.get(k, k) for k in allowed if k != "ReArrestRecorded"]
    nxt = STEP_NEXT.format(steps="; ".join(steps)) if steps else STEP_NONE
    return STEP_REFUSED.format(step=STEP_WORDS.get(event, event),
                               state=STATE_WORDS.get(state, state.lower()), next=nxt)


def sentence(said: str) -> str:
    """A core error's message as a sentence of the API: capital first, full stop last."""
    said = said[:1].upper() + said[1:]
    return said if said.endswith((".", "?", "!")) else said + "."
