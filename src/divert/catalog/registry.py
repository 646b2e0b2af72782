"""The loaded catalog: every known offense by citation, its wordings, aliases and category rules.

A ``Catalog`` is a plain value built once by :mod:`divert.catalog.load`; looking things up
in it never touches a file. Its ``version`` ("us-pa@2026-11-25") names the data it was built
from, so every decision can say which catalog read its charges.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from divert.catalog.categories import CategoryRules
from divert.catalog.citation import parse_citation
from divert.catalog.model import Citation, Offense
from divert.catalog.similarity import WordIndex


@dataclass(frozen=True, slots=True)
class Alias:
    """A curated wording (aliases.yaml): the offense it names, or why it names none."""

    wording: str
    citation: Citation | None
    unknown: str | None
    source: str
    seen: str
    line: int = 0


@dataclass(frozen=True, eq=False)
class Catalog:
    """Every offense the normalizer can name, with the wordings that lead to it.

    Compared and hashed by identity: a catalog is loaded once and used as a cache key.
    """

    jurisdiction: str
    data_date: date
    offenses: Mapping[Citation, Offense]
    descriptions: Mapping[str, tuple[tuple[Citation, int], ...]]  # folded wording → (cit, count)
    aliases: Mapping[str, Alias]  # folded wording → alias
    rules: CategoryRules
    words: WordIndex
    refused: tuple[str, ...] = ()  # data rows that could not be read, as "file:line: why"
    _by_section: dict[tuple[str, str], list[Offense]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def titles(self) -> frozenset[str]:
        """The titles the catalog lists offenses under ("18", "35", "75", …)."""
        return frozenset(title for title, _ in self._by_section)

    def __post_init__(self) -> None:
        for cit, offense in self.offenses.items():
            self._by_section.setdefault((cit.title, cit.section), []).append(offense)

    @property
    def version(self) -> str:
        """Which catalog data read a charge, e.g. ``us-pa@2026-11-25``."""
        return f"{self.jurisdiction}@{self.data_date.isoformat()}"

    def __len__(self) -> int:
        return len(self.offenses)

    def lookup(self, citation: Citation | str) -> Offense | None:
        """The entry for a citation, or None when the catalog cannot say which offense it is.

        A citation more precise than the catalog (a clause it does not list) falls back to its
        nearest listed parent; a citation less precise (a section) is answered only when every
        listed subsection under it has one category, since the category is what policies read.
        """
        cit = parse_citation(citation) if isinstance(citation, str) else citation
        if cit is None:
            return None
        for depth in range(len(cit.subsection), -1, -1):
            prefix = Citation(cit.title, cit.section, cit.subsection[:depth])
            if prefix in self.offenses:
                return self.offenses[prefix]
            under = self.entries_under(prefix)
            if under:
                return self._summary(prefix, under)
        return None

    def entries_under(self, citation: Citation) -> tuple[Offense, ...]:
        """Listed entries that are this citation or more precise than it, most charged first."""
        depth = len(citation.subsection)
        found = [
            o
            for o in self._by_section.get((citation.title, citation.section), ())
            if o.citation.subsection[:depth] == citation.subsection
        ]
        return tuple(sorted(found, key=lambda o: (-sum(n for _, n in o.grades), o.citation)))

    def _summary(self, citation: Citation, under: tuple[Offense, ...]) -> Offense | None:
        if len({o.category for o in under}) != 1:
            return None
        first = under[0]
        grades: Counter[str] = Counter()
        for offense in under:
            grades.update(dict(offense.grades))
        return replace(
            first,
            citation=citation,
            grades=tuple(sorted(grades.items(), key=lambda kv: (-kv[1], kv[0]))),
            grade=None,
            max_penalty=None,
            source=f"every listed subsection of {citation} is {first.category.value}",
        )

    def by_rules(self, citation: Citation) -> Offense:
        """An entry for a citation the data does not list, categorized by categories.yaml."""
        category, source = self.rules.categorize(citation)
        return Offense(citation, f"{citation} (not in the catalog's data)", category, source=source)
