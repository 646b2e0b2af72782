"""Reading Pennsylvania statute citations in the forms courts, police and lawyers write them.

Court systems (CPCMS) write ``35 § 780-113 §§ A16`` (sometimes with a trailing ``*`` or
``**`` whose meaning is undocumented), lawyers write ``35 P.S. § 780-113(a)(16)``, police
write ``35 PS 780-113 A16`` or ``CS 780-113(a)(16)`` ("CS" = the Controlled Substance Act,
Title 35). Exports often carry the mojibake ``ยง`` or ``Â§`` for ``§``. All of them become
one :class:`~divert.catalog.model.Citation`, printed the lawyer's way.

>>> str(parse_citation("35 § 780-113 §§ A16*"))
'35 P.S. § 780-113(a)(16)'
>>> str(parse_citation("35 PS 780-113 A16"))
'35 P.S. § 780-113(a)(16)'
>>> str(parse_citation("cs 780-113(a)(30)"))
'35 P.S. § 780-113(a)(30)'
>>> str(parse_citation("18 Pa.C.S.A. § 903"))
'18 Pa.C.S. § 903'
>>> str(parse_citation("75 ยง 3802 ยงยง A1**"))
'75 Pa.C.S. § 3802(a)(1)'
>>> str(parse_citation("35 § 780-113 §§ A31III"))
'35 P.S. § 780-113(a)(31)(iii)'
>>> parse_citation("Simple Assault") is None
True
>>> str(find_citation("PWID per 35 P.S. 780-113(a)(30) (cocaine)"))
'35 P.S. § 780-113(a)(30)'
"""

from __future__ import annotations

import re

from divert.catalog.model import Citation

_MOJIBAKE = {"ยง": "§", "Â§": "§", "Ã‚Â§": "§", "Â": "", "\u00a0": " "}

# The code marker between title and section: P.S., Pa.C.S., Pa.C.S.A., Pa. (Cons.) Stat. (Ann.).
_CODE = r"(?:P\.?\s*S\.?|PA\.?\s*C\.?\s*S\.?\s*A?\.?|PA\.?\s*(?:CONS\.?\s*)?STAT\.?(?:\s*ANN\.?)?)"
# A section: "3802", "780-113", "6110.2", "62A14" (42 Pa.C.S.), "459-505-A" (3 P.S.); a city
# ordinance's "101603A" keeps its closing letter when nothing follows it.
_SECTION = r"\d+(?:[A-Z]\d+)?(?:[-.]\d+)*(?:-[A-Z](?![A-Z0-9]))?(?:\.\d+)?(?:[A-Z](?=\s*(?:§|$)))?"
# A subsection in parentheses "(a)(16)", in CPCMS form "§§ A16*", or bare "A16" after a space.
_PAREN_SUB = r"(?:\s*\(\s*(?:[A-Z]{1,4}(?:\.\d+)?|\d+(?:\.\d+)?[A-Z]?)\s*\))+"
# CPCMS may close a subsection with "*" marks and a "P" (a permitting violation: "A1*P").
_CPCMS_SUB = r"\s*§§\s*[A-Z0-9.\-]+(?:\*+[A-Z]\b)?"
_BARE_SUB = r"\s+[A-Z](?:\.?\d+[A-Z0-9.]*)?(?![A-Z])"
_SUB = rf"(?P<sub>{_PAREN_SUB}|{_CPCMS_SUB}|{_BARE_SUB})?\s*\**"

_FULL = re.compile(
    rf"^\s*(?:(?=780-)|(?:TITLE\s+)?(?P<title>\d{{1,3}}(?!\d)|CS|CO|LO)\s*{_CODE}?\s*(?:§|SEC\.?|SECTION)?)\s*"
    rf"(?P<section>{_SECTION}){_SUB}\s*$"
)
# Embedded in prose a citation needs a marker (§ or a code) or the Title 35 "780-" numbering,
# so that "3 grams" or "1st Off" are never read as statutes.
_EMBEDDED = re.compile(
    rf"(?<![A-Z0-9])(?:(?P<title>\d{{1,3}}|CO|LO)\s*(?:{_CODE}\s*§?|§)|(?P<cs>CS)\s*(?:§\s*)?(?=780-)"
    rf"|(?P<bare>)(?=780-\d))\s*(?P<section>{_SECTION}){_SUB}"
)
_SUB_PART = re.compile(r"[A-Z]+(?:\.\d+)?|\d+(?:\.\d+)?")


def clean(text: str) -> str:
    """Repair the mojibake exports carry for `§`, and upper-case, for matching."""
    for bad, good in _MOJIBAKE.items():
        text = text.replace(bad, good)
    return text.upper()


def _subsection(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    raw = raw.replace("§", " ").strip().rstrip("*")
    if "(" in raw:
        return tuple(p.strip().lower() for p in re.findall(r"\(([^)]*)\)", raw) if p.strip())
    return tuple(part.lower() for part in _SUB_PART.findall(raw))


def _title(title: str | None) -> str:
    # "CS" and the bare 780-xxx numbering are Purdon's Title 35 (the Controlled Substance Act).
    if title in ("CO", "LO"):  # the Philadelphia Code (city ordinances), as CPCMS labels it
        return title
    return "35" if title in (None, "", "CS") else str(int(title))


def parse_citation(text: str) -> Citation | None:
    """Parse a string that is a citation and nothing else; None when it is not one.

    Args:
        text: e.g. ``"35 § 780-113 §§ A16"`` or ``"18 Pa.C.S. § 3929(a)(1)"``.

    Returns:
        The citation, or None when the text is not a citation.
    """
    match = _FULL.match(clean(text))
    if match is None:
        return None
    return Citation(_title(match["title"]), match["section"].rstrip("."), _subsection(match["sub"]))


def find_citation(text: str) -> Citation | None:
    """Find a citation written inside a longer wording (the first one), or None."""
    match = _EMBEDDED.search(clean(text))
    if match is None:
        return None
    title = match["title"] or match["cs"]
    return Citation(_title(title), match["section"].rstrip("."), _subsection(match["sub"]))


def parse_cpcms_subsection(raw: str) -> tuple[str, ...]:
    """Split a CPCMS subsection code into its parts.

    >>> parse_cpcms_subsection("A31III")
    ('a', '31', 'iii')
    >>> parse_cpcms_subsection("A1.1I")
    ('a', '1.1', 'i')
    >>> parse_cpcms_subsection("(A.1)(1)")
    ('a.1', '1')
    >>> parse_cpcms_subsection("")
    ()
    """
    return _subsection(clean(raw))


def without_citations(text: str) -> str:
    """The wording with any embedded citation removed, so the words can be read on their own."""
    return _EMBEDDED.sub(" ", clean(text)).lower()
