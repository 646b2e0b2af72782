"""From what courts and police write to a catalog entry, with how and how surely — or Unknown.

Order of evidence: a citation (given, or written inside the wording) is the strongest; then a
curated alias or a court description known verbatim; then the nearest known wording by word
scoring. Two safety rules hold over all of them:

* **the guard** — a wording that speaks of delivery, manufacture or intent is never read as a
  possession category, and a wording that speaks only of possession is never read as
  possession with intent to deliver;
* **no silent disagreement** — when a citation and a confident reading of the words name
  different categories, the answer is Unknown with both as candidates.

Readings are cached by (wording, citation): feeds have few distinct wordings but many rows.

>>> normalize_charge("Int Poss Contr Subst By Per Not Reg").category.value
'simple_possession'
>>> normalize_charge("Conspiracy - Manufacture, Delivery, or Possession With Intent to "
...                  "Manufacture or Deliver").inchoate.value
'conspiracy'
>>> normalize_charge("PWID", "35 § 780-113 §§ A16").reason[:40]
'the wording speaks of delivery or intent'
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from divert.catalog.citation import find_citation, parse_citation, without_citations
from divert.catalog.guard import POSSESSION_LIKE, guard_conflict, guard_text, is_possession_like
from divert.catalog.load import default_catalog, load_catalog
from divert.catalog.model import (
    Category,
    Citation,
    Inchoate,
    Match,
    MatchedBy,
    Offense,
    Reading,
    Unknown,
)
from divert.catalog.read_words import read_words
from divert.catalog.registry import Catalog
from divert.catalog.wording import split_inchoate

__all__ = [
    "POSSESSION_LIKE",
    "default_catalog",
    "guard_conflict",
    "is_possession_like",
    "load_catalog",
    "normalize_charge",
]

INCHOATE_SECTIONS = {
    ("18", "901"): Inchoate.ATTEMPT,
    ("18", "902"): Inchoate.SOLICITATION,
    ("18", "903"): Inchoate.CONSPIRACY,
}
# Why an inchoate charge whose object offense is not written has no category.
NO_OBJECT = {
    Inchoate.ATTEMPT: "attempt of an offense the record does not name",
    Inchoate.SOLICITATION: "solicitation of an offense the record does not name",
    Inchoate.CONSPIRACY: "conspiracy to commit an offense the record does not name",
}


def normalize_charge(
    as_written: str, citation: str | None = None, *, catalog: Catalog | None = None
) -> Reading:
    """Read one charge as a catalog entry (Match) or say why not (Unknown).

    Args:
        as_written: the charge as the court or police wrote it.
        citation: the statute citation written beside it, in any common form, if there is one.
        catalog: the catalog to read against; the bundled one by default.
    """
    return _read(catalog or default_catalog(), as_written or "", citation or None)


@lru_cache(maxsize=200_000)
def _read(catalog: Catalog, as_written: str, citation: str | None) -> Reading:
    cited = _citation(as_written, citation)
    if "?" in as_written:
        sure = None if isinstance(cited, Unknown) else cited
        return Unknown(
            as_written, "the wording contains '?': whoever wrote it was not sure", citation=sure
        )
    if isinstance(cited, Unknown):
        return cited
    inchoate, target = split_inchoate(without_citations(as_written))
    aimed: Citation | None = None  # 18 § 901, 902 or 903 as cited: the object is elsewhere
    if cited is not None and (cited.title, cited.section) in INCHOATE_SECTIONS:
        inchoate = inchoate or INCHOATE_SECTIONS[(cited.title, cited.section)]
        aimed, cited = cited, None
    if not target and cited is None:
        if inchoate is not None:
            return Unknown(as_written, NO_OBJECT[inchoate], citation=aimed)
        return Unknown(as_written, "no wording and no citation to read")
    words = read_words(catalog, as_written, target) if target else None
    if cited is None:
        assert words is not None
        if isinstance(words, Unknown) and words.citation is None and aimed is not None:
            return replace(words, citation=aimed)
        return _with_inchoate(words, inchoate)
    return _with_inchoate(_combine(catalog, as_written, target, cited, words), inchoate)


def _citation(as_written: str, citation: str | None) -> Citation | Unknown | None:
    if citation and citation.strip():
        parsed = parse_citation(citation)
        if parsed is None:
            return Unknown(as_written, f"cannot read the citation {citation!r}")
        return parsed
    return find_citation(as_written)


def _combine(
    catalog: Catalog, as_written: str, target: str, cited: Citation, words: Reading | None
) -> Reading:
    offense = catalog.lookup(cited)
    if offense is None:
        under = catalog.entries_under(cited)
        if isinstance(words, Match) and (
            words.offense in under or (not under and _same_section(words.offense.citation, cited))
        ):
            return words
        if under:
            return Unknown(as_written, _several(cited, under), under[:5], cited)
        if cited.title not in catalog.titles:
            # The words may name a known offense, but not the one cited: say so, do not swap.
            nearest = (words.offense,) if isinstance(words, Match) else ()
            return Unknown(
                as_written,
                f"{cited}: the catalog lists no offense in title {cited.title}",
                nearest,
                cited,
            )
        offense = catalog.by_rules(cited)
    else:
        vague = _vague_about_violence(catalog, offense)
        if vague:
            if isinstance(words, Match) and words.offense in vague:
                return words
            return Unknown(
                as_written,
                f"{cited} reads as {offense.category.value}, but it includes clauses that are "
                "crime_of_violence; the clause is needed",
                vague[:5],
                cited,
            )
    own_clause = offense.distribution and offense.citation == cited
    conflict = None if own_clause else guard_conflict(guard_text(catalog, target), offense.category)
    if conflict:
        return Unknown(as_written, f"{conflict} (cited as {cited})", (offense,), cited)
    if isinstance(words, Match) and words.confidence >= 0.85 and words.category != offense.category:
        return Unknown(
            as_written,
            f"the citation {cited} is {offense.category.value} but the wording reads as "
            f"{words.offense.citation}, {words.category.value}",
            (offense, words.offense),
            cited,
        )
    listed = offense.citation == cited and "not in the catalog" not in offense.title
    confidence, how = (1.0, "listed in the catalog") if listed else (0.8, offense.source)
    return Match(
        as_written,
        offense,
        MatchedBy.CITATION,
        confidence,
        rule=f"citation {cited} ({how})",
        cited=cited if cited != offense.citation else None,
    )


def _several(cited: Citation, under: tuple[Offense, ...]) -> str:
    """Why a citation less precise than the catalog's clauses has no one category."""
    cats = ", ".join(sorted({o.category.value for o in under}))
    if not cited.subsection:
        return (
            f"§ {cited.section} has clauses of different categories ({cats}); "
            "the subsection is not written"
        )
    return f"{cited} has clauses of different categories ({cats}); the clause is not written"


def _vague_about_violence(catalog: Catalog, offense: Offense) -> tuple[Offense, ...]:
    """The clauses under a less precise entry, when some are violent and the entry is not.

    The crime-of-violence list (42 Pa.C.S. § 9714(g)) names clauses: 2702(a)(1) and (2) but not
    (3), 3701(a)(1)(i)-(iii) but not (iv). A charge cited as 2702(a) or 3701(a)(1) may be either.
    """
    if offense.category is Category.CRIME_OF_VIOLENCE:
        return ()
    under = catalog.entries_under(offense.citation)
    if any(o.category is Category.CRIME_OF_VIOLENCE for o in under):
        return under
    return ()


def _same_section(a: Citation, b: Citation) -> bool:
    return (a.title, a.section) == (b.title, b.section)


def _with_inchoate(reading: Reading, inchoate: Inchoate | None) -> Reading:
    if inchoate is None or not isinstance(reading, Match):
        return reading
    return replace(reading, inchoate=inchoate)
