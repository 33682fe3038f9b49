"""Claims keep their source; numbers that identify or date are no quantities; money has a
currency; direct quotes are shown inside one pair of quotation marks."""

from __future__ import annotations

import html as html_module
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from dateline.model import Article
from dateline.pipeline.quantities import currency, parse_quantities
from dateline.views import claim_view


def test_an_unresolved_source_stays_with_its_claim(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["001"]
    views = [claim_view(article, c) for c in article.claims]
    both = [v for v in views if (v["source"] or {}).get("text") == "Both sides"]
    assert len(both) == 2, [v["source"] for v in views]
    assert all(v["speaker"] is None for v in both)  # no entity: not a person's claim
    assert any(
        v["content"]["text"].startswith("that these countries will not succeed") for v in both
    )


def test_resolution_2254_is_no_numeric_claim(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["003"]
    at = article.text.index("according to a Russian Foreign Ministry statement")
    start = article.text.rfind("\n", 0, at) + 1
    end = article.text.find("\n", at) % (len(article.text) + 1)  # -1: to the end
    assert "Resolution 2254" in article.text[start:end]
    # The claim of that sentence (the attribution model may cut its content short of the
    # resolution) has no number, and the whole sentence read as one content has none either.
    claims = [c for c in article.claims if start <= c.content.start < end]
    assert claims and all(c.quantities == () for c in claims)
    assert [q.value for q in parse_quantities(article.text[start:end])] == []
    numbers = [q.value for a in seed_articles.values() for c in a.claims for q in c.quantities]
    assert 2254 not in numbers
    # The real number claim stays: Makhlouf's returnees since 2018.
    assert 2_500_000 in numbers


def test_spacy_value_spans_are_kept_beside_the_mentions(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["004"]
    labels = {m.label for m in article.value_mentions}
    assert "CARDINAL" in labels or "DATE" in labels
    assert not {m.label for m in article.mentions} & labels  # parties and values apart


@pytest.mark.parametrize(
    ("text", "skip", "expected"),
    [
        ("He invoked Article 5 of the NATO treaty.", [(11, 27)], []),
        ("He invoked article 5 of the treaty.", [], []),
        ("under UN Security Council Resolution 2254 and 1,200 returnees", [], [1200.0]),
        ("Decree No. 10 of 2018 seized the homes of 300 families", [], [300.0]),
        ("on the 3rd day of talks 40 percent of the flow was lost", [(4, 15)], [40.0]),
        ("at 10:35 on 14 March 2024 some 12 trucks arrived", [(3, 8), (12, 25)], [12.0]),
    ],
)
def test_identifiers_and_dates_are_no_quantities(
    text: str, skip: list[tuple[int, int]], expected: list[float]
) -> None:
    assert [q.value for q in parse_quantities(text, skip=skip)] == expected


def test_money_takes_its_currency() -> None:
    text = "The fund pledged $5 million and 200 million Syrian pounds for 12,000 families."
    found = parse_quantities(text, money=[(17, 27, "$5 million")])
    assert [(q.value, q.unit) for q in found] == [
        (5_000_000, "USD"),
        (200_000_000, "SYP"),
        (12_000, "families"),
    ]
    assert [(q.value, q.unit) for q in parse_quantities("aid worth €3.5 billion")] == [
        (3_500_000_000, "EUR")
    ]
    assert currency("10 Turkish lira") == "TRY" and currency("a few rubles") == "RUB"
    assert currency("five people") is None


@given(st.text(max_size=200))
def test_nothing_inside_a_skipped_span_is_a_quantity(text: str) -> None:
    assert parse_quantities(text, skip=[(0, len(text))]) == []


def _rendered(view: dict[str, object]) -> str:
    from dateline.web.pages import ENV

    macro = ENV.get_template("macros.html").module.claim_row  # type: ignore[attr-defined]
    return str(Markup(macro(view, False)))


_MARKS = re.compile('["“”«»„]')


def test_quotes_show_as_many_marks_as_were_written(seed_articles: dict[str, Article]) -> None:
    """A page shows a claim's quotation marks once: those the text has, or the <q>'s own."""
    seen_direct = 0
    for article in seed_articles.values():
        for claim in article.claims:
            view = claim_view(article, claim)
            html = _rendered(view)
            q = re.search(r'<q class="([^"]+)">(.*?)</q>', html, re.S)
            assert q is not None
            shown = html_module.unescape(q.group(2))
            added = 2 if q.group(1) == "direct" else 0  # the browser's marks around a <q>
            assert len(_MARKS.findall(shown)) + added == len(
                _MARKS.findall(view["content"]["text"])
            )
            seen_direct += claim.direct
    assert seen_direct  # the samples quote people directly (004)


def test_a_fully_quoted_claim_is_shown_inside_the_pages_marks(
    seed_articles: dict[str, Article],
) -> None:
    article = seed_articles["004"]
    text = "“his country will continue to provide comprehensive support to Syria.”"
    start = article.text.find("his country will continue")
    assert start > 0
    view = claim_view(article, article.claims[0]) | {
        "direct": True,
        "content": {"text": text},
        "quote": "his country will continue to provide comprehensive support to Syria.",
    }
    html = _rendered(view)
    assert '<q class="direct">his country will' in html
    # Unresolved: the source as written, marked, never "?".
    html = _rendered(view | {"speaker": None, "source": {"text": "Both sides"}})
    assert 'class="speaker unresolved"' in html and "Both sides" in html and ">?<" not in html
