"""WARC input on crawl files we write with warcio: article pages in, everything else out."""

from __future__ import annotations

import gzip
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.errors import ReadError
from dateline.ingest import ingest
from dateline.model import RawDocument
from dateline.pipeline.clean import clean_document
from dateline.readers import iter_files, read_file, read_paths
from dateline.settings import Settings
from dateline.store import open_store

CRAWL_DATE = "2024-05-16T08:30:00Z"
TALKS_URL = "https://news.example.org/world/duneholm-river-talks"
REACTION_URL = "https://wire.example.net/politics/kellport-reaction"

TALKS = (
    "Foreign ministers from Marentia and Kellport met in the lakeside town of Duneholm on "
    "Tuesday for their first formal talks in three years.",
    "The two delegations spent four hours on fishing rights along the Orsa river and on the "
    "release of detained boat crews.",
    "Marentian minister Ilse Varga told reporters the meeting had been frank but useful.",
    "Both sides agreed to send technical teams to a second round of talks in June.",
)
REACTION = (
    "Kellport's foreign ministry said on Wednesday that the Duneholm talks had opened a path "
    "toward a joint river commission.",
    "A ministry spokesman, Tomas Arlen, said the detained crews would be freed once the "
    "paperwork was complete.",
    "Observers from the Northern Basin Council attended the session as guests.",
    "Opposition leaders in Marentia called the outcome modest and asked for the minutes to be "
    "published in full.",
)


def _page(title: str, sentences: tuple[str, ...], meta: str = "") -> bytes:
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{meta}</head><body>"
        '<nav><a href="/">Home</a> | <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()


TALKS_PAGE = _page(
    "Marentia and Kellport reopen river talks",
    TALKS,
    '<meta property="article:published_time" content="2024-05-14T09:00:00Z">',
)
# Shorter than TALKS_PAGE (the size-limit test relies on it).
REACTION_PAGE = _page("Kellport welcomes the outcome of the Duneholm river talks", REACTION)


@dataclass(frozen=True)
class Crawl:
    """A WARC we wrote: its bytes and the byte offset where each record starts."""

    data: bytes = field(repr=False)
    starts: dict[str, int] = field(default_factory=dict)


