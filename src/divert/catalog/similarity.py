"""Scoring a wording against every known description, word by word, so new wordings generalize.

Court systems abbreviate by truncation ("Contr Subst", "Theft By Unlaw Taking"), so a query word
matches a description word when either is a prefix of the other (at least 3 letters), at a
small discount. Rare words weigh more than common ones (inverse document frequency). A
description's score is the harmonic mean of how much of the query it explains and how much of
itself the query explains, so a short wording does not match a long description by accident.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from divert.catalog.model import Citation
from divert.catalog.wording import Vocabulary

PREFIX_CREDIT = 0.85
MIN_PREFIX = 3


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
        self.related = lru_cache(maxsize=50_000)(self._related)

    def __len__(self) -> int:
        return len(self._docs)

    def _related(self, word: str) -> tuple[tuple[str, float], ...]:
        """Index words this query word matches, with the credit each match earns."""
        if word in self._idf and len(word) < MIN_PREFIX:
            return ((word, 1.0),)
        found: list[tuple[str, float]] = []
        for term in self._terms:
            if term == word:
                found.append((term, 1.0))
            elif min(len(term), len(word)) >= MIN_PREFIX and (
                term.startswith(word) or word.startswith(term)
            ):
                found.append((term, PREFIX_CREDIT))
        return tuple(found)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        """The best-scoring citations for a wording, best first (one hit per citation)."""
        query = self.vocabulary.tokens(text)
        if not query:
            return []
        soft = self.vocabulary.soft(text)
        credits: dict[str, dict[str, float]] = {}
        weights: dict[str, float] = {}
        candidates: set[int] = set()
        for word in query:
            related = dict(self.related(word))
            credits[word] = related
            weights[word] = max((self._idf[t] for t in related), default=self._unknown_weight)
            for term in related:
                candidates.update(self._postings[term])
        best: dict[Citation, Hit] = {}
        for doc_id in candidates:
            citation, wording, words = self._docs[doc_id]
            score = self._score(query, words, credits, weights, soft)
            if citation not in best or score > best[citation].score:
                best[citation] = Hit(citation, score, wording)
        return sorted(best.values(), key=lambda h: (-h.score, h.citation))[:limit]

    def _score(
        self,
        query: tuple[str, ...],
        words: tuple[str, ...],
        credits: dict[str, dict[str, float]],
        weights: dict[str, float],
        soft: frozenset[str],
    ) -> float:
        doc_matched: dict[str, float] = {}
        query_matched = 0.0
        query_total = 0.0
        for word in query:
            credit = 0.0
            for term in words:
                c = credits[word].get(term, 0.0)
                if c > credit:
                    credit = c
                if c > doc_matched.get(term, 0.0):
                    doc_matched[term] = c
            query_matched += weights[word] * credit
            if credit or word not in soft:
                query_total += weights[word]
        doc_total = sum(self._idf[t] for t in words)
        if query_total == 0:
            return 0.0
        recall = query_matched / query_total
        precision = sum(self._idf[t] * c for t, c in doc_matched.items()) / doc_total
        if recall + precision == 0:
            return 0.0
        return 2 * recall * precision / (recall + precision)
