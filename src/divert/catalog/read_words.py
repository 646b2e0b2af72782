"""Reading a wording by its words: a curated alias, a court description known verbatim, or
the nearest known wording by word scoring, each through the guard (guard.py).

The second line of evidence in normalize.py, after a citation.
"""

from __future__ import annotations

from divert.catalog.guard import guard_conflict, guard_text
from divert.catalog.model import Citation, Match, MatchedBy, Offense, Reading, Unknown
from divert.catalog.registry import Catalog
from divert.catalog.wording import drug_signals, fold

PWID = Citation("35", "780-113", ("a", "30"))
ACCEPT = 0.75  # least word score read as a match (see docs/catalog.md for how it was chosen)
MARGIN = 0.08  # a rival of another category this close makes the reading Unknown
DOMINANT = 0.8  # share of a shared description's charges one citation needs to be chosen


def read_words(catalog: Catalog, as_written: str, target: str) -> Reading:
    key = fold(target)
    alias = catalog.aliases.get(key)
    if alias is not None:
        if alias.citation is None:
            return Unknown(as_written, alias.unknown or "this wording names no offense")
        offense = catalog.lookup(alias.citation) or catalog.by_rules(alias.citation)
        return _guarded(
            as_written,
            target,
            offense,
            MatchedBy.ALIAS,
            1.0,
            f"alias '{alias.wording}' ({alias.source}, seen {alias.seen})",
            alias.citation,
        )
    if key in catalog.descriptions:
        described = _by_description(catalog, as_written, target, catalog.descriptions[key])
        if described is not None:
            return described
    return _by_words(catalog, as_written, target)


def _by_description(
    catalog: Catalog, as_written: str, target: str, cited: tuple[tuple[Citation, int], ...]
) -> Reading | None:
    offenses = [(catalog.offenses[c], n) for c, n in cited]
    total = sum(n for _, n in offenses) or 1
    top, count = offenses[0]
    share = count / total
    same = len({o.category for o, _ in offenses}) == 1
    if share < DOMINANT and not same:
        cats = ", ".join(sorted({o.category.value for o, _ in offenses}))
        return Unknown(
            as_written,
            f"the court uses this description for {len(offenses)} subsections in different "
            f"categories ({cats}); a citation is needed",
            tuple(o for o, _ in offenses[:5]),
        )
    confidence = 1.0 if len(offenses) == 1 else round(max(share, 0.9 if same else share), 2)
    return _guarded(
        as_written,
        target,
        top,
        MatchedBy.DESCRIPTION,
        confidence,
        f"court description '{top.descriptions[0] if top.descriptions else target}'"
        f" ({share:.0%} of its charges)",
        own_words=True,
    )


def _by_words(catalog: Catalog, as_written: str, target: str) -> Reading:
    if catalog.words.vocabulary.names_no_act(target):
        # "NARCOTICS", "MJ", "Cocaine 3 g": a drug, but not whether it was possessed, sold or made.
        return Unknown(as_written, "the wording names a drug but not what was done with it")
    hits = catalog.words.search(target, limit=12)
    guarded = guard_text(catalog, target)
    readable = []
    for hit in hits:
        offense = catalog.lookup(hit.citation) or catalog.by_rules(hit.citation)
        if guard_conflict(guarded, offense.category) is None:
            readable.append((hit, offense))
    nearest = tuple(o for _, o in readable[:3])
    if not readable or readable[0][0].score < ACCEPT:
        dealing = _plain_dealing(catalog, as_written, target)
        if dealing is not None:
            return dealing
        best = f" (best {readable[0][0].score:.2f}: '{readable[0][0].wording}')" if readable else ""
        return Unknown(as_written, f"no known wording is close enough{best}", nearest)
    # Equally close wordings: the one courts charge far more often is the reading, unless a
    # rival of another category is charged at least a tenth as often (then it is Unknown).
    top = readable[0][0].score
    tied = (r for r in readable if r[0].score >= top - 1e-9)
    hit, offense = max(tied, key=lambda r: charged(r[1]))
    for rival, other in readable:
        if (
            other.category != offense.category
            and hit.score - rival.score < MARGIN
            and charged(other) * 10 > charged(offense)
        ):
            return Unknown(
                as_written,
                f"as close to '{rival.wording}' ({rival.score:.2f}, {other.category.value}) as "
                f"to '{hit.wording}' ({hit.score:.2f}, {offense.category.value})",
                nearest,
            )
    confidence = round(min(0.95, hit.score), 2)
    return Match(
        as_written,
        offense,
        MatchedBy.FUZZY,
        confidence,
        rule=f"nearest wording '{hit.wording}' (score {hit.score:.2f})",
    )


def _plain_dealing(catalog: Catalog, as_written: str, target: str) -> Reading | None:
    """Police words for dealing a drug that no court description matches, read as (a)(30).

    "Distribution of Controlled Substance", "Sale of Marijuana", "Drug Trafficking": the words
    speak only of delivery (not of possession alone) and name a drug, and none of the words in
    abbreviations.yaml's `not_plain_dealing` makes it another offense. Confidence stays below
    a description's so the ADA sees it was read by pattern.
    """
    vocabulary = catalog.words.vocabulary
    if "delivery" not in drug_signals(target):
        return None
    if not vocabulary.names_a_substance(target) or not vocabulary.is_plain_dealing(target):
        return None
    offense = catalog.lookup(PWID)
    if offense is None:
        return None
    return _guarded(as_written, target, offense, MatchedBy.PATTERN, 0.8,
                    "dealing words with a drug named (abbreviations.yaml: not_plain_dealing)")


def charged(offense: Offense) -> int:
    """How many charges the statewide data records for an offense (at least 1)."""
    return max(1, sum(n for _, n in offense.grades))


def _guarded(
    as_written: str,
    target: str,
    offense: Offense,
    by: MatchedBy,
    confidence: float,
    rule: str,
    cited: Citation | None = None,
    *,
    own_words: bool = False,
) -> Reading:
    # A distribution clause (offense.distribution) may be read from its own court description,
    # which speaks of distributing; never from words merely near it.
    exempt = own_words and offense.distribution
    conflict = None if exempt else guard_conflict(target, offense.category)
    if conflict:
        return Unknown(as_written, f"{conflict} (it matched {rule})", (offense,), cited)
    shown = cited if cited is not None and cited != offense.citation else None
    return Match(as_written, offense, by, confidence, rule=rule, cited=shown)