def build_crawl(*, gzip: bool) -> Crawl:
    """Write a small crawl: warcinfo, request, two articles, a 404 and a JPEG."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    starts: dict[str, int] = {}

    def response(name: str, url: str, status: str, ctype: str, body: bytes) -> None:
        starts[name] = buf.tell()
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": CRAWL_DATE},
        )
        writer.write_record(record)

    starts["warcinfo"] = buf.tell()
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
    starts["request"] = buf.tell()
    request = StatusAndHeaders(
        "GET /world/duneholm-river-talks HTTP/1.1",
        [("Host", "news.example.org"), ("User-Agent", "dateline-tests")],
        is_http_request=True,
    )
    writer.write_record(writer.create_warc_record(TALKS_URL, "request", http_headers=request))
    response("talks", TALKS_URL, "200 OK", "text/html; charset=utf-8", TALKS_PAGE)
    response(
        "missing",
        "https://news.example.org/world/gone",
        "404 Not Found",
        "text/html",
        _page("Page not found", ("The page you asked for is not here.",)),
    )
    response(
        "photo",
        "https://news.example.org/img/duneholm.jpg",
        "200 OK",
        "image/jpeg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4,
    )
    response("reaction", REACTION_URL, "200 OK", "text/html; charset=utf-8", REACTION_PAGE)
    starts["end"] = buf.tell()
    return Crawl(buf.getvalue(), starts)


def _split(items: list[RawDocument | ReadError]) -> tuple[list[RawDocument], list[ReadError]]:
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


@pytest.fixture(params=["crawl.warc", "crawl.warc.gz"])
def crawl_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Crawl]:
    """The small crawl written plain and gzipped (one gzip member per record)."""
    name: str = request.param
    crawl = build_crawl(gzip=name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(crawl.data)
    return path, crawl


def test_only_the_two_article_pages_come_out(
    crawl_file: tuple[Path, Crawl], settings: Settings
) -> None:
    path, _ = crawl_file
    docs, errors = _split(list(read_paths([path], settings=settings)))
    assert errors == []
    assert [d.url for d in docs] == [TALKS_URL, REACTION_URL]
    talks, reaction = docs
    for doc, sentences in ((talks, TALKS), (reaction, REACTION)):
        assert doc.text is None and doc.html is not None
        assert all(s in doc.html for s in sentences)
        assert doc.source_path.startswith(f"{path}#urn:uuid:")
    assert "Opposition leaders" not in talks.html  # type: ignore[operator]
    assert len({d.source_path for d in docs}) == len({d.raw_hash for d in docs}) == 2
    # The crawl date is only a fallback: the page with its own date metadata keeps that.
    assert talks.fallback_date == reaction.fallback_date == "2024-05-16"
    published = [clean_document(d, settings=settings).published for d in docs]
    assert published[0].origin == "html-meta" and published[0].value != "2024-05-16"
    # ... and a page without one takes the crawl date as what it is: a crawl date, no
    # publisher's word (origin "crawl", a guess), with the crawl time kept.
    assert (published[1].value, published[1].origin) == ("2024-05-16", "crawl")
    assert all(d.crawled and d.crawled.startswith("2024-05-16T") for d in docs)


def test_reading_twice_gives_the_same_keys(
    crawl_file: tuple[Path, Crawl], settings: Settings
) -> None:
    path, _ = crawl_file
    first = [(d.source_path, d.raw_hash) for d in read_file(path, settings=settings)]
    again = [(d.source_path, d.raw_hash) for d in read_file(path, settings=settings)]
    assert first == again and len(first) == 2


def test_truncated_file_keeps_earlier_records_and_names_the_file(
    crawl_file: tuple[Path, Crawl], settings: Settings, tmp_path: Path
) -> None:
    path, crawl = crawl_file
    cut = tmp_path / f"cut-{path.name}"
    # Cut the file halfway through the second article's record.
    cut.write_bytes(crawl.data[: (crawl.starts["reaction"] + crawl.starts["end"]) // 2])
    docs, errors = _split(list(read_file(cut, settings=settings)))
    assert [d.url for d in docs] == [TALKS_URL]
    assert len(errors) == 1
    assert errors[0].code == "DL015" and cut.name in str(errors[0])
    assert errors[0].path is not None and errors[0].path.startswith(str(cut))


def test_a_record_over_the_size_limit_is_reported_and_the_rest_read(
    crawl_file: tuple[Path, Crawl], settings: Settings
) -> None:
    path, _ = crawl_file
    assert len(REACTION_PAGE) < len(TALKS_PAGE)
    small = settings.replace(max_file_bytes=len(REACTION_PAGE))
    docs, errors = _split(list(read_file(path, settings=small)))
    assert [d.url for d in docs] == [REACTION_URL]
    assert [e.code for e in errors] == ["DL013"]
    assert errors[0].path is not None and errors[0].path.startswith(f"{path}#urn:uuid:")


def _single(body: bytes, ctype: str, *, gzip: bool = True) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/brief",
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": CRAWL_DATE},
        )
    )
    return buf.getvalue()


def test_plain_text_and_declared_charsets(settings: Settings, tmp_path: Path) -> None:
    brief = tmp_path / "brief.warc.gz"
    brief.write_bytes(_single(" ".join(REACTION).encode(), "text/plain; charset=utf-8"))
    [doc] = read_file(brief, settings=settings)
    assert isinstance(doc, RawDocument) and doc.html is None
    assert doc.text == " ".join(REACTION)
    published = clean_document(doc, settings=settings).published
    assert (published.value, published.origin) == ("2024-05-16", "crawl")
    latin = tmp_path / "latin.warc"
    page = "<html><body><p>Café owners in Duneholm greeted the envoys.</p></body></html>"
    latin.write_bytes(_single(page.encode("iso-8859-1"), "text/html; charset=ISO-8859-1"))
    [doc] = read_file(latin, settings=settings)
    assert isinstance(doc, RawDocument) and doc.html is not None and "Café owners" in doc.html


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"Foreign ministers met in Duneholm on Tuesday.\n", "not a WARC"),
        (_single(b"   \n", "text/html"), "empty body"),
    ],
)
def test_bad_files_are_errors(
    data: bytes, fragment: str, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(data)
    docs, errors = _split(list(read_file(path, settings=settings)))
    assert docs == [] and len(errors) == 1
    assert fragment in str(errors[0]) and "bad.warc" in str(errors[0])


def test_folders_pick_up_warc_files(settings: Settings, tmp_path: Path) -> None:
    crawl = build_crawl(gzip=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "CC-NEWS-1.warc.gz").write_bytes(crawl.data)
    (tmp_path / "b.WARC").write_bytes(build_crawl(gzip=False).data)
    (tmp_path / "notes.txt.gz").write_bytes(b"\x1f\x8b\x08\x00")
    names = sorted(p.name for p in iter_files([tmp_path], settings=settings))
    assert names == ["CC-NEWS-1.warc.gz", "b.WARC"]
    docs, errors = _split(list(read_paths([tmp_path], settings=settings)))
    assert errors == [] and len(docs) == 4


def test_ingest_stores_the_articles_once(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "CC-NEWS-20240516.warc.gz"
    path.write_bytes(build_crawl(gzip=True).data)
    with open_store(settings.db_path) as store:
        first = ingest([path], store=store, settings=settings)
        assert (first.inserted, first.failed) == (2, 0), first.errors
        stored = {a.url: a for a in store.iter_articles()}
    assert set(stored) == {TALKS_URL, REACTION_URL}
    assert TALKS[2] in stored[TALKS_URL].text and REACTION[1] in stored[REACTION_URL].text
    assert "Copyright Example News" not in stored[TALKS_URL].text
    assert (stored[TALKS_URL].published.value, stored[TALKS_URL].published.origin) == (
        "2024-05-14",
        "html-meta",
    )
    assert (stored[REACTION_URL].published.value, stored[REACTION_URL].published.origin) == (
        "2024-05-16",
        "crawl",
    )
    # Where the articles came from: the page's URL, its host as the outlet, the crawl time.
    reaction = stored[REACTION_URL]
    assert reaction.outlet == "wire.example.net"  # a text page: no site name, the host
    assert reaction.crawled is not None and reaction.crawled.startswith("2024-05-16T")
    # "on Wednesday" counts from the crawl date only as a guess.
    wednesday = [t for t in reaction.timerefs if "Wednesday" in reaction.span_text(t)]
    assert wednesday and all(t.origin == "resolved-from-inferred" for t in wednesday)
    with open_store(settings.db_path) as store:
        second = ingest([path], store=store, settings=settings)
        assert len(list(store.iter_articles())) == 2
    assert (second.inserted, second.skipped, second.failed) == (0, 2, 0)


_PLAIN = build_crawl(gzip=False)
_GZIPPED = build_crawl(gzip=True)


def _read_bytes_as(data: bytes, name: str) -> list[RawDocument | ReadError]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(read_file(path, settings=Settings()))


@given(st.binary(max_size=600), st.sampled_from(["fuzz.warc", "fuzz.warc.gz"]), st.booleans())
def test_arbitrary_bytes_only_ever_yield_read_errors(data: bytes, name: str, zipped: bool) -> None:
    for item in _read_bytes_as(gzip.compress(data) if zipped else data, name):
        assert isinstance(item, ReadError) and name in str(item)


@given(st.data())
def test_a_crawl_cut_anywhere_yields_only_whole_articles_or_errors(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["c.warc", "c.warc.gz"]))
    crawl = _GZIPPED if name.endswith(".gz") else _PLAIN
    cut = data.draw(st.integers(min_value=0, max_value=len(crawl.data)))
    whole = {(d.url, d.html) for d in _split(_read_bytes_as(crawl.data, name))[0]}
    docs, errors = _split(_read_bytes_as(crawl.data[:cut], name))
    assert {(d.url, d.html) for d in docs} <= whole
    # Only a cut between records (give or take a plain WARC's blank lines) goes unnoticed.
    slack = 0 if name.endswith(".gz") else 4
    if all(not 0 <= start - cut <= slack for start in crawl.starts.values()):
        assert errors, "a cut file must say so"
    assert all(name in str(e) for e in errors)
