"""Where events happened, on the sample articles: the places `event_place` decides.

EXPECTED.md: E1 Damascus (000), E2 Damascus from 001's next sentence ("conference scheduled
to be held in Damascus"), E4 Riyadh and E5 Damascus (003), E6 the Umayyad Conference Palace
(004). Also what must not come out: the envoy "to Syria" is not where a meeting happened.
"""

from __future__ import annotations

from typing import Any

import pytest

from dateline.model import Article
from dateline.pipeline.event_places import event_place, place_spans


def _trigger(article: Article, sentence_start: str, word: str) -> tuple[Any, Any]:
    """The token `word` in the sentence of the article's parse that starts so."""
    for sent in article.doc.sents:
        if sent.text.strip().startswith(sentence_start):
            for token in sent:
                if token.text == word:
                    return token, sent
    raise AssertionError(f"no {word!r} in a sentence starting {sentence_start!r}")


def _place(article: Article, sentence_start: str, word: str) -> str | None:
    token, sent = _trigger(article, sentence_start, word)
    span = event_place(article, token, sent)
    return article.text[span.start : span.end] if span else None


@pytest.mark.parametrize(
    ("sample", "sentence", "word", "place"),
    [
        ("000", "President Bashar al-Assad received on Wednesday", "received", "Damascus"),  # E1
        ("001", "President Bashar Al-Assad received on Thursday", "received", "Damascus"),  # E2
        ("003", "The Russian delegation held the meeting", "discussing", "Riyadh"),  # E4
        ("003", "A few hours after meeting", "held", "Damascus"),  # E5
        ("004", "It is noteworthy that a joint meeting", "meeting", "Umayyad Conference Palace"),
    ],
)
def test_expected_event_places(
    seed_articles: dict[str, Article], sample: str, sentence: str, word: str, place: str
) -> None:
    found = _place(seed_articles[sample], sentence, word)
    assert found is not None and place in found


def test_e2_place_comes_from_the_next_sentence(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["001"]
    token, sent = _trigger(article, "President Bashar Al-Assad received on Thursday", "received")
    assert "Damascus" not in sent.text  # so the place was lent by its neighbour
    assert place_spans(sent, token) == []  # the tagger alone finds none there


def test_what_is_not_the_place(seed_articles: dict[str, Article]) -> None:
    # "the Russian Special Envoy to Syria": Syria is his mission, not where he was received.
    headline = _place(seed_articles["000"], "President Assad received the Russian", "received")
    assert headline not in ("Syria", "Russian")  # nor the envoy's nationality
    # "after meeting Saudi Crown Prince ..., Lavrentyev held talks ... in Damascus": the
    # first meeting was not in Damascus.
    assert _place(seed_articles["003"], "A few hours after meeting", "meeting") != "Damascus"
    # A gathering's place is lent by the next sentence; an act of another kind is not.
    assert _place(seed_articles["001"], "Talks during the meeting", "return") is None
