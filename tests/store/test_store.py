"""The SQLite store: migrations, idempotent upserts, and lossless round-trips of offsets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dateline.model import (
    Article,
    Claim,
    DateInfo,
    Mention,
    Note,
    Quantity,
    Quote,
    Span,
    TimeRef,
)
from dateline.store import open_store
from dateline.store.migrations import MIGRATIONS


def test_empty_database_migrates_to_the_expected_schema(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.db") as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_migrations")]
        assert names == [m.name for m in MIGRATIONS]
        tables = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"articles", "article_sources", "mentions", "ingest_errors"} <= tables
        cols = {r[1] for r in store.conn.execute("PRAGMA table_info(articles)")}
        assert {"id", "text", "data", "published", "published_origin"} <= cols
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Re-opening applies nothing new.
    with open_store(tmp_path / "new.db") as store:
        assert store.migrate() == []


def _article(text: str = "Envoy meets minister in Sarnbridge.", **kw: object) -> Article:
    return Article(id=str(abs(hash(text))), text=text, source_path="a.txt", raw_hash="r1", **kw)  # type: ignore[arg-type]


def test_upsert_is_idempotent(tmp_path: Path) -> None:
    article = _article(mentions=(Mention(24, 34, "GPE"),))
    with open_store(tmp_path / "s.db") as store:
        assert store.upsert_articles([article]).inserted == 1
        again = store.upsert_articles([article])
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
        assert store.count_articles() == 1
        rows = store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        assert rows == 1
        assert store.conn.execute("SELECT text FROM mentions").fetchone()[0] == "Sarnbridge"
        changed = store.upsert_articles([_article(mentions=(), title="New title")])
        assert changed.updated == 1 and store.count_articles() == 1
        assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0


def test_unknown_id_is_not_found(tmp_path: Path) -> None:
    import pytest

    from dateline.errors import NotFound

    with open_store(tmp_path / "s.db") as store, pytest.raises(NotFound, match="DL040"):
        store.get_article("deadbeef")


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    import pytest

    good = _article("First article text.")
    with open_store(tmp_path / "s.db") as store:
        with pytest.raises(sqlite3.Error), store.transaction() as conn:
            store.upsert_articles([good])
            conn.execute("INSERT INTO no_such_table VALUES (1)")
        assert store.count_articles() == 0


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(st.text(min_size=1, max_size=300))
    n = len(text)

    def span() -> tuple[int, int]:
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, n))
        return a, b

    mentions = tuple(
        Mention(*span(), label=draw(st.sampled_from(["PERSON", "ORG", "GPE"])))
        for _ in range(draw(st.integers(0, 4)))
    )
    timerefs = tuple(
        TimeRef(*span(), type="DATE", value=draw(st.sampled_from(["2021-11-17", "XXXX-11"])))
        for _ in range(draw(st.integers(0, 3)))
    )
    quotes = tuple(
        Quote(content=Span(*span()), source=Span(*span()), direct=draw(st.booleans()))
        for _ in range(draw(st.integers(0, 2)))
    )
    claims = tuple(
        Claim(
            content=Span(*span()),
            evidence=Span(*span()),
            quantities=(Quantity(*span(), value=2.5e6, op=">", unit="returnees"),),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return Article(
        id=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        text=text,
        source_path=draw(st.text(min_size=1, max_size=30)),
        title=draw(st.none() | st.text(max_size=40)),
        published=DateInfo("2020-10-29", "header", "day"),
        notes=(Note("disclaimer", draw(st.text(max_size=50))),),
        sentences=(Span(0, n),),
        mentions=mentions,
        timerefs=timerefs,
        quotes=quotes,
        claims=claims,
    )


@given(articles())
def test_store_round_trip_keeps_every_span_slicing_the_text(article: Article) -> None:
    with open_store(":memory:") as store:
        store.upsert_articles([article])
        back = store.get_article(article.id)
    assert back == article
    for m in back.mentions:
        assert back.span_text(m) == article.text[m.start : m.end]
    for t in back.timerefs:
        assert back.text[t.start : t.end] == article.text[t.start : t.end]
    for q in back.quotes:
        assert q.content.slice(back.text) == q.content.slice(article.text)
