"""How a charge wording is read as words: folding, tokens, inchoate prefixes and drug signals.

The normalizer never compares raw strings: "CS-POSS", "cs poss" and "Cs.  Poss" are one
wording. Abbreviations are expanded from the catalog's ``abbreviations.yaml`` (data, not code)
so that court shorthand ("Contr Subst") and police shorthand ("K/I POSS") meet the statute's
own words.

>>> fold("  Int Poss   Contr Subst-By Per ")
'int poss contr subst by per'
>>> split_inchoate("Criminal Attempt - Murder")
(<Inchoate.ATTEMPT: 'attempt'>, 'Murder')
>>> split_inchoate("Criminal Conspiracy Engaging - Int Poss Contr Subst By Per Not Reg")
(<Inchoate.CONSPIRACY: 'conspiracy'>, 'Int Poss Contr Subst By Per Not Reg')
>>> split_inchoate("Conspiracy to commit PWID")
(<Inchoate.CONSPIRACY: 'conspiracy'>, 'PWID')
>>> fold("P.W.I.D. (Cocaine)")
'pwid cocaine'
>>> split_inchoate("Aggravated Assault - Attempts to cause SBI")[0] is None
True
>>> split_inchoate("Criminal Conspiracy Knowledge")
(<Inchoate.CONSPIRACY: 'conspiracy'>, '')
>>> sorted(drug_signals("Manufacture, Delivery, or Possession With Intent to Deliver"))
['delivery', 'possession']
>>> sorted(drug_signals("Int Poss Contr Subst By Per Not Reg"))
['possession']
>>> sorted(drug_signals("Use/Poss Of Drug Paraph w/ intent to use"))
['possession']
>>> sorted(drug_signals("w/i Use/Poss controlled substance"))
['delivery', 'possession']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from divert.catalog.citation import clean
from divert.catalog.model import Inchoate

_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_TOKEN = re.compile(r"[^a-z0-9/&]+")

_INCHOATE_WORDS = {
    "attempt": Inchoate.ATTEMPT,
    "attempted": Inchoate.ATTEMPT,
    "att": Inchoate.ATTEMPT,
    "conspiracy": Inchoate.CONSPIRACY,
    "consp": Inchoate.CONSPIRACY,
    "conspire": Inchoate.CONSPIRACY,
    "criminal conspiracy": Inchoate.CONSPIRACY,
    "solicitation": Inchoate.SOLICITATION,
    "solicit": Inchoate.SOLICITATION,
}
# "Criminal Attempt - X", "Conspiracy: X", "Conspiracy to commit X", "Attempted X", "Consp X".
# A bare "Solicit Ride" or "Conspiracy Viol Odometer" (real offenses of their own) needs a
# separator or "to commit", so only the unambiguous short forms may be followed by a space.
_INCHOATE = re.compile(
    r"^[\s\-:–—]*(?:crim(?:inal)?\.?\s+)?(?P<word>attempted|attempt|att|conspiracy|consp|conspire|"
    r"solicitation|solicit)\.?(?:\s+(?:engaging|aiding|knowledge))?(?:\s*[-:–—(]+\s*|\s+to\s+commit\b[\s:\-–—]*|\s+to\s+(?=\S)|"
    r"(?<=attempted)\s+|(?<=consp)\s+|(?<=att)\s+|\s*$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)

# Words that say the charge is about delivering, not (only) possessing. "Int Poss" is
# "intentional possession", so a bare "int" is not a signal; "with intent to use" (paraphernalia)
# and "with intent to defraud" are not delivery either, but only with their "to": no court
# writes "w/i use", and "w/i Use/Poss" may well be a possession with intent.
_DELIVERY = re.compile(
    r"\b(?:deliver\w*|deliv|del|distrib\w*|distr|dist|manuf\w*|mfg|mftr|mfr|sell\w*|sale|sales|"
    r"sold|pwid|pwi|traffick\w*|dealing|dealer)\b"
    r"|(?:\bwith\s+|\bw/\s*|\bw\s+)(?:intent|int|i)\b(?!\s*to\s+(?:use|defraud|terrorize))"
    r"|\bw/i(?:nt)?\b(?!\s*to\s+(?:use|defraud|terrorize))"
    r"|\bintent\s+to\s+(?!use|defraud|terrorize)",
    re.IGNORECASE,
)
_POSSESSION = re.compile(
    r"\b(?:poss\w*|k\s*[/&]\s*i|kip|purc\w*|purchas\w*|buy\w*|bfp|paraph\w*)\b", re.IGNORECASE
)


_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}", re.IGNORECASE)


def _lower(text: str) -> str:
    """Lower-case, repair mojibake, and close dotted acronyms ("P.W.I.D." → "pwid")."""
    return _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), clean(text).lower())


def fold(text: str) -> str:
    """Lower-case, repair mojibake, and turn punctuation runs into single spaces."""
    return " ".join(_NON_WORD.sub(" ", _lower(text)).split())


def split_inchoate(text: str) -> tuple[Inchoate | None, str]:
    """Split an inchoate prefix ("Criminal Attempt - ") from the offense it aims at (folded)."""
    match = _INCHOATE.match(text)
    if match is None:
        return None, text.strip()
    return _INCHOATE_WORDS[match["word"].lower()], match["rest"].strip()


def drug_signals(text: str) -> frozenset[str]:
    """Which of 'delivery' and 'possession' a wording speaks of; the guard's evidence."""
    signals = set()
    text = _lower(text)
    if _DELIVERY.search(text):
        signals.add("delivery")
    if _POSSESSION.search(text):
        signals.add("possession")
    return frozenset(signals)


