"""`dateline.ingest`: read, clean, annotate and store articles, streaming in batches.

Each batch is written in one transaction, so a run killed midway loses at most the batch in
flight, and a re-run skips every input record already stored (keyed by its raw hash).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dateline.errors import DatelineError, ReadError
from dateline.model import Article, RawDocument
from dateline.pipeline import Pipeline, build_pipeline
from dateline.pipeline.clean import clean_document
from dateline.settings import Settings
from dateline.store import Store


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

    @property
    def failed(self) -> int:
        """Return how many inputs failed."""
        return len(self.errors)


ProgressFn = Callable[[int, IngestReport], None]


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


def process_documents(
    raws: list[RawDocument], pipeline: Pipeline
) -> tuple[list[Article], list[DatelineError]]:
    """Clean and annotate raw documents; a failing document becomes an error, not a crash."""
    settings = pipeline.settings
    articles: list[Article] = []
    errors: list[DatelineError] = []
    for raw in raws:
        try:
            articles.append(clean_document(raw, settings=settings))
        except DatelineError as exc:
            errors.append(exc)
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


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    *,
    store: Store,
    settings: Settings,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Read every file under `paths`, run the pipeline, and store the articles idempotently."""
    from dateline.readers import read_paths

    pipeline = build_pipeline(settings=settings)
    report = IngestReport()
    for batch in _batches(read_paths(paths, settings=settings), settings.batch_size):
        raws = [item for item in batch if isinstance(item, RawDocument)]
        for item in batch:
            if isinstance(item, ReadError):
                report.errors.append(item)
                store.record_error(item.path or "?", item.code, item.message)
        report.read += len(raws)
        if not force:
            known = store.known_inputs([(r.raw_hash, r.source_path) for r in raws])
            report.skipped += sum(1 for r in raws if (r.raw_hash, r.source_path) in known)
            raws = [r for r in raws if (r.raw_hash, r.source_path) not in known]
        articles, errors = process_documents(raws, pipeline)
        for error in errors:
            report.errors.append(error)
            store.record_error(error.path or "?", error.code, error.message)
        result = store.upsert_articles(articles)
        report.inserted += result.inserted
        report.updated += result.updated
        report.unchanged += result.unchanged
        report.article_ids.extend(a.id for a in articles)
        if progress is not None:
            progress(len(batch), report)
    return report
