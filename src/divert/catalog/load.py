"""Building a :class:`Catalog` from the YAML and CSV files of a catalog folder.

Every mistake in the YAML files is reported as ``file:line: what was wrong``, all at once, so a
reviewer fixes a data change in one pass. Nothing is dropped silently: an AOPC row that cannot
be read is refused with its line and reason and listed in ``Catalog.refused``.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from divert.catalog.categories import CategoryRule, CategoryRules, section_key
from divert.catalog.citation import parse_citation, parse_cpcms_subsection
from divert.catalog.datafile import LineMap, Problems, read_yaml
from divert.catalog.model import Category, Citation, Offense, Penalty
from divert.catalog.registry import Alias, Catalog
from divert.catalog.similarity import WordIndex
from divert.catalog.wording import Vocabulary, fold
from divert.errors import CatalogError
from divert.resources import catalog_root

AOPC_COLUMNS = ("description", "title", "section", "subsection", "grade", "count")


@dataclass
class _Draft:
    """What the files say about one citation before it becomes an Offense."""

    descriptions: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)
    entry: dict[str, Any] = field(default_factory=dict)


def _read_aopc(path: Path, drafts: dict[Citation, _Draft], refused: Problems) -> None:
    """Read the AOPC rows; a malformed row is refused with its line and reason, never dropped."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != AOPC_COLUMNS:
            raise CatalogError(
                f"{path}:1: expected columns {', '.join(AOPC_COLUMNS)}; "
                f"found {', '.join(reader.fieldnames or ['none'])}"
            )
        for row in reader:
            line = reader.line_num
            if not row["description"] or not row["title"] or not row["section"]:
                refused.add(path, line, "description, title and section must not be blank")
                continue
            if not (row["count"] or "").isdigit() or None in row:
                refused.add(path, line, f"malformed row (quoting or column count): {row}")
                continue
            citation = Citation(
                row["title"], row["section"], parse_cpcms_subsection(row["subsection"])
            )
            draft = drafts.setdefault(citation, _Draft())
            draft.descriptions[row["description"].strip()] += int(row["count"])
            draft.grades[row["grade"] or "?"] += int(row["count"])


def _read_statutes(path: Path, drafts: dict[Citation, _Draft], problems: Problems) -> None:
    data = read_yaml(path)
    entries = data.get("entries")
    if not isinstance(entries, list):
        problems.add(path, data.line, "expected a list under 'entries'")
        return
    for entry in entries:
        line = getattr(entry, "line", data.line)
        citation = _entry_citation(data, entry)
        if citation is None:
            problems.add(path, line, "each entry needs 'citation' (or 'sub' under title/section)")
            continue
        if "category" in entry and entry["category"] not in Category.__members__.values():
            known = ", ".join(c.value for c in Category)
            problems.add(path, line, f"unknown category {entry['category']!r}; known: {known}")
            continue
        if not entry.get("title"):
            problems.add(path, line, f"entry {citation} has no 'title'")
            continue
        draft = drafts.setdefault(citation, _Draft())
        draft.entry = dict(entry)
        for description in entry.get("descriptions", ()):
            draft.descriptions[str(description)] += 1


def _entry_citation(data: LineMap, entry: Any) -> Citation | None:
    if not isinstance(entry, dict):
        return None
    if "citation" in entry:
        return parse_citation(str(entry["citation"]))
    if "sub" in entry and "title" in data and "section" in data:
        sub = tuple(str(part).lower() for part in entry["sub"])
        return Citation(str(data["title"]), str(data["section"]), sub)
    return None


def _read_rules(path: Path, problems: Problems) -> CategoryRules:
    data = read_yaml(path)
    rules = []
    for raw in data.get("rules") or ():
        line = getattr(raw, "line", 0)
        try:
            first, _, last = str(raw["sections"]).partition(" to ")
            rules.append(
                CategoryRule(
                    title=str(raw["title"]),
                    first=section_key(first),
                    last=section_key(last or first),
                    subsection=tuple(str(p).lower() for p in raw.get("subsection", ())),
                    category=Category(raw["category"]),
                    source=str(raw.get("source", "")),
                    line=line,
                )
            )
        except (KeyError, ValueError) as exc:
            problems.add(path, line, f"a rule needs title, sections and a known category ({exc})")
    default = data.get("default", Category.OTHER.value)
    if default not in Category.__members__.values():
        problems.add(path, data.line, f"unknown default category {default!r}")
        default = Category.OTHER.value
    return CategoryRules(tuple(rules), Category(default))


def _read_vocabulary(path: Path) -> Vocabulary:
    data = read_yaml(path)
    expand = {str(k).lower(): tuple(str(v).lower().split()) for k, v in data["expand"].items()}
    drugs = {
        str(w).lower(): tuple(str(data.get("drug_reads_as", "")).split())
        for w in data.get("drugs", ())
    }
    return Vocabulary(
        expand,
        frozenset(str(w).lower() for w in data.get("ignore", ())),
        frozenset(str(w).lower() for w in data.get("stop", ())),
        drugs,
        frozenset(str(w).lower() for w in data.get("substance_words", ())),
        frozenset(str(w).lower() for w in data.get("not_plain_dealing", ())),
    )