@dataclass(frozen=True)
class Vocabulary:
    """Abbreviations, drug names, ignored words and stop words, from ``abbreviations.yaml``.

    A drug's name reads as "controlled substance" but only *softly*: it helps a wording meet
    a description that speaks of controlled substances, and costs nothing when it does not
    ("Possession of Drug Paraphernalia (crack pipe)" is still paraphernalia).
    """

    expand: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    stop: frozenset[str] = frozenset()
    drugs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    substances: frozenset[str] = frozenset()
    not_plain_dealing: frozenset[str] = frozenset()

    def names_a_substance(self, text: str) -> bool:
        """True when a wording names a drug or a controlled substance anywhere in it.

        >>> Vocabulary(substances=frozenset({"drug"})).names_a_substance("Drug Trafficking")
        True
        """
        words = set(self.tokens(text))
        return bool(words & (self.soft(text) | self.substances))

    def is_plain_dealing(self, text: str) -> bool:
        """True unless the wording names something that makes dealing another offense.

        Delivery to a minor, near a school, causing death, of a look-alike or by a
        practitioner are offenses of their own, so such a wording is not read by pattern.
        Each listed stem matches at the start of a word.

        >>> Vocabulary(not_plain_dealing=frozenset({"minor"})).is_plain_dealing("Sale to Minors")
        False
        """
        folded = f" {fold(text)}"
        return not any(f" {stem}" in folded for stem in self.not_plain_dealing)

    def names_no_act(self, text: str) -> bool:
        """True when a wording names only a substance ("NARCOTICS", "MJ", "CS"), not an act.

        >>> vocabulary = Vocabulary(drugs={"heroin": ("cs",)}, substances=frozenset({"cs"}))
        >>> vocabulary.names_no_act("Heroin"), vocabulary.names_no_act("Poss Heroin")
        (True, False)
        """
        words = set(self.tokens(text))
        return bool(words) and words <= self.soft(text) | self.substances

    def tokens(self, text: str) -> tuple[str, ...]:
        """The meaningful words of a wording, abbreviations expanded, in order, deduplicated.

        >>> Vocabulary({"poss": ("possession",)}, frozenset({"g"}), frozenset({"of"})).tokens(
        ...     "Poss of Cocaine, 3 g")
        ('possession', 'cocaine')
        """
        return tuple(w for w, _ in self._words(text))

    def soft(self, text: str) -> frozenset[str]:
        """Words that only a drug's name put in the wording (see the class docstring).

        >>> sorted(Vocabulary(drugs={"heroin": ("controlled", "substance")}).soft("Poss Heroin"))
        ['controlled', 'substance']
        """
        words = self._words(text)
        hard = {w for w, soft in words if not soft}
        return frozenset(w for w, soft in words if soft and w not in hard)

    def _words(self, text: str) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        for raw in _NON_TOKEN.sub(" ", _lower(text)).split():
            raw = raw.strip("/&")
            if not raw:
                continue
            for word, soft in self._expand(raw):
                if word in self.stop or word in self.ignore or word.isdigit():
                    continue
                out.append((word, soft))
        seen: dict[str, bool] = {}
        for word, soft in out:
            seen[word] = seen.get(word, True) and soft
        return list(seen.items())

    def _expand(self, raw: str) -> list[tuple[str, bool]]:
        if raw in self.expand:
            return [(w, False) for w in self.expand[raw]]
        if raw in self.drugs:
            return [(w, True) for w in self.drugs[raw]]
        if "/" in raw or "&" in raw:
            return [x for p in re.split(r"[/&]", raw) if p for x in self._expand(p)]
        return [(raw, False)]
