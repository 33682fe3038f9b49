"""`dateline link` killed at random points never leaves pages or --json output naming ids that 404.

Each round changes the corpus the way a re-ingest does (one person's mentions flip between
PERSON and ORG, so entity ids appear and vanish), starts the `dateline link` command in a
forked child (the modules, caches and spaCy model are already loaded, so a round costs the
link itself, not an interpreter start) and kills it with SIGKILL after a random delay within
one run's duration. Then the next command (`dateline events --json`) runs, and every id any
--json command or web page lists must answer: article, event and entity pages and their API
twins, and every article, event or entity page linked from them.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.ingest import ingest
from dateline.settings import Settings
from dateline.store import open_store
from dateline.web import create_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork"),
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = (
    "meridian-post-envoy-visit.txt",
    "nahrabad-herald-envoy-visit.html",
    "qna-envoy-received.txt",
    "tarsana-sentinel-envoy-in-kesh.txt",
)
ROUNDS = 20
JSON_COMMANDS = (["articles"], ["events"], ["timeline"], ["entities"], ["groups"], ["claims"])
_ID = re.compile(r"^(?:ev|ent)-[0-9a-f]{12}$|^[0-9a-f]{16}$")
_HREF = re.compile(r'href="(/(?:articles|events|entities)/[^"?#/]+)"')
runner = CliRunner()


def _ids(value: Any, found: set[str]) -> set[str]:
    """Every article, event and entity id anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and value.get("kind") in ("copy", "same-event", "thread"):
                continue  # a group's id ("ev-..." for same-event groups) has no page
            _ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _ids(item, found)
    elif isinstance(value, str) and _ID.match(value):
        found.add(value)
    return found


def _page(item_id: str) -> str:
    kind = "events" if item_id.startswith("ev-") else "entities"
    return f"/{kind if '-' in item_id else 'articles'}/{item_id}"


def _missing_pages(db: str) -> list[str]:
    """Pages and API answers that are not 200 for ids the --json commands and pages list."""
    listed: set[str] = set()
    for command in JSON_COMMANDS:
        result = runner.invoke(app, [*command, "--json", "--db", db])
        assert result.exit_code == 0, result.output
        _ids(json.loads(result.stdout), listed)
    return asyncio.run(_crawl(db, listed))


async def _crawl(db: str, listed: set[str]) -> list[str]:
    """Visit the list pages and each id's page, following every article/event/entity link.

    Article and event pages also have their API twin fetched (the JSON lists the ids of
    mentions' entities and participants); an entity's twin lists nothing its page does not.
    """
    transport = httpx.ASGITransport(app=create_app(db))
    bad = []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        todo = ["/", "/articles", "/timeline", "/entities", "/groups", "/claims"]
        todo += [_page(i) for i in sorted(listed)]
        seen: set[str] = set()
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            answer = await client.get(url)
            if answer.status_code != 200:
                bad.append(f"{url} -> {answer.status_code}")
                continue
            todo += [h for h in _HREF.findall(answer.text) if h not in seen]
            if url.startswith(("/articles/", "/events/")):
                twin = await client.get("/api" + url)
                if twin.status_code != 200:
                    bad.append(f"/api{url} -> {twin.status_code}")
                else:
                    todo += [_page(i) for i in _ids(twin.json(), set()) if _page(i) not in seen]
    return bad


def _flip(db: str, name: str, label: str) -> None:
    """Relabel every mention of `name` (as a re-ingest with another model would)."""
    with open_store(db) as store:
        changed = []
        for article in store.iter_articles():
            mentions = tuple(
                replace(m, label=label, entity_id=None)
                if article.text[m.start : m.end] == name
                else m
                for m in article.mentions
            )
            if mentions != article.mentions:
                changed.append(replace(article, mentions=mentions))
        assert changed
        store.upsert_articles(changed)


def _link_in_child(db: str) -> int:
    """Start `dateline link` in a forked child; return its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            code = runner.invoke(app, ["link", "--db", db]).exit_code
        finally:
            os._exit(code)
    return pid


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Four linked example articles, and the person whose mentions the rounds relabel."""
    folder = tmp_path_factory.mktemp("kill")
    settings = Settings(data_dir=str(folder), db="base.db", workers=1)
    with open_store(settings.db_path) as store:
        report = ingest([EXAMPLES / f for f in FILES], store=store, settings=settings)
        assert report.inserted == len(FILES) and not report.errors
    assert runner.invoke(app, ["link", "--db", str(settings.db_path)]).exit_code == 0
    with sqlite3.connect(settings.db_path) as conn:
        # The person most events name: relabelling them changes many pages' links.
        person = conn.execute(
            "SELECT m.text FROM mentions m JOIN event_participants p ON p.entity_id = m.entity_id"
            " WHERE m.label = 'PERSON' GROUP BY m.text ORDER BY count(*) DESC, m.text LIMIT 1"
        ).fetchone()[0]
    yield str(settings.db_path), person


