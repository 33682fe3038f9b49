"""`dateline.ingest`: read, clean, annotate and store articles, streaming in batches.

Each batch is written in one transaction, so a run killed midway loses at most the batches in
flight, and a re-run skips every input record already stored (keyed by its raw hash).

With more than one worker, the main process still reads the inputs, batches them, skips the
records already stored and alone writes to the store, batch by batch in input order; worker
processes (started with 'spawn', each building the pipeline once) clean and annotate the
batches. At most ``2 * workers`` batches are in flight, so memory stays bounded, and the stored
result is the same as with one worker.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from types import TracebackType

from dateline.errors import (
    ConfigError,
    DatelineError,
    ExtractionWarning,
    MissingDependency,
    PipelineError,
    ReadError,
)
from dateline.model import Article, RawDocument
from dateline.pipeline import Pipeline, build_pipeline
from dateline.pipeline.clean import clean_document
from dateline.settings import Settings
from dateline.store import Store

# More processes than this gain little on the machines dateline targets and cost one spaCy
# model in memory each; "auto" (workers = 0) picks min(AUTO_WORKERS, CPU count).
AUTO_WORKERS = 2


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did: counts, and one entry per input that failed."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # input records already stored by an earlier run
    errors: list[DatelineError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    warnings: list[DatelineError] = field(default_factory=list)  # DL017: stored, but check it

    @property
    def failed(self) -> int:
        """Return how many inputs failed."""
        return len(self.errors)


ProgressFn = Callable[[int, IngestReport], None]
Key = tuple[str, str]  # (raw hash, source path) of an input record
# An error as it crosses a process boundary: DatelineError does not round-trip through pickle
# (its args hold the formatted message), so it travels as (class, message, path).
ErrorValue = tuple[type[DatelineError], str, str | None]


# Packages ingest imports only when it meets a page, checked up front so that a broken install
# is one clear error line before anything is read or stored: (module, what needs it).
_PARTS = (("trafilatura", "reading HTML pages"), ("spacy", "annotating articles"))


def check_parts() -> None:
    """Raise MissingDependency (DL002, with the install command) if ingest cannot run here.

    A missing spaCy model is not checked here: the annotate stage reports it per file.
    """
    for module, purpose in _PARTS:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            reason = " ".join(str(exc).split())
            name = "lxml_html_clean" if "lxml_html_clean" in reason else exc.name or module
            raise MissingDependency(
                f"{purpose} needs {module}, which cannot be imported ({reason}); install the "
                f"missing package with: pip install {name} (or reinstall dateline: "
                "pip install -e .)"
            ) from exc


def resolve_workers(workers: int | None, settings: Settings) -> int:
    """Return how many processes to use: `workers`, else settings.workers; 0 means automatic."""
    wanted = settings.workers if workers is None else workers
    if wanted < 0:
        raise ConfigError(f"workers must be 0 (automatic) or more, not {wanted}")
    if wanted == 0:
        return max(1, min(AUTO_WORKERS, os.cpu_count() or 1))
    return wanted


def _batches(
    items: Iterable[RawDocument | ReadError], size: int
) -> Iterator[list[RawDocument | ReadError]]:
    batch: list[RawDocument | ReadError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# A page of at least LARGE_PAGE_CHARS of markup showing at least LARGE_PAGE_WORDS words, of
# which extraction keeps less than KEPT_FRACTION, gets a DL017 warning: the stored article is
# probably not the page's content. (A news page shows a few thousand words at most.)
LARGE_PAGE_CHARS = 100_000
LARGE_PAGE_WORDS = 15_000
KEPT_FRACTION = 0.02


def _visible_words(html: str) -> int:
    """How many words a page shows (script, style and comments left out), 0 if unparsable."""
    from lxml import etree

    try:
        root = etree.fromstring(html, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (ValueError, etree.LxmlError):
        return 0
    if root is None:
        return 0
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
    return sum(len(piece.split()) for piece in root.itertext())


def extraction_warning(raw: RawDocument, article: Article) -> ExtractionWarning | None:
    """A DL017 warning when a large page's extraction kept only a small fraction of its text."""
    if raw.html is None or raw.text is not None or len(raw.html) < LARGE_PAGE_CHARS:
        return None
    visible = _visible_words(raw.html)
    kept = len(article.text.split())
    if visible < LARGE_PAGE_WORDS or kept >= KEPT_FRACTION * visible:
        return None
    return ExtractionWarning(
        f"extraction kept {kept:,} of the page's {visible:,} words ({100 * kept / visible:.2g}%); "
        "the stored article is probably not what the page holds (repeated paragraphs, a "
        "listing, or a layout the extractor cannot split)",
        path=raw.source_path,
    )


