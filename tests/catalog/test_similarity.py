"""Word scoring: other forms of a word count, at the prefix discount, not as the word itself."""

from __future__ import annotations

from divert.catalog.model import Citation
from divert.catalog.similarity import PREFIX_CREDIT, WordIndex
from divert.catalog.wording import Vocabulary

A = Citation("35", "780-113", ("a", "30"))
B = Citation("18", "3921", ("a",))


def _index() -> WordIndex:
    return WordIndex(
        [(A, "Distribute Controlled Substance"), (B, "Theft Movable Property")], Vocabulary()
    )


def test_another_form_of_a_word_finds_the_description() -> None:
    hits = _index().search("Distribution of Controlled Substance")
    assert hits[0].citation == A
    assert 0.8 < hits[0].score < 1.0  # found, but below the exact wording


def test_the_exact_form_still_scores_higher_than_another_form() -> None:
    index = _index()
    exact = index.search("Distribute Controlled Substance")[0].score
    other = index.search("Distributing Controlled Substance")[0].score
    assert exact == 1.0 and other < exact
    assert dict(index.related("distributing"))["distribute"] == PREFIX_CREDIT
