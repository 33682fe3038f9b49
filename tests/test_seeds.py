"""The "Articles" table of ../shared/samples/seeds/EXPECTED.md, cell by cell."""

from __future__ import annotations

import re

import pytest

from dateline.model import Article


def _entities(article: Article, label: str | None = None) -> set[str]:
    return {article.span_text(m) for m in article.mentions if label is None or m.label == label}


def test_000_header_date_title_notes_and_debris(seed_articles: dict[str, Article]) -> None:
    a = seed_articles["000"]
    assert (a.published.value, a.published.origin) == ("2021-11-18", "header")
    assert a.title is not None
    assert a.title.startswith("President Assad received the Russian Special Envoy to Syria")
    assert a.title.endswith("SANA reports.")
    assert a.text.count(a.title) == 1
    # "Read Also: ..." is a related-link line, not content.
    assert "Read Also" not in a.text
    assert any(d.startswith("Read Also:") for d in a.debris)
    # The aggregator's disclaimer is a provenance note: kept, but not content.
    assert "has not verified" not in a.text
    assert "This article was edited by" not in a.text
    notes = [n for n in a.notes if n.kind == "disclaimer"]
    assert len(notes) == 1
    assert "The Syrian Observer has not verified the content of this story" in notes[0].text
    assert notes[0].text.startswith("This article was edited by The Syrian Observer.")
    # The Arabic comma inside English text becomes a Latin comma followed by one space.
    assert "\u060c" not in a.text
    assert "a Russian delegation, headed by Alexander Lavrentiev" in a.text
    # The last content paragraph is still there: cleaning removed only the note.
    assert a.text.rstrip().endswith("the two friendly countries and peoples.")


def test_001_header_runs_into_body_so_no_title(seed_articles: dict[str, Article]) -> None:
    a = seed_articles["001"]
    assert (a.published.value, a.published.origin, a.published.granularity) == (
        "2020-10-29",
        "header",
        "day",
    )
    assert a.title is None
    assert a.text.startswith("President Bashar Al-Assad received on Thursday")
    assert not a.text.startswith(" date")
    assert a.notes == ()


def test_002_repeated_headline_byline_and_trailing_debris(
    seed_articles: dict[str, Article],
) -> None:
    a = seed_articles["002"]
    assert a.published.value is None and a.published.origin == "unknown"
    assert a.title == (
        "President Al-Assad receives a Russian delegation to discuss the procedures for "
        "establishing an international refugee conference."
    )
    assert a.text.count("President Al-Assad receives a Russian delegation to discuss") == 1
    assert a.byline == "Khaled Iskef"
    assert "Khaled Iskef" not in a.text
    for debris in (
        "Show More",
        "Related Articles",
        "Leave a Reply",
        "Your email address will not be published",
        "Required fields are marked",
        "Back to top button",
    ):
        assert debris not in a.text, debris
    assert len(a.debris) == 5
    # The editorial paragraphs at the end are content and survive cleaning.
    assert "It is noteworthy that Russia is paying attention" in a.text
    assert a.text.rstrip().endswith("the problem of these refugees.")


def test_003_headline_without_full_stop_and_no_date(seed_articles: dict[str, Article]) -> None:
    a = seed_articles["003"]
    assert a.published.value is None and a.published.origin == "unknown"
    assert a.title == (
        "Hours after his meeting with Prince Mohammed bin Salman, Putin’s envoy meets the "
        "Syrian president in Damascus"
    )


def test_004_no_title_no_date(seed_articles: dict[str, Article]) -> None:
    a = seed_articles["004"]
    assert a.title is None
    assert a.published.value is None and a.published.origin == "unknown"
    assert a.text.startswith("The head of the Syrian Ministerial Coordinating Committee")


@pytest.mark.parametrize(
    ("number", "name", "label"),
    [
        ("000", "Lavrentiev", "PERSON"),
        ("000", "Alexander Lavrentiev", "PERSON"),
        ("000", "Bashar al-Assad", "PERSON"),
        ("000", "Vladimir Putin", "PERSON"),
        ("000", "Damascus", "GPE"),
        ("000", "SANA", "ORG"),
        ("001", "Alexander Lavrentiev", "PERSON"),
        ("001", "Hussein Makhlouf", "PERSON"),
        ("001", "Ayman Sousan", "PERSON"),
        ("001", "Luna al-Shibl", "PERSON"),
        ("002", "Alexander Lavrentiev", "PERSON"),
        ("003", "Alexander Lavrentyev", "PERSON"),
        ("003", "Lavrentyev", "PERSON"),
        ("003", "Lavrenteev", "PERSON"),
        ("003", "Damascus", "GPE"),
        ("003", "Riyadh", "GPE"),
        ("003", "Ali Mamluk", "PERSON"),
        ("003", "UN Security Council", "ORG"),
        ("004", "Hussein Makhlouf", "PERSON"),
        ("004", "Mikhail Mizintsev", "PERSON"),
    ],
)
def test_entities_found(
    seed_articles: dict[str, Article], number: str, name: str, label: str
) -> None:
    assert name in _entities(seed_articles[number], label)


def test_sana_is_an_organisation_not_a_person(seed_articles: dict[str, Article]) -> None:
    assert "SANA" not in _entities(seed_articles["000"], "PERSON")


def test_every_span_slices_the_clean_text(seed_articles: dict[str, Article]) -> None:
    for article in seed_articles.values():
        n = len(article.text)
        for s in article.sentences:
            assert 0 <= s.start < s.end <= n
            chunk = article.text[s.start : s.end]
            assert chunk == chunk.strip()
        for m in article.mentions:
            assert article.span_text(m).strip() == article.span_text(m)
            assert re.search(r"\w", article.span_text(m))
        tokens = [article.text[t.start : t.end] for t in article.tokens]
        assert all(t and not t.isspace() for t in tokens)
