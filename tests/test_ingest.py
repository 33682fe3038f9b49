"""Ingest end to end: idempotent re-runs, a kill -9 midway, and bad files in a batch."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.ingest import ingest
from dateline.settings import Settings, load_settings
from dateline.store import open_store

DATA = Path(__file__).resolve().parent / "data"


def _table_dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, title, published, published_origin, text, data FROM articles ORDER BY id"
        ).fetchall()
        rows += conn.execute(
            "SELECT raw_hash, article_id, source_path FROM article_sources ORDER BY 1, 3"
        ).fetchall()
        rows += conn.execute("SELECT * FROM mentions ORDER BY 1, 2, 3").fetchall()
    return rows


def test_ingest_twice_gives_the_same_rows(seeds_dir: Path, settings: Settings) -> None:
    with open_store(settings.db_path) as store:
        first = ingest([seeds_dir], store=store, settings=settings)
    assert (first.inserted, first.failed) == (5, 0)
    before = _table_dump(settings.db_path)
    with open_store(settings.db_path) as store:
        second = ingest([seeds_dir], store=store, settings=settings)
    assert (second.inserted, second.skipped, second.failed) == (0, 5, 0)
    assert _table_dump(settings.db_path) == before
    # --force re-processes every input and still changes nothing.
    with open_store(settings.db_path) as store:
        forced = ingest([seeds_dir], store=store, settings=settings, force=True)
    assert (forced.inserted, forced.updated, forced.unchanged) == (0, 0, 5)
    assert _table_dump(settings.db_path) == before


def test_a_copy_under_another_name_is_one_article_with_two_sources(
    seeds_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sample = sorted(seeds_dir.glob("001_*.txt"))[0]
    (folder / "outlet_a.txt").write_bytes(sample.read_bytes())
    (folder / "outlet_b.txt").write_bytes(sample.read_bytes())
    with open_store(settings.db_path) as store:
        report = ingest([folder], store=store, settings=settings)
        assert (report.inserted, report.sourced, report.updated) == (1, 1, 0)
        [article] = list(store.iter_articles())
        sources = store.article_sources(article.id)
    assert sorted(Path(s["source_path"]).name for s in sources) == ["outlet_a.txt", "outlet_b.txt"]


def _bad_folder(root: Path) -> Path:
    folder = root / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(
        " date 2024-03-14 Envoy arrives in Valmora\n\nThe envoy arrived on Wednesday for talks "
        "on the river with the foreign minister, officials said.\n",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "legacy.txt").write_bytes(
        b"Caf\xe9 owners in Sarnbridge said on Monday trade was up."
    )
    (folder / "garbage.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50 + b"\x01\x02" * 200)
    with (folder / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (folder / "hostile.html").write_text(
        "<html><head><title>Hostile page</title></head><body><article>"
        "<p>Officials met in Sarnbridge on Monday to discuss the river and agreed to meet again."
        "<img src=x onerror='alert(1)'></p><script>alert(2)</script>"
        '<p onclick="alert(3)">A second paragraph about the talks follows here for length.</p>'
        "</article></body></html>",
        encoding="utf-8",
    )
    return folder


def test_bad_files_are_reported_and_the_batch_goes_on(settings: Settings, tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    with open_store(settings.db_path) as store:
        report = ingest([folder], store=store, settings=settings)
        stored = {Path(a.source_path).name: a for a in store.iter_articles()}
        recorded = {Path(e["source_path"]).name: e["code"] for e in store.ingest_errors()}
    assert set(stored) == {"good.txt", "legacy.txt", "hostile.html"}
    assert "Café owners" in stored["legacy.txt"].text
    hostile = stored["hostile.html"].text
    assert "alert" not in hostile and "onerror" not in hostile and "<" not in hostile
    errors = {Path(e.path or "").name: e.code for e in report.errors}
    assert errors == {
        "empty.txt": "DL011",
        "photo.txt": "DL012",
        "garbage.txt": "DL014",
        "huge.txt": "DL013",
    }
    assert recorded == errors


def test_cli_reports_one_line_per_bad_file_and_fails(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    db = tmp_path / "cli.db"
    proc = subprocess.run(
        [sys.executable, "-m", "dateline", "ingest", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 4, proc.stderr
    for name, code in [
        ("empty", "DL011"),
        ("photo", "DL012"),
        ("garbage", "DL014"),
        ("huge", "DL013"),
    ]:
        assert any(f"[{code}]" in ln and f"{name}.txt" in ln for ln in lines), (name, proc.stderr)
    assert "3 new" in proc.stdout and "4 failed" in proc.stdout


def _synthetic_corpus(path: Path, n: int) -> None:
    places = ["Sarnbridge", "Valmora", "Ostrava Nova", "Marentia", "Kellport", "Duneholm"]
    roles = ["the governor", "the mayor", "a ministry spokesman", "the harbour master"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            place = places[i % len(places)]
            text = (
                f"Officials in {place} said on Monday that {100 + i} families had returned to "
                f"district {i} since the spring, according to {roles[i % len(roles)]}. "
                f"Talks on housing in {place} will resume next month, the council said."
            )
            record = {"id": f"r{i}", "date": "2024-03-11", "source": "Test Wire", "text": text}
            fh.write(json.dumps(record) + "\n")


def test_kill_during_a_2000_article_ingest_then_rerun_stores_each_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _synthetic_corpus(corpus, 2000)
    config = tmp_path / "settings.toml"
    # Small batches so the kill lands between and inside transactions; the parse alone keeps
    # the test quick (the crash safety under test is the store's, not the stages').
    config.write_text('[store]\nbatch_size = 25\n[pipeline]\nstages = ["annotate"]\nworkers = 1\n')
    db = tmp_path / "kill.db"
    cmd = [
        sys.executable,
        "-m",
        "dateline",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--config",
        str(config),
        "-q",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= 300:
                break
    if proc.poll() is not None:
        pytest.fail(f"ingest ended before it could be killed: {proc.communicate()}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 300 <= partial < 2000

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2000
        assert conn.execute("SELECT count(*) FROM article_sources").fetchone()[0] == 2000
        paths = [r[0] for r in conn.execute("SELECT source_path FROM article_sources")]
        assert sorted(paths) == sorted(f"{corpus}#r{i}" for i in range(2000))
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_sources s WHERE s.article_id = a.id)"
        ).fetchone()[0]
        assert orphans == 0


def test_settings_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline.errors import ConfigError

    monkeypatch.setenv("DATELINE_HOME", str(tmp_path))
    monkeypatch.setenv("DATELINE_DB", "env.db")
    assert load_settings().db_path == tmp_path / "env.db"
    assert load_settings(db=str(tmp_path / "x.db")).db_path == tmp_path / "x.db"
    bad = tmp_path / "bad.toml"
    bad.write_text("[store\nbroken")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_settings(bad)
    odd = tmp_path / "odd.toml"
    odd.write_text("[mystage]\nthreshold = 0.5\n")
    assert load_settings(odd).extra["mystage"] == {"threshold": 0.5}
