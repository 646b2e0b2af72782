"""The possession/delivery guard: the one mistake the normalizer must never make.

A wording that speaks of delivery, manufacture or intent is never read as a possession
category, and a wording that speaks only of possession is never read as possession with
intent to deliver. Every reading path (citation, alias, description, words) passes through it.

>>> guard_conflict("PWID", Category.SIMPLE_POSSESSION)[:40]
'the wording speaks of delivery or intent'
>>> guard_conflict("Int Poss Contr Subst By Per Not Reg", Category.SIMPLE_POSSESSION) is None
True
"""

from __future__ import annotations

from divert.catalog.model import Category
from divert.catalog.registry import Catalog
from divert.catalog.wording import drug_signals

POSSESSION_LIKE = frozenset(
    {
        Category.SIMPLE_POSSESSION,
        Category.PURCHASE_BY_UNAUTHORIZED,
        Category.MARIJUANA_SMALL_AMOUNT,
        Category.PARAPHERNALIA,
    }
)


def is_possession_like(category: Category) -> bool:
    """True for the categories a possession-diversion policy treats as possession or use."""
    return category in POSSESSION_LIKE


def guard_conflict(wording: str, category: Category) -> str | None:
    """Why reading this wording as this category would cross possession and delivery, or None."""
    signals = drug_signals(wording)
    if category in POSSESSION_LIKE and "delivery" in signals:
        return f"the wording speaks of delivery or intent, so it cannot be {category.value}"
    if (
        category is Category.POSSESSION_WITH_INTENT_TO_DELIVER
        and "possession" in signals
        and "delivery" not in signals
    ):
        return "the wording speaks of possession only, so it cannot be possession with intent"
    return None


def guard_text(catalog: Catalog, target: str) -> str:
    """The wording as the guard reads it: as written, plus its typing slips corrected."""
    return " ".join((target, *catalog.words.corrections(target)))
