"""Ingest with worker processes stores exactly what a single process stores."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dateline.errors import ConfigError, MissingDependency
from dateline.ingest import IngestReport, WorkerPool, ingest, ingest_documents, resolve_workers
from dateline.model import RawDocument, to_dict
from dateline.settings import Settings
from dateline.store import open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture()
def submitted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Record the size of every batch handed to worker processes."""
    sizes: list[int] = []
    real = WorkerPool.submit

    def counting(self: WorkerPool, raws: list[Any]) -> Any:
        sizes.append(len(raws))
        return real(self, raws)

    monkeypatch.setattr(WorkerPool, "submit", counting)
    yield sizes


def _run(settings: Settings, folder: str, workers: int, paths: list[Path]) -> dict[str, Any]:
    """Ingest `paths` into a fresh database; return the report and everything stored."""
    settings = settings.replace(db=str(Path(settings.data_dir) / folder / "dl.db"))
    with open_store(settings.db_path) as store:
        report = ingest(paths, store=store, settings=settings, workers=workers)
        articles = [to_dict(a) for a in store.iter_articles()]
    with sqlite3.connect(settings.db_path) as conn:
        sources = conn.execute(
            "SELECT raw_hash, article_id, source_path, url, outlet FROM article_sources "
            "ORDER BY source_path, raw_hash"
        ).fetchall()
        mentions = conn.execute("SELECT * FROM mentions ORDER BY 1, 2, 3").fetchall()
        errors = conn.execute(
            "SELECT source_path, code, message FROM ingest_errors ORDER BY 1"
        ).fetchall()
    return {
        "report": _report(report),
        "articles": articles,
        "sources": sources,
        "mentions": mentions,
        "errors": errors,
    }


def _report(report: IngestReport) -> dict[str, Any]:
    return {
        "counts": (report.read, report.inserted, report.updated, report.unchanged, report.skipped),
        "errors": [str(e) for e in report.errors],
        "ids": report.article_ids,
    }


def test_two_workers_store_the_same_articles_as_one(
    seeds_dir: Path, settings: Settings, submitted: list[int]
) -> None:
    # Small batches: several batches in flight at once, results written back in input order.
    small = settings.replace(batch_size=3)
    paths = [seeds_dir, EXAMPLES]
    one = _run(small, "one", 1, paths)
    assert submitted == []  # one worker: no process pool
    two = _run(small, "two", 2, paths)
    assert len(submitted) >= 4 and sum(submitted) == len(two["articles"])
    assert len(one["articles"]) >= 15 and one["report"]["errors"] == []
    assert one["articles"] == two["articles"]
    assert one["sources"] == two["sources"]
    assert one["mentions"] == two["mentions"]
    assert one["report"] == two["report"]
    assert any(a["events"] for a in two["articles"])  # the whole pipeline ran in the workers


def test_a_rerun_with_workers_skips_what_is_stored(
    seeds_dir: Path, settings: Settings, submitted: list[int]
) -> None:
    small = settings.replace(batch_size=2)
    with open_store(small.db_path) as store:
        first = ingest([seeds_dir], store=store, settings=small, workers=2)
        again = ingest([seeds_dir], store=store, settings=small, workers=2)
    assert (first.inserted, first.failed) == (5, 0)
    assert (again.read, again.skipped, again.inserted, again.failed) == (5, 5, 0, 0)
    assert sum(submitted) == 5  # nothing already stored goes to a worker


def test_errors_in_worker_batches_name_the_file_and_the_run_goes_on(
    seeds_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    # No spaCy model under this name: annotate fails on every article, in every worker.
    broken = settings.replace(batch_size=2, nlp_models=("no_such_spacy_model",))
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in sorted(seeds_dir.glob("*.txt")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    one = _run(broken, "one", 1, [folder])
    two = _run(broken, "two", 2, [folder])
    assert two == one
    assert two["articles"] == []
    errors = two["report"]["errors"]
    assert len(errors) == 6
    assert sum("[DL011]" in e and "empty.txt" in e for e in errors) == 1
    named = [e for e in errors if f"[{MissingDependency.code}]" in e]
    assert sorted(Path(e.split("'")[1]).name for e in named) == sorted(
        p.name for p in seeds_dir.glob("*.txt")
    )
    assert len(two["errors"]) == 6  # recorded in the store too


def test_worker_count_resolution(settings: Settings) -> None:
    assert resolve_workers(3, settings) == 3
    assert resolve_workers(None, settings.replace(workers=1)) == 1
    assert resolve_workers(0, settings) == min(2, os.cpu_count() or 1)
    assert resolve_workers(None, settings) == resolve_workers(settings.workers, settings)
    with pytest.raises(ConfigError):
        resolve_workers(-1, settings)


@dataclass(frozen=True, slots=True)
class _Bomb(RawDocument):
    """A document that kills the worker process that receives it."""

    def __reduce__(self) -> Any:
        return (os._exit, (3,))


def test_a_worker_that_dies_costs_only_its_batch(settings: Settings) -> None:
    fast = settings.replace(batch_size=2, stages=())  # clean only: workers start quickly
    docs = [
        RawDocument(source_path=f"mem#{i}", raw_hash=f"h{i}", text=f"Story {i} from Kellport.")
        for i in range(12)
    ]
    docs[7] = _Bomb(source_path="mem#7", raw_hash="h7", text="Story 7 from Kellport.")
    with open_store(fast.db_path) as store:
        report = ingest_documents(docs, store=store, settings=fast, workers=2)
        stored = sorted(a.source_path for a in store.iter_articles())
    # The batch holding the bomb (documents 6 and 7) is reported by file; the rest is stored.
    assert sorted(e.path or "" for e in report.errors) == ["mem#6", "mem#7"]
    assert all("worker process died" in str(e) for e in report.errors)
    assert stored == sorted(f"mem#{i}" for i in range(12) if i not in (6, 7))


def test_a_pool_broken_before_submit_answers_with_a_failed_future(settings: Settings) -> None:
    fast = settings.replace(stages=())
    bomb = _Bomb(source_path="mem#b", raw_hash="hb", text="Story from Kellport.")
    with WorkerPool(fast, 1) as pool:
        first = pool.submit([bomb])
        with pytest.raises(BrokenProcessPool):
            first.result(timeout=120)
        # The pool is broken now; a new batch must come back as a failed future, not raise.
        second = pool.submit([RawDocument(source_path="mem#ok", raw_hash="h", text="Fine.")])
        with pytest.raises(BrokenProcessPool):
            second.result(timeout=120)
        pool.restart()
        done, errors = pool.submit(
            [RawDocument(source_path="mem#ok", raw_hash="h", text="Story from Kellport.")]
        ).result(timeout=120)
        assert [a.source_path for a in done] == ["mem#ok"] and not errors


def test_the_cli_imports_nothing_the_stages_do_not_need() -> None:
    """Worker processes start by re-running the `dateline` script, which imports the CLI.

    So whatever importing `dateline.cli` loads, every ingest worker carries too (pandas,
    scipy and networkx were about 100 MiB a worker); exports and linking load them on use.
    """
    heavy = ("pandas", "scipy", "networkx", "pyarrow", "datasketch", "fastapi", "sklearn")
    probe = (
        f"import sys; import dateline.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
