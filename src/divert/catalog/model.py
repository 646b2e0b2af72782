"""What a charge *is*: citations, offense categories and catalog entries, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """The offense categories policies are written in. Names are stable forever."""

    SIMPLE_POSSESSION = "simple_possession"  # 35 P.S. § 780-113(a)(16)
    PURCHASE_BY_UNAUTHORIZED = "purchase_by_unauthorized"  # (a)(19)
    MARIJUANA_SMALL_AMOUNT = "marijuana_small_amount"  # (a)(31)
    PARAPHERNALIA = "paraphernalia"  # (a)(32)
    POSSESSION_WITH_INTENT_TO_DELIVER = "possession_with_intent_to_deliver"  # (a)(30) + inchoate
    DRUG_OTHER = "drug_other"  # every other drug offense
    FIREARM = "firearm"  # 18 Pa.C.S. §§ 6101-6128
    CRIME_OF_VIOLENCE = "crime_of_violence"  # 42 Pa.C.S. § 9714(g)
    DUI = "dui"  # 75 Pa.C.S. Chapter 38, §§ 3801-3817 (categories.yaml)
    RETAIL_THEFT = "retail_theft"  # 18 Pa.C.S. § 3929 (a PAD offense)
    PROSTITUTION = "prostitution"  # 18 Pa.C.S. § 5902 (a PAD offense)
    PROPERTY = "property"
    OTHER = "other"


class Inchoate(StrEnum):
    """Attempt, conspiracy and solicitation keep the category of the offense they aim at."""

    ATTEMPT = "attempt"  # 18 Pa.C.S. § 901
    CONSPIRACY = "conspiracy"  # 18 Pa.C.S. § 903
    SOLICITATION = "solicitation"  # 18 Pa.C.S. § 902


@dataclass(frozen=True, slots=True, order=True)
class Citation:
    """A Pennsylvania citation: title, section and subsection path.

    >>> str(Citation("35", "780-113", ("a", "16")))
    '35 P.S. § 780-113(a)(16)'
    >>> str(Citation("18", "3929", ("a", "1")))
    '18 Pa.C.S. § 3929(a)(1)'
    >>> str(Citation("75", "3802", ()))
    '75 Pa.C.S. § 3802'
    """

    title: str
    section: str
    subsection: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        # Title 35 (health and safety) is not consolidated: it is cited from Purdon's, "P.S.".
        return "P.S." if self.title == "35" else "Pa.C.S."

    def __str__(self) -> str:
        subsection = "".join(f"({part})" for part in self.subsection)
        if self.title in ("CO", "LO"):  # Philadelphia Code ordinances: no state code to name
            return f"{self.title} § {self.section}{subsection}"
        return f"{self.title} {self.code} § {self.section}{subsection}"


@dataclass(frozen=True, slots=True)
class Penalty:
    """A statutory maximum: prison in days, fine in dollars, and where that figure comes from."""

    max_prison_days: int | None
    max_fine_dollars: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Offense:
    """One catalog entry: a citation with its name, category, usual grade and maximum penalty.

    `grades` are the statewide counts of charges by recorded grade (AOPC), so the usual grade
    is evidence, not a guess; `drug` is set where the statute itself names the drug.
    `distribution` marks a clause that is itself a distribution in a possession-like category
    ((a)(31)(ii), (iii)): its own citation or court description may speak of distributing.
    """

    citation: Citation
    title: str
    category: Category
    grade: str | None = None
    grades: tuple[tuple[str, int], ...] = ()
    max_penalty: Penalty | None = None
    drug: str | None = None
    descriptions: tuple[str, ...] = field(default=(), compare=False)
    source: str = ""
    distribution: bool = False


class MatchedBy(StrEnum):
    """How the normalizer read a wording; shown to the ADA beside the reading."""

    CITATION = "citation"  # a statute citation, parsed
    DESCRIPTION = "description"  # a court description known verbatim (after case/space folding)
    ALIAS = "alias"  # a curated alias (aliases.yaml), with its source
    PATTERN = "pattern"  # a keyword pattern over the wording
    FUZZY = "fuzzy"  # nearest known description; confidence below 1


@dataclass(frozen=True, slots=True)
class Match:
    """A wording read as a catalog entry, with how it was read and how surely (0-1).

    `cited` is the citation as written when it says more than the entry it was looked up as
    (``75 Pa.C.S. § 1543(b)(1)(i)`` read by the entry for (b)(1)): the ADA sees what was
    charged, not only the level the catalog happens to list.
    """

    as_written: str
    offense: Offense
    matched_by: MatchedBy
    confidence: float
    inchoate: Inchoate | None = None
    rule: str = ""  # which alias, pattern or description decided it
    cited: Citation | None = None

    @property
    def category(self) -> Category:
        return self.offense.category

    @property
    def citation(self) -> Citation:
        """The citation to show: every level written, else the catalog entry's."""
        return self.cited or self.offense.citation


@dataclass(frozen=True, slots=True)
class Unknown:
    """A wording the normalizer will not guess about, with why and the nearest candidates.

    `citation` is what was parsed even though no category follows from it (``18 Pa.C.S.
    § 901(a)`` with no object offense): unsure of the category is not unsure of the statute.
    """

    as_written: str
    reason: str
    candidates: tuple[Offense, ...] = ()
    citation: Citation | None = None


Reading = Match | Unknown