def process_documents(
    raws: list[RawDocument], pipeline: Pipeline
) -> tuple[list[Article], list[DatelineError]]:
    """Clean and annotate raw documents; a failing document becomes an error, not a crash.

    The errors may include DL017 warnings (`ExtractionWarning`) about articles that were kept.
    """
    settings = pipeline.settings
    articles: list[Article] = []
    errors: list[DatelineError] = []
    for raw in raws:
        try:
            article = clean_document(raw, settings=settings)
        except DatelineError as exc:
            errors.append(exc)
            continue
        articles.append(article)
        warning = extraction_warning(raw, article)
        if warning is not None:
            errors.append(warning)
    try:
        return pipeline.run_stages(articles), errors
    except DatelineError as exc:
        if len(articles) <= 1:
            errors.append(_named(exc, articles))
            return [], errors
    # One article broke the batch: run them one by one to find it and keep the others.
    done: list[Article] = []
    for article in articles:
        try:
            done.extend(pipeline.run_stages([article]))
        except DatelineError as exc:
            errors.append(_named(exc, [article]))
    return done, errors


def _named(exc: DatelineError, articles: list[Article]) -> DatelineError:
    if exc.path or not articles:
        return exc
    return type(exc)(exc.message, path=articles[0].source_path)


# -- worker processes ----------------------------------------------------------------------------

_worker_pipeline: Pipeline | None = None


def _init_worker(settings: Settings) -> None:
    """Build the pipeline (and load the spaCy model) once per worker process."""
    global _worker_pipeline
    threading.Thread(target=_exit_with_parent, name="dateline-parent-watch", daemon=True).start()
    _worker_pipeline = build_pipeline(settings=settings)
    if "annotate" in _worker_pipeline.names:
        from dateline.pipeline.annotate import nlp_for

        # A missing model is raised again by the stage, per article, and reported by file.
        with contextlib.suppress(DatelineError):
            nlp_for(settings)


def _exit_with_parent() -> None:
    """End this worker when the main process dies (kill -9 leaves no orphaned workers)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _ping(delay: float) -> int:
    """Return the worker's pid after `delay` seconds (used to wait until all are ready)."""
    time.sleep(delay)
    return os.getpid()


def _work(raws: list[RawDocument]) -> tuple[list[Article], list[ErrorValue]]:
    """Process one batch in a worker; every failure comes back as an error value."""
    if _worker_pipeline is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker pipeline not initialised")
    articles, errors = process_guarded(raws, _worker_pipeline)
    # The spaCy Doc is transient and large: it never crosses the process boundary.
    return [replace(a, doc=None) for a in articles], [_error_value(e) for e in errors]


def process_guarded(
    raws: list[RawDocument], pipeline: Pipeline, *, where: str = "a worker process"
) -> tuple[list[Article], list[DatelineError]]:
    """Like `process_documents`, but an unexpected exception also becomes per-file errors.

    `where` names the place in the error message ("a worker process", "a Spark task").
    """
    try:
        return process_documents(raws, pipeline)
    except Exception as exc:
        if len(raws) <= 1:
            return [], [_unexpected(exc, raw, where) for raw in raws]
    articles: list[Article] = []
    errors: list[DatelineError] = []
    for raw in raws:  # find the record that broke the batch; keep the others
        try:
            done, failed = process_documents([raw], pipeline)
        except Exception as exc:
            done, failed = [], [_unexpected(exc, raw, where)]
        articles.extend(done)
        errors.extend(failed)
    return articles, errors


def _unexpected(
    exc: BaseException, raw: RawDocument, where: str = "a worker process"
) -> DatelineError:
    return PipelineError(f"unexpected {type(exc).__name__} in {where}: {exc}", path=raw.source_path)


def _error_value(exc: DatelineError) -> ErrorValue:
    return (type(exc), exc.message, exc.path)


def _from_values(values: list[ErrorValue]) -> list[DatelineError]:
    return [cls(message, path=path) for cls, message, path in values]


