"""Article provenance at clean time: outlet, URLs, crawl time, credited original sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.model import Article, Note, RawDocument
from dateline.pipeline._credits import find_original_sources, is_outlet_name
from dateline.pipeline.clean import clean_document, host_of
from dateline.readers import read_paths
from dateline.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _read(path: Path, settings: Settings) -> list[Article]:
    docs = [d for d in read_paths([path], settings=settings) if isinstance(d, RawDocument)]
    return [clean_document(d, settings=settings) for d in docs]


def test_example_pages_keep_their_outlet_and_canonical_url(settings: Settings) -> None:
    [herald] = _read(EXAMPLES / "nahrabad-herald-envoy-visit.html", settings)
    assert herald.outlet == "Nahrabad Herald"  # og:site_name, not "—"
    url = "https://nahrabad-herald.example/politics/2024/03/13/sidorenko-meets-al-hamdani"
    assert herald.url == herald.canonical_url == url  # a file has no URL but its own
    [crossroads] = _read(EXAMPLES / "crossroads-observer-phone-call.html", settings)
    assert crossroads.outlet == "Crossroads Observer"
    assert crossroads.url == (
        "https://crossroads-observer.example/region/barakat-arkan-phone-call-zarun"
    )
    assert herald.crawled is None  # read from a file: nobody crawled it


def test_a_page_fetched_from_elsewhere_keeps_both_urls_and_the_crawl_time(
    settings: Settings,
) -> None:
    html = (EXAMPLES / "nahrabad-herald-envoy-visit.html").read_text(encoding="utf-8")
    raw = RawDocument(
        source_path="crawl.warc#1",
        raw_hash="h",
        html=html,
        url="https://mirror.example.net/herald/123?utm_source=x",
        crawled="2024-03-14T02:00:00Z",
    )
    article = clean_document(raw, settings=settings)
    assert article.url == "https://mirror.example.net/herald/123?utm_source=x"
    assert article.canonical_url is not None
    assert article.canonical_url.startswith("https://nahrabad-herald.example/")
    assert article.crawled == "2024-03-14T02:00:00Z"
    assert article.outlet == "Nahrabad Herald"


def test_without_a_site_name_the_outlet_is_the_host(settings: Settings) -> None:
    html = (
        "<html><head><title>Talks resume</title></head><body><article><p>"
        + "Negotiators resumed talks on the river on Thursday, officials said. " * 6
        + "</p></article></body></html>"
    )
    raw = RawDocument(
        source_path="p.html", raw_hash="h", html=html, url="https://www.river-news.example/a/1"
    )
    assert clean_document(raw, settings=settings).outlet == "river-news.example"
    record = RawDocument(
        source_path="c.jsonl#1",
        raw_hash="h2",
        text="Negotiators resumed talks on the river on Thursday, officials said.",
        url="https://wire.example.org/x",
    )
    assert clean_document(record, settings=settings).outlet == "wire.example.org"
    named = RawDocument(
        source_path="c.jsonl#2", raw_hash="h3", text=record.text, url=record.url, outlet="CPS"
    )
    assert clean_document(named, settings=settings).outlet == "CPS"  # the record's own word
    plain = RawDocument(source_path="n.txt", raw_hash="h4", text=record.text)
    assert clean_document(plain, settings=settings).outlet is None  # nothing says: no guess


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.example.com/a", "example.com"),
        ("http://News.Example.org:8080/x", "news.example.org"),
        ("not a url", None),
        (None, None),
        ("http://[::1", None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


def test_sample_000_credits_sana_in_its_headline(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["000"]
    [credit] = article.original_sources
    assert (credit.name, credit.cue, credit.where) == ("SANA", "reports", "text")
    assert credit.start is not None and credit.end is not None
    assert article.text[credit.start : credit.end] == "SANA"
    assert article.title is not None and credit.start < len(article.title)  # in the headline
    # The Syrian Observer edited it: the rewriter, named in the note, is no original source.
    for other in ("001", "002", "003", "004"):
        assert seed_articles[other].original_sources == ()


def test_sample_000_sana_is_no_party_of_any_event(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["000"]
    [credit] = article.original_sources
    assert article.events
    for event in article.events:
        for part in (*event.actors, *event.recipients, *event.attendees, *event.said_by):
            assert not (part.start < credit.end and credit.start < part.end), event  # type: ignore[operator]
            assert "SANA" not in article.text[part.start : part.end]


def test_examples_credit_qna_and_nothing_else(settings: Settings) -> None:
    credited = {}
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix in (".txt", ".html", ".jsonl"):
            for article in _read(path, settings):
                credited[Path(article.source_path).name] = [
                    o.name for o in article.original_sources
                ]
    # "according to the presidency / the organisers / the Tarsanian readout / the deputy
    # minister" name the source of a claim, not of the report: none of them is taken.
    assert credited.pop("qna-envoy-received.txt") == ["QNA"]
    assert all(names == [] for names in credited.values()), credited


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials met on Monday, according to the state news agency SANA.", ["SANA"]),
        (
            "Officials met, according to the official Syrian Arab News Agency.",
            ["Syrian Arab News Agency"],
        ),
        ("According to Reuters, the talks failed.", ["Reuters"]),
        ("DAMASCUS (Reuters) - Officials met on Monday.", ["Reuters"]),
        ("The Tehran Times reported that talks resumed on Monday.", ["The Tehran Times"]),
        ("Talks resumed on Monday, Anadolu Agency reported.", ["Anadolu Agency"]),
        ("Talks resumed on Monday, KUNA reports.", ["KUNA"]),
        ("Talks resumed on Monday, Lavrentiev said.", []),
        ("Talks resumed on Monday, according to the presidency.", []),
        ("The sides met, according to a Russian Foreign Ministry statement.", []),
        ("According to the Qadiri co-chair, Minister Nabil Qassem, 1.2 million returned.", []),
        ("A post on social media, according to police, showed the meeting.", []),
        ("Iran enriched more, according to the International Atomic Energy Agency.", []),
        ("Talks resumed on Monday, state TV reported.", []),
        ("According to The Washington Post's Howard Kurtz, it is so.", ["The Washington Post"]),
    ],
)
def test_credit_forms(text: str, expected: list[str]) -> None:
    found = find_original_sources(text)
    assert [o.name for o in found] == expected
    for credit in found:
        assert credit.start is not None and text[credit.start : credit.end] == credit.name


def test_agency_in_a_note_and_the_own_outlet_left_out() -> None:
    note = Note(
        kind="disclaimer",
        text="This article was originally published by Enab Baladi and translated.",
    )
    found = find_original_sources("Talks resumed on Monday.", notes=[note])
    assert [(o.name, o.where, o.start) for o in found] == [("Enab Baladi", "note", None)]
    own = find_original_sources(
        "Talks resumed on Monday, Tehran Times reports.", outlet="The Tehran Times"
    )
    assert own == ()  # an outlet quoting itself credits no one else


def test_outlet_names() -> None:
    assert is_outlet_name("SANA") and is_outlet_name("The Daily Star")
    assert not is_outlet_name("the presidency") and not is_outlet_name("Lavrentiev")


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=60)))
def test_credits_never_fail_and_point_at_their_name(text: str, title: str | None) -> None:
    for credit in find_original_sources(text, title=title):
        if credit.where == "text":
            assert credit.start is not None and text[credit.start : credit.end] == credit.name
