"""Which category an offense falls in, from the ordered rules of ``categories.yaml``.

The law draws these lines by title and section (firearms are 18 Pa.C.S. §§ 6101-6128) and
sometimes by subsection (42 Pa.C.S. § 9714(g) names aggravated assault under 2702(a)(1) and
(a)(2) only), so a rule is a title, a section range and an optional subsection prefix. The
first matching rule decides, and the rule's source travels with the answer.

>>> section_key("780-113") < section_key("780-144") < section_key("6101")
True
>>> section_key("3929") < section_key("3929.1")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from divert.catalog.model import Category, Citation


def section_key(section: str) -> tuple[int, ...]:
    """A section number as comparable integers: "780-113" → (780, 113), "3124.1" → (3124, 1)."""
    return tuple(int(part) for part in re.findall(r"\d+", section))


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """Title + section range (+ subsection prefix) → category, with where the line comes from."""

    title: str
    first: tuple[int, ...]
    last: tuple[int, ...]
    subsection: tuple[str, ...]
    category: Category
    source: str
    line: int = 0

    def matches(self, citation: Citation) -> bool:
        if citation.title != self.title:
            return False
        key = section_key(citation.section)
        if not key or not self.first <= key[: len(self.last)] <= self.last:
            return False
        if (
            key[: len(self.last)] == self.last
            and len(key) > len(self.last)
            and (self.first == self.last)
        ):
            return False  # "3929" does not cover "3929.1": a decimal section is its own section
        return citation.subsection[: len(self.subsection)] == self.subsection


@dataclass(frozen=True, slots=True)
class CategoryRules:
    """The ordered rules and the category of everything they do not name."""

    rules: tuple[CategoryRule, ...]
    default: Category = Category.OTHER

    def categorize(self, citation: Citation) -> tuple[Category, str]:
        """The category of a citation and the source of the rule that gave it.

        >>> rules = CategoryRules((CategoryRule("18", (3929,), (3929,), (), Category.RETAIL_THEFT,
        ...     "18 § 3929"),))
        >>> rules.categorize(Citation("18", "3929", ("a", "1")))
        (<Category.RETAIL_THEFT: 'retail_theft'>, '18 § 3929')
        >>> rules.categorize(Citation("18", "3929.1"))[0]
        <Category.OTHER: 'other'>
        """
        for rule in self.rules:
            if rule.matches(citation):
                return rule.category, rule.source
        return self.default, "no category rule names this section (categories.yaml default)"
