"""Normalizer coverage and throughput on the real filings, and how it generalizes.

Run: ``.venv/bin/python benchmarks/catalog_normalize.py`` (from the repository root).

Figures printed:
- share of the filings' distinct ``top_charge`` wordings, and of its rows, read as an entry;
- cold throughput (distinct wordings per second, empty cache) on the filings' wordings and on
  unseen variants of the statewide court descriptions (one word dropped, so that no exact
  lookup can answer and the word scorer does all the work);
- cached throughput (rows per second) over the filings' rows repeated to 1,000,000;
- on those unseen variants: how often the reading keeps the description's category, how often
  it says Unknown, and how often it is wrong (a different category).
"""

from __future__ import annotations

import csv
import random
import sys
import time
from collections import Counter
from pathlib import Path

from divert.catalog import normalize
from divert.catalog.load import default_catalog
from divert.catalog.model import Match

REPO = Path(__file__).resolve().parents[1]


def _filings() -> list[str]:
    with (REPO / "data" / "phl_filings_2021-08_2022-01.csv").open(newline="") as handle:
        return [row["top_charge"] for row in csv.DictReader(handle)]


def _variants(seed: int = 7) -> list[tuple[str, str]]:
    """(variant wording, expected category) from AOPC descriptions of 3+ words, one word dropped."""
    catalog = default_catalog()
    rng = random.Random(seed)
    out = []
    for key, cited in catalog.descriptions.items():
        words = key.split()
        categories = {catalog.offenses[c].category for c, _ in cited}
        if len(words) < 3 or len(categories) != 1:
            continue
        del words[rng.randrange(len(words))]
        out.append((" ".join(words), next(iter(categories)).value))
    return out


def main() -> None:
    rows = _filings()
    distinct = Counter(rows)
    catalog = default_catalog()
    normalize._read.cache_clear()
    start = time.perf_counter()
    readings = {w: normalize.normalize_charge(w, catalog=catalog) for w in distinct}
    cold = len(distinct) / (time.perf_counter() - start)
    matched = [w for w, r in readings.items() if isinstance(r, Match)]
    print(f"catalog {catalog.version}: {len(catalog)} entries")
    print(
        f"filings: {len(matched)}/{len(distinct)} distinct wordings read "
        f"({len(matched) / len(distinct):.1%}); rows {sum(distinct[w] for w in matched)}/"
        f"{len(rows)} ({sum(distinct[w] for w in matched) / len(rows):.2%})"
    )
    print(f"cold, filings wordings: {cold:,.0f} wordings/s")

    variants = _variants()
    normalize._read.cache_clear()
    start = time.perf_counter()
    results = [(normalize.normalize_charge(w, catalog=catalog), cat) for w, cat in variants]
    print(f"cold, unseen variants: {len(variants) / (time.perf_counter() - start):,.0f} wordings/s")
    same = sum(1 for r, c in results if isinstance(r, Match) and r.category.value == c)
    unknown = sum(1 for r, _ in results if not isinstance(r, Match))
    wrong = len(results) - same - unknown
    print(
        f"unseen variants ({len(results)}): same category {same / len(results):.1%}, "
        f"unknown {unknown / len(results):.1%}, other category {wrong / len(results):.1%}"
    )

    many = (rows * (1_000_000 // len(rows) + 1))[:1_000_000]
    start = time.perf_counter()
    for wording in many:
        normalize.normalize_charge(wording, catalog=catalog)
    print(f"cached: {len(many) / (time.perf_counter() - start):,.0f} rows/s")
    print(f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