def test_link_killed_at_random_points_leaves_no_page_answering_404(
    corpus: tuple[str, str], tmp_path: Path
) -> None:
    base, person = corpus
    db = str(tmp_path / "kill.db")
    with sqlite3.connect(base) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    assert _missing_pages(db) == []
    started = time.monotonic()
    os.waitpid(_link_in_child(db), 0)
    duration = time.monotonic() - started  # one whole run, to spread the kills over
    rng = random.Random(23)
    killed = 0
    problems: dict[int, list[str]] = {}
    for round_no in range(ROUNDS):
        _flip(db, person, "ORG" if round_no % 2 == 0 else "PERSON")
        pid = _link_in_child(db)
        time.sleep(rng.uniform(0.0, duration))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed += os.WIFSIGNALED(status)
        nxt = runner.invoke(app, ["events", "--json", "--db", db])  # the next command
        assert nxt.exit_code == 0, nxt.output
        missing = _missing_pages(db)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if missing:
            problems[round_no] = missing[:5]
    assert killed >= ROUNDS // 2, f"only {killed} of {ROUNDS} runs were killed before the end"
    assert problems == {}
    with open_store(db) as store:
        assert store.link_due() is None  # the last interrupted run was finished
        assert store.integrity_problems() == []


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_ingest_killed_while_linking_links_on_the_next_run(
    corpus: tuple[str, str], tmp_path: Path
) -> None:
    """The articles are stored, the link that ends ingest is killed: the re-run must link."""
    paths = [str(EXAMPLES / f) for f in FILES]
    for attempt in range(3):  # the kill must land after the store and before the link ends
        db = tmp_path / f"ingest-{attempt}.db"
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                args = ["ingest", *paths, "--db", str(db), "--workers", "1"]
                code = runner.invoke(app, args).exit_code
            finally:
                os._exit(code)
        deadline = time.monotonic() + 300
        while _count(db) < len(FILES) and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            break
    else:
        pytest.skip("ingest finished linking before it could be killed, three times")
    assert _count(db) == len(FILES)
    again = runner.invoke(app, ["ingest", *paths, "--db", str(db), "--workers", "1"])
    assert again.exit_code == 0, again.output
    assert f"{len(FILES)} already stored" in again.output
    assert "linking now" in again.output and "grouped:" in again.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM event_records").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM entities").fetchone()[0] > 0
        unlinked = conn.execute(
            "SELECT count(*) FROM mentions WHERE entity_id IS NULL AND label = 'PERSON'"
        ).fetchone()[0]
        assert unlinked == 0
    assert _missing_pages(str(db)) == []


def _snapshot(db: str) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("article_groups", "group_members", "entities", "event_records", "mentions")
    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def test_a_link_that_fails_midway_changes_nothing_and_the_next_command_says_so(
    corpus: tuple[str, str], tmp_path: Path
) -> None:
    base, person = corpus
    db = str(tmp_path / "fail.db")
    with sqlite3.connect(base) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    _flip(db, person, "ORG")  # the next link changes groups' evidence, entities and events
    before = _snapshot(db)
    config = tmp_path / "bad.toml"  # the lookup table is read after groups are computed
    config.write_text(f'[identities]\nwikidata = "{tmp_path / "missing.tsv"}"\n')
    failed = runner.invoke(app, ["link", "--db", db, "--config", str(config)])
    assert failed.exit_code == 1 and "[DL001]" in failed.output
    assert _snapshot(db) == before  # nothing of the failed run was kept
    # The next read command tries to finish the run, says why it cannot, and still answers.
    listed = runner.invoke(app, ["events", "--json", "--db", db])
    assert listed.exit_code == 0
    assert "did not finish" in listed.stderr and "[DL001]" in listed.stderr
    json.loads(listed.stdout)
    assert runner.invoke(app, ["link", "--db", db]).exit_code == 0
    quiet = runner.invoke(app, ["events", "--json", "--db", db])
    assert quiet.stderr == "" and _snapshot(db) != before
    assert _missing_pages(db) == []
