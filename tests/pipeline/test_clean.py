"""Cleaning: debris, notes, titles, bylines, dates and Unicode, on text and HTML we wrote."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.errors import ReadError
from dateline.model import RawDocument
from dateline.pipeline.clean import (
    clean_document,
    date_in_text,
    is_debris,
    normalise_unicode,
    note_kind,
    split_paragraphs,
)
from dateline.readers import read_paths
from dateline.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"


def _doc(text: str, **kw: object) -> RawDocument:
    return RawDocument(source_path="mem.txt", raw_hash="h", text=text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line",
    [
        "Show More",
        "Related Articles",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Back to top button",
        "Read Also: Talks Between Two Capitals on Trade",
        "Share this:",
        "Facebook | Twitter | WhatsApp",
        "Copyright © 2024 The Northern Ledger. All rights reserved.",
        "Tags: Syria, Russia, refugees",
    ],
)
def test_debris_lines(line: str) -> None:
    assert is_debris(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the talks would continue next month.",
        "Related talks are planned in Geneva, officials said on Monday, after weeks of delay.",
        "Share prices fell 3 percent after the announcement.",
        "Show more restraint, the envoy urged both sides.",
    ],
)
def test_content_is_not_debris(line: str) -> None:
    assert not is_debris(line)


def test_notes_are_recognised_by_kind() -> None:
    assert note_kind("Editor's note: this story was updated to add a quote.") == "editor-note"
    assert (
        note_kind("This report was compiled by Sarn Digest. Sarn Digest has not verified it.")
        == "disclaimer"
    )
    assert note_kind("(Reporting by Jane Roe; Editing by John Doe)") == "source-credit"
    assert note_kind("The minister denied the report, which officials have not verified.") is None


def test_unicode_normalisation() -> None:
    assert normalise_unicode("the envoyâ€™s visit") == "the envoy’s visit"
    assert normalise_unicode("a delegation\u060c headed by") == "a delegation, headed by"
    assert normalise_unicode("Office,Luna al-Shibl") == "Office, Luna al-Shibl"
    assert normalise_unicode("1,000 people") == "1,000 people"
    assert normalise_unicode("zero\u200bwidth\u00a0space") == "zerowidth space"
    # Arabic text keeps its own comma.
    assert "\u060c" in normalise_unicode(
        "\u0642\u0627\u0644\u060c \u0627\u0644\u0648\u0632\u064a\u0631"
    )


def test_paragraphs_join_hard_wrapped_lines_only() -> None:
    text = "The envoy met the minister\nin the capital on Monday.\nShow More\nLeave a Reply"
    assert split_paragraphs(text) == [
        "The envoy met the minister in the capital on Monday.",
        "Show More",
        "Leave a Reply",
    ]


def test_dateline_in_text() -> None:
    assert date_in_text(["SARNBRIDGE, March 14, 2024 (Wire) - Talks resumed."]) == "2024-03-14"
    assert date_in_text(["Published: 14 March 2024", "Body"]) == "2024-03-14"
    assert date_in_text(["No date in this lead paragraph at all."]) is None


def test_text_date_gets_origin_text(settings: Settings) -> None:
    a = clean_document(
        _doc("SARNBRIDGE, March 14, 2024 - Negotiators resumed talks on the river on Thursday."),
        settings=settings,
    )
    assert (a.published.value, a.published.origin) == ("2024-03-14", "text")


def test_a_crawl_date_is_the_last_resort(settings: Settings) -> None:
    dated = "SARNBRIDGE, March 14, 2024 - Negotiators resumed talks on the river on Thursday."
    undated = "Negotiators resumed talks on the river on Thursday, officials said."
    for text, expected in ((dated, ("2024-03-14", "text")), (undated, ("2024-05-16", "crawl"))):
        raw = replace(_doc(text), fallback_date="2024-05-16")
        a = clean_document(raw, settings=settings)
        assert (a.published.value, a.published.origin) == expected


def test_byline_with_by_prefix(settings: Settings) -> None:
    a = clean_document(
        _doc(
            "Envoy arrives for river talks\n\nBy Mariam Haddad\n\nThe envoy arrived in the capital "
            "on Wednesday for two days of talks on the shared river, officials said."
        ),
        settings=settings,
    )
    assert a.byline == "Mariam Haddad"
    assert a.title == "Envoy arrives for river talks"
    assert "Mariam Haddad" not in a.text


def test_html_page_metadata_debris_notes_and_hostile_markup(settings: Settings) -> None:
    [raw] = list(read_paths([DATA / "pages" / "envoy_visit.html"], settings=settings))
    assert isinstance(raw, RawDocument)
    a = clean_document(raw, settings=settings)
    assert a.published.value == "2024-03-14" and a.published.origin == "html-meta"
    assert a.byline == "Irena Kovač"
    assert a.title is not None and "Envoy arrives in Valmora" in a.title
    assert "Tomas Vidrek" in a.text and "about 15 percent since 2022" in a.text
    for gone in ("alert(", "onerror", "<script", "window.tracking", "Leave a Reply", "Home |"):
        assert gone not in a.text, gone
    assert [n.kind for n in a.notes] == ["editor-note"]
    assert "misspelled the envoy's surname" in a.notes[0].text


def test_broken_html_gives_clear_error_or_safe_text(settings: Settings) -> None:
    raw = RawDocument(
        source_path="broken.html",
        raw_hash="b",
        html="<html><body><p>Half a page <b><i>with <script>alert(1)</scr",
    )
    try:
        a = clean_document(raw, settings=settings)
    except ReadError as exc:
        assert "broken.html" in str(exc)
    else:
        assert "alert" not in a.text and "<" not in a.text


def test_empty_after_cleaning_is_an_error(settings: Settings) -> None:
    with pytest.raises(ReadError, match=r"mem\.txt"):
        clean_document(_doc("Show More\n\nLeave a Reply\n\nBack to top button"), settings=settings)


@given(st.text(max_size=600))
def test_clean_never_crashes_and_ids_are_stable(text: str) -> None:
    from dateline.settings import load_settings

    settings = load_settings()
    try:
        a = clean_document(_doc(text), settings=settings)
    except ReadError as exc:
        assert exc.code.startswith("DL01")
        return
    assert a.text == a.text.strip() and a.text
    assert clean_document(_doc(text), settings=settings).id == a.id
