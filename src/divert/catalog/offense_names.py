"""Named offenses (``offense_names.yaml``): the finer names a policy reads as `charge.offense`.

Categories group statutes (``property`` holds theft, trespass and forgery alike); a list of
charges written one by one, like the February 2018 no-cash-bail list, needs each statute's
own name. The names and the statutes they cover are data; the first matching entry decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from divert.catalog.categories import section_key
from divert.catalog.datafile import Problems, read_yaml
from divert.catalog.model import Citation

FILE = "offense_names.yaml"


@dataclass(frozen=True, slots=True)
class NamedOffense:
    name: str
    title: str
    first: tuple[int, ...]
    last: tuple[int, ...]
    subsection: tuple[str, ...]
    source: str

    def matches(self, citation: Citation) -> bool:
        """Title, section range and subsection prefix, as a category rule matches.

        >>> n = NamedOffense("trespass", "18", (3503,), (3503,), (), "")
        >>> n.matches(Citation("18", "3503", ("b", "1"))), n.matches(Citation("18", "3503.1"))
        (True, False)
        """
        if citation.title != self.title:
            return False
        key = section_key(citation.section)
        if not key or not self.first <= key[: len(self.last)] <= self.last:
            return False
        if len(key) > len(self.last) and self.first == self.last:
            return False  # a decimal section is its own section
        return citation.subsection[: len(self.subsection)] == self.subsection


@dataclass(frozen=True, slots=True)
class OffenseNames:
    entries: tuple[NamedOffense, ...]
    default: str = "unnamed"

    @property
    def names(self) -> tuple[str, ...]:
        return (*dict.fromkeys(e.name for e in self.entries), self.default)

    def name_of(self, citation: Citation) -> str:
        """The first entry's name that covers `citation`, else the default."""
        return next((e.name for e in self.entries if e.matches(citation)), self.default)


def read_offense_names(path: Path) -> OffenseNames:
    """Read the file, refusing every malformed entry with its line.

    Raises:
        CatalogError: naming each `file:line` and what was wrong.
    """
    data = read_yaml(path)
    problems = Problems()
    entries = []
    for raw in data.get("offenses") or ():
        line = getattr(raw, "line", 0)
        try:
            first, _, last = str(raw["sections"]).partition(" to ")
            name = str(raw["name"])
            if not name.replace("_", "").isalnum() or name != name.lower():
                raise ValueError(f"the name {name!r} must be lower_case_with_underscores")
            entries.append(NamedOffense(name, str(raw["title"]), section_key(first),
                                        section_key(last or first),
                                        tuple(str(p).lower() for p in raw.get("subsection", ())),
                                        str(raw.get("source", ""))))
        except (KeyError, ValueError, TypeError) as exc:
            problems.add(path, line, f"an offense needs name, title and sections ({exc})")
    problems.raise_any()
    return OffenseNames(tuple(entries), str(data.get("default", "unnamed")))


@lru_cache(maxsize=1)
def default_offense_names() -> OffenseNames:
    """The bundled (or DIVERT_CATALOG_PATH) catalog's named offenses."""
    from divert.resources import catalog_root

    path = catalog_root() / "us-pa" / FILE
    return read_offense_names(path) if path.is_file() else OffenseNames(())
