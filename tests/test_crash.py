"""Crash safety with worker processes: kill -9 a 10,000-article ingest midway, then finish it."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOTAL = 10_000

_PLACES = ["Sarnbridge", "Valmora", "Kellport", "Duneholm", "Marentia", "Ostrava Nova", "Lisk"]
_WHO = [
    "the governor",
    "the mayor",
    "a ministry spokeswoman",
    "the harbour master",
    "union leaders",
]
_WHAT = [
    "{n} families had returned to district {i}",
    "bridge {i} over the river would reopen after {n} days of repairs",
    "{n} tonnes of grain had left the port in week {i}",
    "talks on housing plan {i} would resume with {n} delegates",
    "a census counted {n} new residents in ward {i}",
]
_WHEN = ["on Monday", "last week", "this morning", "on 3 March", "yesterday", "next month"]


def _corpus(path: Path, total: int) -> None:
    """Write `total` short, distinct, varied news records as JSONL."""
    rng = random.Random(8)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(total):
            place = rng.choice(_PLACES)
            fact = rng.choice(_WHAT).format(n=rng.randint(2, 90_000), i=i)
            text = f"Officials in {place} said {rng.choice(_WHEN)} that {fact}."
            if i % 3:
                text += f' "We expect more," {rng.choice(_WHO)} told reporters in {place}.'
            record: dict[str, str] = {"id": f"r{i}", "text": text}
            if i % 4:
                record["date"] = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            if i % 5:
                record["title"] = f"{place} update no. {i}"
                record["source"] = rng.choice(["Test Wire", "Harbour Daily", "Valmora Times"])
            fh.write(json.dumps(record) + "\n")


def _count(db: Path) -> int:
    """Return the stored article count, read-only (0 while the database is not there yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0  # not migrated yet


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_during_a_parallel_ingest_then_rerun_stores_each_record_once(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, TOTAL)
    config = tmp_path / "settings.toml"
    # Clean step only (no spaCy): the crash safety under test is the store's and the worker
    # pool's, and 10,000 parses would not fit the test's time. Small batches put many
    # transactions and several batches in flight around the kill.
    config.write_text("[store]\nbatch_size = 40\n[pipeline]\nstages = []\n")
    db = tmp_path / "crash.db"
    cmd = [
        sys.executable,
        *("-m", "dateline", "ingest", str(corpus), "--db", str(db), "--config", str(config)),
        *("--workers", "2", "--no-link", "-q"),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            stored = _count(db)
            if stored >= 400:
                break
            time.sleep(0.02)
        if proc.poll() is not None:
            pytest.fail(f"ingest ended before it could be killed: {proc.communicate()}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # The workers notice their parent is gone and exit: nothing is left behind.
        gone_by = time.monotonic() + 20
        while _group_alive(proc.pid) and time.monotonic() < gone_by:
            time.sleep(0.1)
        assert not _group_alive(proc.pid), "worker processes outlived the killed ingest"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    count_at_kill = _count(db)
    assert 0 < count_at_kill < TOTAL, count_at_kill

    rerun = subprocess.run([*cmd[:-1]], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = re.search(r"(\d+) new, .* (\d+) already stored, (\d+) failed", rerun.stdout)
    assert summary, rerun.stdout
    # Every record stored before the kill is skipped, every other one is processed once.
    assert [int(g) for g in summary.groups()] == [TOTAL - count_at_kill, count_at_kill, 0]

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == TOTAL
        assert conn.execute("SELECT count(DISTINCT text) FROM articles").fetchone()[0] == TOTAL
        sources = conn.execute("SELECT raw_hash, source_path, article_id FROM article_sources")
        rows = sources.fetchall()
        assert len(rows) == TOTAL
        assert len({(h, p) for h, p, _ in rows}) == TOTAL, "duplicate article_sources rows"
        assert sorted(p for _, p, _ in rows) == sorted(f"{corpus}#r{i}" for i in range(TOTAL))
        assert len({a for _, _, a in rows}) == TOTAL  # each record is its own article
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_sources s WHERE s.article_id = a.id)"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) FROM ingest_errors").fetchone()[0] == 0