class WorkerPool:
    """Worker processes that each build the pipeline once and then process batches."""

    def __init__(self, settings: Settings, workers: int) -> None:
        """Prepare `workers` processes for `settings` (started on first use or by `start`)."""
        if workers < 1:
            raise ConfigError(f"a worker pool needs at least one worker, not {workers}")
        self.settings = settings
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.settings,),
            )
        return self._executor

    def start(self, timeout: float = 600.0) -> None:
        """Start every worker and wait until each has built its pipeline."""
        pool = self._pool()
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < self.workers and time.monotonic() < deadline:
            # A worker busy loading its model cannot answer; ask until every one has.
            pings = [pool.submit(_ping, 0.05) for _ in range(self.workers)]
            seen.update(f.result() for f in pings)

    def submit(self, raws: list[RawDocument]) -> Future[tuple[list[Article], list[ErrorValue]]]:
        """Queue one batch of raw documents; the future holds (articles, error values).

        If a worker has already died, the pool refuses new work; the refusal is returned as a
        failed future, so the caller meets it where it meets every other worker death.
        """
        try:
            return self._pool().submit(_work, raws)
        except BrokenProcessPool as exc:
            failed: Future[tuple[list[Article], list[ErrorValue]]] = Future()
            failed.set_exception(exc)
            return failed

    def restart(self) -> None:
        """Replace the processes (after one of them died); new ones start on the next submit."""
        self.close()

    def close(self) -> None:
        """Stop the processes once their current batch is done; queued batches are dropped."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


# -- the ingest loop -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    """One input batch on its way through: what to process and what to report for it."""

    size: int
    read: int
    skipped: int
    raws: list[RawDocument]
    keys: list[Key]
    read_errors: list[ReadError]
    futures: list[Future[tuple[list[Article], list[ErrorValue]]]] = field(default_factory=list)


def _prepare(
    batch: list[RawDocument | ReadError], store: Store, force: bool, pending: set[Key]
) -> _Job:
    """Split a batch into documents to process and read errors; drop records already stored."""
    raws = [item for item in batch if isinstance(item, RawDocument)]
    read_errors = [item for item in batch if isinstance(item, ReadError)]
    read, skipped = len(raws), 0
    if not force:
        keys = [(r.raw_hash, r.source_path) for r in raws]
        known = store.known_inputs(keys) | (pending & set(keys))
        skipped = sum(1 for k in keys if k in known)
        raws = [r for r, k in zip(raws, keys, strict=True) if k not in known]
    keys = [(r.raw_hash, r.source_path) for r in raws]
    return _Job(len(batch), read, skipped, raws, keys, read_errors)


def _finish(
    job: _Job,
    articles: list[Article],
    errors: list[DatelineError],
    *,
    store: Store,
    report: IngestReport,
    progress: ProgressFn | None,
) -> None:
    """Write one processed batch (errors and articles) in one transaction and count it."""
    with store.transaction():
        for error in [*job.read_errors, *errors]:
            if isinstance(error, ExtractionWarning):
                report.warnings.append(error)  # the article is stored: not a failure
                continue
            report.errors.append(error)
            store.record_error(error.path or "?", error.code, error.message)
        result = store.upsert_articles(articles)
        if result.inserted or result.updated:
            store.set_link_due("stored")  # the corpus links no longer cover every article
    report.read += job.read
    report.skipped += job.skipped
    report.inserted += result.inserted
    report.updated += result.updated
    report.unchanged += result.unchanged
    report.article_ids.extend(a.id for a in articles)
    if progress is not None:
        progress(job.size, report)


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    *,
    store: Store,
    settings: Settings,
    force: bool = False,
    progress: ProgressFn | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Read every file under `paths`, run the pipeline, and store the articles idempotently.

    `workers` is the number of processes running the pipeline: None takes `settings.workers`
    (``[pipeline] workers``, default 0); 0 means automatic, min(2, CPU count); 1 runs
    everything in this process. Worker processes start only when the input spans more than
    one batch, and the stored articles are the same whatever the number of workers.
    """
    from dateline.readers import read_paths

    return ingest_documents(
        read_paths(paths, settings=settings),
        store=store,
        settings=settings,
        force=force,
        progress=progress,
        workers=workers,
    )


