"""Scoring a wording against every known description, word by word, so new wordings generalize.

Court systems abbreviate by truncation ("Contr Subst", "Theft By Unlaw Taking"), so a query word
matches a description word when either is a prefix of the other (at least 3 letters), or when
both are forms of one word ("Distribution", "Distribute"), at a small discount. Rare words weigh
more than common ones (inverse document frequency). A description's score is the harmonic mean
of how much of the query it explains and how much of itself the query explains, so a short
wording does not match a long description by accident.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from divert.catalog.model import Citation
from divert.catalog.wording import Vocabulary

PREFIX_CREDIT = 0.85
MIN_PREFIX = 3
TYPO_CREDIT = 0.8
MIN_TYPO = 5
RARE = 2  # a word in at most this many wordings may itself be a slip ("POSESSION OF WEAPON")


# Endings that change a word's form, not its meaning: "distribution" and "distribute" share the
# stem "distribut", which neither is a prefix of. Longest first; the stem keeps 5+ letters.
_ENDINGS = ("ations", "ation", "ions", "ion", "ings", "ing", "ers", "er", "ed", "es", "e", "s", "y")
MIN_STEM = 5


def stem(word: str) -> str:
    """The word without one inflectional ending, if what is left is long enough.

    >>> stem("distribution"), stem("distribute"), stem("possessing"), stem("sbi")
    ('distribut', 'distribut', 'possess', 'sbi')
    """
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def _deletions(word: str) -> set[str]:
    """The word with each one of its letters deleted (symmetric-delete spelling match)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True, slots=True)
class Hit:
    """One citation's best-scoring known wording for a query."""

    citation: Citation
    score: float
    wording: str


class WordIndex:
    """An inverted index of known wordings (descriptions, titles, aliases) by their words."""

    def __init__(self, docs: Iterable[tuple[Citation, str]], vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._docs: list[tuple[Citation, str, tuple[str, ...]]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        seen: set[tuple[Citation, tuple[str, ...]]] = set()
        for citation, text in docs:
            words = vocabulary.tokens(text)
            if not words or (citation, words) in seen:
                continue
            seen.add((citation, words))
            for word in words:
                postings[word].append(len(self._docs))
            self._docs.append((citation, text, words))
        total = max(len(self._docs), 1)
        self._postings = {w: tuple(ids) for w, ids in postings.items()}
        self._idf = {w: math.log(1 + total / len(ids)) for w, ids in postings.items()}
        self._unknown_weight = 0.5 * max(self._idf.values(), default=1.0)
        self._terms = tuple(sorted(self._idf))
        self._near: dict[str, set[str]] = defaultdict(set)  # one letter deleted → index words
        self._stems: dict[str, set[str]] = defaultdict(set)  # stem → index words with it
        for term in self._terms:
            if len(term) >= MIN_STEM:
                self._stems[stem(term)].add(term)
            if len(term) >= MIN_TYPO:
                for variant in _deletions(term):
                    self._near[variant].add(term)
        self.related = lru_cache(maxsize=50_000)(self._related)

    def __len__(self) -> int:
        return len(self._docs)

    def _related(self, word: str) -> tuple[tuple[str, float], ...]:
        """Index words this query word matches, with the credit each match earns."""
        found: dict[str, float] = {}
        if word in self._idf:
            found[word] = 1.0
        if len(word) >= MIN_PREFIX:
            # Index words that start with this word (sorted: one contiguous run)...
            at = bisect_left(self._terms, word)
            while at < len(self._terms) and self._terms[at].startswith(word):
                found.setdefault(self._terms[at], PREFIX_CREDIT)
                at += 1
            # ...and index words this word starts with.
            for end in range(MIN_PREFIX, len(word)):
                if word[:end] in self._idf:
                    found.setdefault(word[:end], PREFIX_CREDIT)
        if len(word) >= MIN_STEM:
            # Another form of the same word ("distribution" for "distribute").
            for term in self._stems.get(stem(word), ()):
                found.setdefault(term, PREFIX_CREDIT)
        if len(self._postings.get(word, ())) <= RARE and len(word) >= MIN_TYPO:
            # A typing slip ("posession", "thefft"): one letter added, dropped or changed.
            # An exact match keeps its full credit (setdefault).
            for variant in (word, *_deletions(word)):
                if variant in self._idf:
                    found.setdefault(variant, TYPO_CREDIT)
                for term in self._near.get(variant, ()):
                    found.setdefault(term, TYPO_CREDIT)
        return tuple(found.items())

    def corrections(self, text: str) -> tuple[str, ...]:
        """Index words a wording's typing slips were read as ("delivry" → "delivery").

        The possession/delivery guard reads these too, so that a misspelt "deliver" cannot
        slip a delivery charge into a possession category.
        """
        return tuple(
            term
            for word in self.vocabulary.tokens(text)
            for term, credit in self.related(word)
            if credit == TYPO_CREDIT
        )

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        """The best-scoring citations for a wording, best first (one hit per citation)."""
        query = self.vocabulary.tokens(text)
        if not query:
            return []
        soft = self.vocabulary.soft(text)
        # Inverted: for each index word, which query words it answers and with what credit.
        answers: dict[str, list[tuple[str, float]]] = defaultdict(list)
        weights: dict[str, float] = {}
        candidates: set[int] = set()
        for word in query:
            related = self.related(word)
            weights[word] = max((self._idf[t] for t, _ in related), default=self._unknown_weight)
            for term, credit in related:
                answers[term].append((word, credit))
                candidates.update(self._postings[term])
        hard_total = sum(w for q, w in weights.items() if q not in soft)
        best: dict[Citation, Hit] = {}
        for doc_id in candidates:
            citation, wording, words = self._docs[doc_id]
            score = self._score(words, answers, weights, hard_total, soft)
            if citation not in best or score > best[citation].score:
                best[citation] = Hit(citation, score, wording)
        return sorted(best.values(), key=lambda h: (-h.score, h.citation))[:limit]

    def _score(
        self,
        words: tuple[str, ...],
        answers: dict[str, list[tuple[str, float]]],
        weights: dict[str, float],
        hard_total: float,
        soft: frozenset[str],
    ) -> float:
        """Harmonic mean of the query's weight explained and the description's weight used."""
        query_credit: dict[str, float] = {}
        doc_used = doc_total = 0.0
        for term in words:
            idf = self._idf[term]
            doc_total += idf
            best = 0.0
            for word, credit in answers.get(term, ()):
                best = max(best, credit)
                if credit > query_credit.get(word, 0.0):
                    query_credit[word] = credit
            doc_used += idf * best
        # A soft word (a drug's name) counts toward the query only where a description has it.
        query_total = hard_total + sum(weights[w] for w in query_credit if w in soft)
        if query_total == 0 or doc_total == 0:
            return 0.0
        recall = sum(weights[w] * c for w, c in query_credit.items()) / query_total
        precision = doc_used / doc_total
        if recall + precision == 0:
            return 0.0
        return 2 * recall * precision / (recall + precision)
