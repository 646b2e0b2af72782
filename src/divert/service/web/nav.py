"""What the header offers: each role sees links only to the pages its operations open, and
logging in lands on the first of them (a police officer on the PAD form, not a 403)."""

from __future__ import annotations

from divert.cases import access

from . import words
from .guard import TEMPLATES

# (path, label, operation that opens it), in the order the header shows them.
LINKS: tuple[tuple[str, str, str], ...] = (
    ("/cases", "Cases", "cases.list"),
    ("/cases?queue=approvals", "Approvals", "approvals.create"),
    ("/pad", "PAD referral", "pad.create"),
    ("/referrals", "Referrals", "referrals.read"),
    ("/analytics", "Analytics", "analytics.read"),
    ("/users", "Accounts", "users.read"),
    ("/imports", "Import filings", "import.run"),
    ("/audit", "Audit log", "audit.read"),
)


def links_for(role: str) -> list[tuple[str, str]]:
    """The header links `role` may follow."""
    return [(path, label) for path, label, op in LINKS if access.is_allowed(role, op)]


def home_for(role: str) -> str:
    """Where a role lands after logging in: its first page (every role has one)."""
    links = links_for(role)
    return links[0][0] if links else "/docs"


TEMPLATES.env.globals["nav_links"] = links_for
TEMPLATES.env.globals["may"] = access.is_allowed
words.register(TEMPLATES.env)