def ingest_documents(
    items: Iterable[RawDocument | ReadError],
    *,
    store: Store,
    settings: Settings,
    force: bool = False,
    progress: ProgressFn | None = None,
    workers: int | None = None,
    pool: WorkerPool | None = None,
) -> IngestReport:
    """Process and store already-read documents (read errors are recorded as they come).

    `workers` as for `ingest`; a started `pool` given here is used (and left open) instead.
    """
    check_parts()  # a broken install fails here, before anything is read or stored
    pipeline = build_pipeline(settings=settings)  # checks the stage order before anything runs
    report = IngestReport()
    batches: Iterator[list[RawDocument | ReadError]] = _batches(items, settings.batch_size)
    count = pool.workers if pool is not None else resolve_workers(workers, settings)
    if pool is None and count > 1:
        head = list(itertools.islice(batches, 2))
        batches = itertools.chain(head, batches)
        if len(head) < 2:
            count = 1  # a single batch: starting processes would cost more than it saves
    if count <= 1 and pool is None:
        for batch in batches:
            job = _prepare(batch, store, force, set())
            articles, errors = process_documents(job.raws, pipeline)
            _finish(job, articles, errors, store=store, report=report, progress=progress)
        return report
    if pool is not None:
        _run_parallel(batches, pool, store=store, report=report, force=force, progress=progress)
        return report
    with WorkerPool(settings, count) as own:
        _run_parallel(batches, own, store=store, report=report, force=force, progress=progress)
    return report


def _run_parallel(
    batches: Iterable[list[RawDocument | ReadError]],
    pool: WorkerPool,
    *,
    store: Store,
    report: IngestReport,
    force: bool,
    progress: ProgressFn | None,
) -> None:
    """Keep up to 2 * workers batches in the pool; write the results back in input order."""
    inflight: deque[_Job] = deque()
    pending: set[Key] = set()  # records submitted but not yet stored: a repeat is skipped

    def finish_head() -> None:
        job = inflight.popleft()
        articles, errors = _collect(job, pool, inflight)
        pending.difference_update(job.keys)
        _finish(job, articles, errors, store=store, report=report, progress=progress)

    for batch in batches:
        job = _prepare(batch, store, force, pending)
        pending.update(job.keys)
        job.futures = _submit(pool, job.raws)
        inflight.append(job)
        while len(inflight) >= 2 * pool.workers:
            finish_head()
    while inflight:
        finish_head()


def _submit(
    pool: WorkerPool, raws: list[RawDocument]
) -> list[Future[tuple[list[Article], list[ErrorValue]]]]:
    """Hand one batch to the pool in one piece per worker, so a short run keeps all busy."""
    if not raws:
        return []
    size = -(-len(raws) // pool.workers)
    return [pool.submit(raws[i : i + size]) for i in range(0, len(raws), size)]


def _gather(
    futures: list[Future[tuple[list[Article], list[ErrorValue]]]],
) -> tuple[list[Article], list[DatelineError]]:
    """Join the pieces of one batch in input order."""
    articles: list[Article] = []
    errors: list[DatelineError] = []
    for future in futures:
        done, values = future.result()
        articles.extend(done)
        errors.extend(_from_values(values))
    # As `process_documents` over the whole batch reports them: the clean step's errors
    # (ReadError kinds) first, then the stages' (sorted is stable: input order within each).
    errors.sort(key=lambda e: not isinstance(e, ReadError))
    return articles, errors


def _collect(
    job: _Job, pool: WorkerPool, inflight: deque[_Job]
) -> tuple[list[Article], list[DatelineError]]:
    """Wait for a batch's result; if a worker died, find the batch that killed it."""
    try:
        return _gather(job.futures)
    except BrokenProcessPool:
        pass
    except Exception as exc:  # e.g. a result that cannot be pickled
        return [], [_unexpected(exc, raw) for raw in job.raws]
    # A worker process died (killed, out of memory, crashed in native code). Every batch in
    # flight is lost with it; run this one alone on fresh processes to see whether it is the
    # culprit, then resubmit the others.
    wait_futures([f for other in inflight for f in other.futures])
    pool.restart()
    try:
        result = _gather([pool.submit(job.raws)])
    except Exception:
        pool.restart()
        message = "a worker process died while processing this batch (out of memory?)"
        result = [], [PipelineError(message, path=raw.source_path) for raw in job.raws]
    for other in inflight:
        if any(f.cancelled() or f.exception() is not None for f in other.futures):
            other.futures = _submit(pool, other.raws)
    return result
