"""Time references on the samples, on rules with known anchors, and on random text."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.link.dates import reresolve_timerefs
from dateline.model import Article, DateInfo, Event
from dateline.pipeline.annotate import annotate
from dateline.pipeline.event_dates import event_date
from dateline.pipeline.timerefs import extract_timerefs, find_timerefs
from dateline.settings import Settings


def _refs(article: Article) -> dict[str, tuple[str, str]]:
    return {article.text[t.start : t.end]: (t.value, t.origin) for t in article.timerefs}


def test_seed_000_on_wednesday_is_the_day_before(seed_articles: dict[str, Article]) -> None:
    assert _refs(seed_articles["000"])["Wednesday"] == ("2021-11-17", "resolved-relative")


def test_seed_001_thursday_is_the_article_day_and_next_november(
    seed_articles: dict[str, Article],
) -> None:
    refs = _refs(seed_articles["001"])
    assert refs["Thursday"] == ("2020-10-29", "resolved-relative")
    assert refs["next November"] == ("2020-11", "resolved-relative")


def test_seed_002_next_month_once_dated(
    seed_articles: dict[str, Article], session_settings: Settings
) -> None:
    undated = seed_articles["002"]
    assert _refs(undated)["next month"][1] == "unresolved"
    dated = replace(undated, published=DateInfo("2020-10-29", "inferred-from-twin", "day"))
    again = reresolve_timerefs(dated, settings=session_settings)
    assert _refs(again)["next month"] == ("2020-11", "resolved-from-inferred")


def test_seeds_003_004_stay_unresolved_while_undated(seed_articles: dict[str, Article]) -> None:
    assert _refs(seed_articles["004"])["this morning"] == ("XXXX-XX-XXTMO", "unresolved")
    assert _refs(seed_articles["003"])["earlier in the day"] == ("XXXX-XX-XX", "unresolved")
    assert _refs(seed_articles["004"])["2018"] == ("2018", "stated")


ANCHOR = dt.date(2024, 3, 14)  # a Thursday


@pytest.mark.parametrize(
    ("text", "value", "type_"),
    [
        ("The minister met the envoy on Thursday.", "2024-03-14", "DATE"),
        ("The minister met the envoy on Monday.", "2024-03-11", "DATE"),
        ("The committee will meet on Monday.", "2024-03-18", "DATE"),
        ("They spoke this morning.", "2024-03-14TMO", "TIME"),
        ("It happened yesterday.", "2024-03-13", "DATE"),
        ("Talks resume next month.", "2024-04", "DATE"),
        ("Prices rose last year.", "2023", "DATE"),
        ("The review is due next November.", "2024-11", "DATE"),
        ("The report came out last week.", "2024-W10", "DATE"),
        ("A conference is planned for April 18, 2024.", "2024-04-18", "DATE"),
        ("Officials met on 12 March 2024.", "2024-03-12", "DATE"),
        ("Fighting has gone on for three years.", "P3Y", "DURATION"),
        ("The strike lasted twenty-four hours.", "PT24H", "DURATION"),
        ("The vote was held two weeks ago.", "2024-W09", "DATE"),
        ("Inspectors visit every week.", "P1W", "SET"),
        ("The blast came at 10:30 a.m.", "2024-03-14T10:30", "TIME"),
        ("Results for the fourth quarter were weak.", "2023-Q4", "DATE"),
        ("In the 1990s the river flooded.", "199", "DATE"),
        ("Refugees returned in recent years.", "PXY", "DURATION"),
        ("He said it would be ready by Christmas.", "2024-12-25", "DATE"),
    ],
)
def test_rules_against_a_known_anchor(text: str, value: str, type_: str) -> None:
    refs = find_timerefs(text, ANCHOR)
    assert [(r.value, r.type) for r in refs] == [(value, type_)], refs


def test_undated_text_leaves_unknown_parts_open() -> None:
    refs = find_timerefs("The envoy arrived on Wednesday and talks resume next month.", None)
    assert [(r.value, r.origin) for r in refs] == [
        ("XXXX-WXX-3", "unresolved"),
        ("XXXX", "unresolved"),
    ]
    stated = find_timerefs("The committee was set up in 2018.", None)
    assert [(r.value, r.origin) for r in stated] == [("2018", "stated")]


def test_narrative_months_take_the_year_the_text_is_about() -> None:
    text = "In 1942 the army crossed the river. In June, it reached the coast."
    values = [r.value for r in find_timerefs(text, dt.date(2009, 5, 1))]
    assert values == ["1942", "1942-06"]


def test_a_year_ago_after_a_quarter_is_that_quarter() -> None:
    text = "Profit in the third quarter rose 12% from a year ago, the company said."
    values = [r.value for r in find_timerefs(text, dt.date(1989, 11, 2))]
    assert values == ["1989-Q3", "1988-Q3"]
    plain = [r.value for r in find_timerefs("Sales fell from a year ago.", dt.date(1989, 11, 2))]
    assert plain == ["1988"]


def test_stage_uses_the_article_date(session_settings: Settings) -> None:
    article = Article(
        id="x",
        text="The talks ended on Tuesday.",
        source_path="x",
        published=DateInfo("2024-03-14", "header", "day"),
    )
    [ref] = extract_timerefs(article, settings=session_settings).timerefs
    assert (ref.value, ref.anchor, ref.origin) == ("2024-03-12", "2024-03-14", "resolved-relative")


@given(st.text(max_size=300), st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)) | st.none())
def test_never_crashes_and_spans_stay_inside(text: str, anchor: dt.date | None) -> None:
    refs = find_timerefs(text, anchor)
    last_end = 0
    for ref in refs:
        assert last_end <= ref.start < ref.end <= len(text)
        last_end = ref.end
        assert ref.value


@given(
    st.lists(
        st.sampled_from(
            [
                "on",
                "Monday",
                "next",
                "month",
                "last",
                "week",
                "3",
                "days",
                "ago",
                "May",
                "2019",
                "the",
                "1990s",
                "this",
                "morning",
                "every",
                "year",
                "10:30",
                "p.m.",
                "Easter",
                " ",
            ]
        ),
        max_size=12,
    )
)
def test_word_soups_of_time_words(words: list[str]) -> None:
    text = " ".join(words)
    for ref in find_timerefs(text, dt.date(2024, 2, 29)):
        assert text[ref.start : ref.end].strip()


# --- each event's own date (pipeline/event_dates.py) ------------------------------------------


def _event_with_trigger(article: Article, word: str) -> Event:
    events = [e for e in article.events if e.trigger and article.span_text(e.trigger) == word]
    assert events, [article.span_text(e.trigger) for e in article.events if e.trigger]
    return events[0]


def _token(article: Article, word: str, after: str) -> Any:
    start = article.text.index(word, article.text.index(after))
    return article.doc.char_span(start, start + len(word))[0]


def test_e1_received_on_wednesday(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["000"]
    lede = next(e for e in article.events if "on Wednesday" in article.span_text(e.evidence))
    assert article.span_text(lede.trigger) == "received"
    assert (lede.date.value, lede.date.origin, lede.date.granularity) == (
        "2021-11-17",
        "resolved-relative",
        "day",
    )
    assert lede.date_ref is not None and article.span_text(lede.date_ref) == "Wednesday"
    # The headline's reception has no time expression of its own: the article's date, a guess.
    headline = article.events[0]
    assert "on Wednesday" not in article.span_text(headline.evidence)
    assert (headline.date.value, headline.date.origin) == ("2021-11-18", "publication-date")
    assert headline.date_ref is None


def test_e2_received_on_thursday(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["001"]
    event = _event_with_trigger(article, "received")
    assert (event.date.value, event.date.origin) == ("2020-10-29", "resolved-relative")
    assert event.date_ref is not None and article.span_text(event.date_ref) == "Thursday"


def test_e3_conference_next_november_from_its_own_expression(
    seed_articles: dict[str, Article],
) -> None:
    article = seed_articles["001"]
    held = _token(article, "held", "conference scheduled")
    sent = held.sent
    date, ref = event_date(article, sent, held)
    assert (date.value, date.origin, date.granularity) == ("2020-11", "resolved-relative", "month")
    assert ref is not None and article.span_text(ref) == "next November"


def test_e3_in_the_rewrite_once_dated_by_its_twin(
    seed_articles: dict[str, Article], session_settings: Settings
) -> None:
    undated = seed_articles["002"]
    dated = replace(undated, published=DateInfo("2020-10-29", "inferred-from-twin", "day"))
    dated = reresolve_timerefs(dated, settings=session_settings)
    held = _token(dated, "held", "conference on refugees")
    date, ref = event_date(dated, held.sent, held)
    assert (date.value, date.origin) == ("2020-11", "resolved-from-inferred")
    assert ref is not None and dated.span_text(ref) == "next month"
    # The meeting of that sentence is not the conference: "next month" sits in the relative
    # clause about the conference, so the meeting keeps the article's (inferred) date.
    meeting = _token(dated, "meeting", "They had")
    date, ref = event_date(dated, meeting.sent, meeting)
    assert (date.value, date.origin, ref) == ("2020-10-29", "inferred-from-twin", None)


def test_undated_article_events_stay_undated(seed_articles: dict[str, Article]) -> None:
    for event in seed_articles["003"].events:
        assert event.date.value is None and event.date_ref is None


def _parsed(text: str, date: str, settings: Settings) -> Article:
    article = Article(id="t", text=text, source_path="t", published=DateInfo(date, "header", "day"))
    return extract_timerefs(annotate(article, settings=settings), settings=settings)


@pytest.mark.parametrize(
    ("text", "word", "value", "ref_text"),
    [
        ("Last week's meeting in Geneva ended without a deal.", "meeting", "2024-W10", "Last week"),
        ("The envoy met the president on Tuesday in Damascus.", "met", "2024-03-12", "Tuesday"),
        ("On Monday the two leaders signed the accord.", "signed", "2024-03-11", "Monday"),
        # another clause's expression does not date the main event
        ("The minister, who arrived on Monday, met the envoy.", "met", "2024-03-14", None),
        ("The envoy met the president after talks ended on Monday.", "met", "2024-03-14", None),
    ],
)
def test_event_takes_the_expression_that_governs_its_trigger(
    session_settings: Settings, text: str, word: str, value: str, ref_text: str | None
) -> None:
    article = _parsed(text, "2024-03-14", session_settings)
    start = text.index(word)
    token = article.doc.char_span(start, start + len(word))[0]
    date, ref = event_date(article, token.sent, token)
    assert date.value == value
    if ref_text is None:
        assert ref is None and date.origin == "publication-date"
    else:
        assert ref is not None and article.span_text(ref) == ref_text
        assert date.origin == "resolved-relative"


# --- the reference-time model ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quoted and reported speech dated apart: its deictic words count from the statement
        (
            '"We will meet again tomorrow," the minister said on Tuesday.',
            [("tomorrow", "2024-03-13"), ("Tuesday", "2024-03-12")],
        ),
        (
            "The minister said on Tuesday that talks would resume tomorrow.",
            [("Tuesday", "2024-03-12"), ("tomorrow", "2024-03-13")],
        ),
        # undated statements keep the article's date as the speech time
        ("Talks resume tomorrow, the minister said.", [("tomorrow", "2024-03-15")]),
        # anaphoric expressions follow the narrative's current time, not the article's date
        (
            "The envoy arrived on March 2. The next day he met the president.",
            [("March 2", "2024-03-02"), ("The next day", "2024-03-03")],
        ),
        (
            "The accord was signed in 1995, and the following year it was ratified.",
            [("1995", "1995"), ("the following year", "1996")],
        ),
        (
            "The talks began on Monday, March 4. Two days later they collapsed.",
            [("Monday, March 4", "2024-03-04"), ("Two days later", "2024-03-06")],
        ),
    ],
)
def test_reference_time_model(
    session_settings: Settings, text: str, expected: list[tuple[str, str]]
) -> None:
    article = _parsed(text, "2024-03-14", session_settings)
    assert [(article.span_text(r), r.value) for r in article.timerefs] == expected


def test_a_history_keeps_its_own_years() -> None:
    text = (
        "In 1940 the army crossed the river. On 10 June it reached the coast, and in "
        "September 1941 it took the port. By December the siege had ended."
    )
    refs = find_timerefs(text, dt.date(2009, 12, 19))
    assert [(text[r.start : r.end], r.value) for r in refs] == [
        ("1940", "1940"),
        ("10 June", "1940-06-10"),
        ("September 1941", "1941-09"),
        ("December", "1941-12"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Elections are due in late last July.", [("late last July", "2023-07")]),
        ("He resigned last May.", [("last May", "2023-05")]),
        ("The talks ended in July.", [("July", "2023-07")]),  # no full stop in the extent
        ("Output rose in 2009-2010.", [("2009", "2009"), ("2010", "2010")]),
        ("It lasted nearly two years.", [("nearly two years", "P2Y")]),
        ("A month earlier, the vote failed.", [("A month earlier", "2024-02")]),
        ("Eight years from now the debt falls.", [("Eight years from now", "2032")]),
        ("See you tmrw at 7pm!", [("tmrw", "2024-03-15"), ("7pm", "2024-03-15T19:00")]),
        ("Crash course this Sat, 430pm", [("this Sat, 430pm", "2024-03-16T16:30")]),
    ],
)
def test_patterns_seen_failing_on_unseen_text(text: str, expected: list[tuple[str, str]]) -> None:
    refs = find_timerefs(text, ANCHOR)
    assert [(text[r.start : r.end], r.value) for r in refs] == expected
    assert not any(text[r.end - 1] == "." for r in refs)


def test_verbs_and_names_are_not_dates() -> None:
    text = "Workers march in May. Sun Microsystems said Jan Kavan may sell; they may march."
    found = [text[r.start : r.end] for r in find_timerefs(text, ANCHOR)]
    assert found == ["May"]