def _offense(citation: Citation, draft: _Draft, rules: CategoryRules) -> Offense:
    entry = draft.entry
    if "category" in entry:
        category, source = Category(entry["category"]), str(entry.get("source", ""))
    else:
        category, rule_source = rules.categorize(citation)
        source = "; ".join(s for s in (str(entry.get("source", "")), rule_source) if s)
    if entry.get("note"):
        source += f" — note: {entry['note']}"
    grades = tuple(sorted(draft.grades.items(), key=lambda kv: (-kv[1], kv[0])))
    penalty = entry.get("max_penalty")
    descriptions = tuple(d for d, _ in draft.descriptions.most_common())
    return Offense(
        citation=citation,
        title=str(entry.get("title") or (descriptions[0] if descriptions else citation)),
        category=category,
        grade=entry.get("grade", grades[0][0] if grades else None),
        grades=grades,
        max_penalty=Penalty(
            penalty.get("prison_days"), penalty.get("fine_dollars"), str(penalty.get("source", ""))
        )
        if isinstance(penalty, dict)
        else None,
        drug=entry.get("drug"),
        descriptions=descriptions,
        source=source,
        distribution=entry.get("distribution") is True,
    )


def _read_aliases(path: Path, problems: Problems) -> dict[str, Alias]:
    aliases: dict[str, Alias] = {}
    for raw in read_yaml(path).get("aliases") or ():
        line = getattr(raw, "line", 0)
        citation = parse_citation(str(raw.get("citation", ""))) if raw.get("citation") else None
        if raw.get("citation") and citation is None:
            problems.add(path, line, f"cannot read citation {raw['citation']!r}")
            continue
        if citation is None and not raw.get("unknown"):
            problems.add(path, line, "an alias needs a 'citation' or an 'unknown' reason")
            continue
        if not raw.get("source") or not raw.get("seen"):
            problems.add(path, line, "an alias needs 'source' and 'seen' (when it was seen)")
            continue
        key = fold(str(raw.get("wording", "")))
        if not key or key in aliases:
            problems.add(path, line, f"blank or duplicate wording {raw.get('wording')!r}")
            continue
        aliases[key] = Alias(
            str(raw["wording"]),
            citation,
            raw.get("unknown"),
            str(raw["source"]),
            str(raw["seen"]),
            line,
        )
    return aliases


def load_catalog(root: Path | None = None) -> Catalog:
    """Load a catalog folder (the bundled Pennsylvania one by default).

    Args:
        root: a jurisdiction folder holding ``catalog.yaml``, or a folder holding ``us-pa/``.

    Raises:
        CatalogError: naming every file and line that is wrong.
    """
    base = root or catalog_root()
    folder = base if (base / "catalog.yaml").is_file() else base / "us-pa"
    meta = read_yaml(folder / "catalog.yaml")
    problems = Problems()
    if not isinstance(meta.get("data_date"), date):
        problems.add(folder / "catalog.yaml", meta.line, "'data_date' must be a date (YYYY-MM-DD)")
    problems.raise_any()
    rules = _read_rules(folder / meta["categories"], problems)
    drafts: dict[Citation, _Draft] = {}
    refused = Problems()
    _read_aopc(folder / meta["aopc"], drafts, refused)
    for name in meta.get("statutes") or ():
        _read_statutes(folder / name, drafts, problems)
    offenses = {c: _offense(c, d, rules) for c, d in drafts.items()}
    aliases = _read_aliases(folder / meta["aliases"], problems)
    descriptions: dict[str, list[tuple[Citation, int]]] = defaultdict(list)
    docs: list[tuple[Citation, str]] = []
    for citation, draft in drafts.items():
        for text, count in draft.descriptions.items():
            descriptions[fold(text)].append((citation, count))
            docs.append((citation, text))
        docs.append((citation, offenses[citation].title))
    docs.extend((a.citation, a.wording) for a in aliases.values() if a.citation is not None)
    catalog = Catalog(
        jurisdiction=str(meta["jurisdiction"]),
        data_date=meta["data_date"],
        offenses=offenses,
        descriptions={k: tuple(sorted(v, key=lambda cv: -cv[1])) for k, v in descriptions.items()},
        aliases=aliases,
        rules=rules,
        words=WordIndex(docs, _read_vocabulary(folder / meta["abbreviations"])),
        refused=tuple(refused.items),
    )
    for alias in aliases.values():
        if alias.citation is not None and catalog.lookup(alias.citation) is None:
            problems.add(
                folder / meta["aliases"],
                alias.line,
                f"alias {alias.wording!r} cites {alias.citation}, which is not one "
                "offense the catalog knows",
            )
    problems.raise_any()
    return catalog


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled catalog, loaded once per process."""
    return load_catalog()
