"""Scale-out on Apache Spark: the per-article stages and copy detection as Spark jobs.

`run_spark` (``dateline spark-run``) lists the input files on the driver and hands the paths to
Spark; each task reads its files with the ordinary readers (a JSONL or WARC file yields many
records), the records are spread over `partitions` partitions, and ``mapPartitions`` cleans
and annotates them with `dateline.ingest.process_documents`, building the pipeline (and so
loading the spaCy model) once per partition (once per Python worker, which Spark reuses).
Reading inside tasks keeps the raw text off the driver and spreads the reading (a big WARC
file is one task, but its records are repartitioned before the stages); it needs the input
paths to be readable from every executor under the same name (local mode, or a shared file
system mounted alike on a cluster; give absolute paths there), and OUT to be a path `load`
can read with pyarrow.

Every record keeps its place in the input, ``(file_no, record_no)``: the file's position in
the sorted listing and the item's position among what the reader yielded for it, so
`load_output` can store articles in exactly the order a local ``dateline ingest`` would. A
record that cannot be read, cleaned or annotated, whatever the exception, becomes a row of the
``errors`` output naming its record id (``FILE#N``); the job goes on.

Copies: every article's MinHash signature is cut into the bands of the local LSH index
(`dateline.link.dedup.band_keys`); a group-by on (band, key) gives the candidate pairs, which
are confirmed on exact shingle sets with the local rule (`confirm_copy`), so the links equal
`find_copies` on the same articles. Confirmed links are few (about one per copied article),
so they are collected and grouped into connected components on the driver with the local
union-find; candidate generation and confirmation stay in Spark.

Output (Parquet, written by Spark): ``OUT/articles`` (file_no, record_no, id, source_path,
raw_hash, data = the article's JSON), ``OUT/errors`` (file_no, record_no, source_path, raw_hash,
code, message), ``OUT/copies`` (a, b, kind, score, evidence) and ``OUT/copy_groups`` (id,
members, score, evidence). ``dateline load OUT`` stores the articles and errors as ingest
would, then runs `dateline.link.run.link_corpus` (same-event groups, threads, dates from twins,
identities, event records) with the copy links Spark found when the store holds exactly the
run's articles (otherwise copies are found again over the whole store).

pyspark is imported inside functions only, so dateline imports without it.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import shutil
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dateline.errors import DatelineError, ExtractionWarning, MissingDependency, PipelineError
from dateline.ingest import process_guarded
from dateline.link.dedup import band_keys, confirm_copy, shingles, signature
from dateline.link.run import copy_groups
from dateline.model import Article, ArticleLink, Group, RawDocument, from_dict, to_dict
from dateline.pipeline import Pipeline, build_pipeline
from dateline.readers._bytes import content_hash
from dateline.settings import Settings
from dateline.store import Store

INSTALL_HINT = "install it with: pip install 'dateline[spark]' (or: pip install pyspark)"
JAVA_HINT = "Spark needs Java 17: apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME)"

# Output tables and their columns, in order.
ARTICLE_COLUMNS = ("file_no", "record_no", "id", "source_path", "raw_hash", "data")
ERROR_COLUMNS = ("file_no", "record_no", "source_path", "raw_hash", "code", "message")
COPY_COLUMNS = ("a", "b", "kind", "score", "evidence")
GROUP_COLUMNS = ("id", "members", "score", "evidence")

# Items flowing through the jobs: ("raw", file_no, record_no, RawDocument dict) before the
# stages; ("article", *ARTICLE_COLUMNS values) and ("error", *ERROR_COLUMNS values) after.
Item = tuple[Any, ...]


def require_pyspark() -> Any:
    """Return the pyspark module, or raise MissingDependency with the install command."""
    try:
        import pyspark
    except ImportError as exc:
        raise MissingDependency(f"the Spark commands need pyspark; {INSTALL_HINT}") from exc
    return pyspark


def spark_session(master: str = "local[2]", *, partitions: int | None = None) -> Any:
    """Start (or join) a SparkSession set up for dateline; small settings for local runs."""
    require_pyspark()
    if master.startswith("local") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise MissingDependency(JAVA_HINT)
    builder = (
        _session_class()
        .builder.master(master)
        .appName("dateline")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions or 8))
        .config("spark.python.worker.reuse", "true")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.memory", "2g")
        # The Python workers must run this interpreter, so they import the same installed
        # dateline and its dependencies (a venv's, not the system python3). pyspark 4 starts
        # them with $PYSPARK_PYTHON, read when the context starts; `spark.pyspark.python`
        # alone is not enough.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    try:
        with _quiet():
            session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: usually no (suitable) Java
        raise MissingDependency(f"cannot start Spark ({exc}); {JAVA_HINT}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def active_session() -> Any:
    """Return the SparkSession already running in this process, or None."""
    return _session_class().getActiveSession()


def _session_class() -> Any:
    require_pyspark()
    with _quiet():
        from pyspark.sql import SparkSession
    return SparkSession


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence pyspark's warning about pandas 3 (its test helpers check it; we use no pandas)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        yield


# -- per-partition work (runs in the executors; plain Python, no Spark objects) ----------------


def read_files(settings: Settings, files: Iterable[tuple[int, str]]) -> Iterator[Item]:
    """Read numbered files as `read_paths` would: raw-document items and error items."""
    from dateline.readers import read_file

    for file_no, name in files:
        path = Path(name)
        if not path.exists():
            yield ("error", file_no, 0, name, None, "DL010", "no such file or folder")
            continue
        if path.is_dir():
            continue
        record_no = -1
        try:
            for record_no, item in enumerate(read_file(path, settings=settings)):
                if isinstance(item, DatelineError):
                    yield _error_item(file_no, record_no, item, item.path or name, None)
                else:
                    yield ("raw", file_no, record_no, to_dict(item))
        except Exception as exc:  # a reader bug must not end the job: the rest of the file is lost
            where = record_no + 1
            yield ("error", file_no, where, name, None, PipelineError.code, _unexpected(exc))


def process_partition(settings: Settings, items: Iterable[Item]) -> Iterator[Item]:
    """Clean and annotate one partition's raw items in batches; pass error items through."""
    pipeline = build_pipeline(settings=settings)  # once per partition
    size = max(1, settings.batch_size)
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield from process_chunk(chunk, pipeline)


def process_chunk(chunk: Sequence[Item], pipeline: Pipeline) -> Iterator[Item]:
    """Process one batch of items; every failing record comes back as an error item."""
    raws: list[RawDocument] = []
    places: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for item in chunk:
        if item[0] != "raw":
            yield item
            continue
        _, file_no, record_no, data = item
        try:
            raw = from_dict(RawDocument, data)
            key = (raw.raw_hash, raw.source_path)
        except Exception as exc:
            where = data.get("source_path") if isinstance(data, dict) else None
            yield ("error", file_no, record_no, str(where or f"#{file_no}.{record_no}"), None,
                   PipelineError.code, _unexpected(exc))  # fmt: skip
            continue
        raws.append(raw)
        places.setdefault(key, []).append((file_no, record_no))
    articles, errors = process_guarded(raws, pipeline, where="a Spark task")
    # DL017 warnings concern articles that were kept: they are not error rows.
    errors = [e for e in errors if not isinstance(e, ExtractionWarning)]
    for article in articles:
        file_no, record_no = places[(article.raw_hash or "", article.source_path)].pop(0)
        data = json.dumps(to_dict(replace(article, doc=None)), ensure_ascii=False)
        yield ("article", file_no, record_no, article.id, article.source_path, article.raw_hash,
               data)  # fmt: skip
    # What is left in `places` are the records that failed: match each error by its path.
    failed: dict[str, list[tuple[int, int, str | None]]] = {}
    for (key_hash, source_path), where in places.items():
        failed.setdefault(source_path, []).extend((f, r, key_hash) for f, r in where)
    for error in errors:
        path = error.path or "?"
        queue = failed.get(path) or next((q for q in failed.values() if q), None)
        file_no, record_no, raw_hash = queue.pop(0) if queue else (0, 0, None)
        yield _error_item(file_no, record_no, error, path, raw_hash)


def _unexpected(exc: BaseException) -> str:
    return f"unexpected {type(exc).__name__} in a Spark task: {exc}"


def _error_item(
    file_no: int, record_no: int, error: DatelineError, path: str, raw_hash: str | None
) -> Item:
    return ("error", file_no, record_no, path, raw_hash, error.code, error.message)


# A text entry: (text key, (sorted ids of the articles with this text, the text)). Articles
# with one text (retitled copies) are one entry for the LSH step, so a story retitled k times
# costs one bucket member, not k (the k * (k - 1) / 2 links among them are output anyway).
Entry = tuple[str, tuple[list[str], str]]


def text_entry(key: str, members: Iterable[tuple[str, str]]) -> Entry:
    """Collapse the (id, text) pairs sharing one text into one entry."""
    pairs = sorted(members)
    return key, ([article_id for article_id, _ in pairs], pairs[0][1])


def candidate_pairs(entry: Entry) -> list[tuple[tuple[int, str], str]]:
    """The (band key, text key) rows of one text entry: the rows of the LSH group-by."""
    key, (_, text) = entry
    return [(band, key) for band in band_keys(signature(text))]


def bucket_pairs(bucket: tuple[Any, Iterable[str]]) -> list[tuple[str, str]]:
    """Every pair (a < b) of distinct keys sharing one band key."""
    keys = sorted(set(bucket[1]))
    return list(itertools.combinations(keys, 2))


def same_text_rows(entry: Entry) -> list[tuple[Any, ...]]:
    """The copy rows among articles with one text (none when the text has no words)."""
    _, (ids, text) = entry
    if len(ids) < 2:
        return []
    words = shingles(text)
    links = (confirm_copy(a, b, words, words) for a, b in itertools.combinations(ids, 2))
    return [link_row(link) for link in links if link is not None]


def confirm_rows(
    joined: tuple[str, tuple[tuple[str, tuple[list[str], str]], tuple[list[str], str]]],
) -> list[tuple[Any, ...]]:
    """Confirm one candidate pair of entries; a copy row for every pair of their articles."""
    _, ((_, (ids_a, text_a)), (ids_b, text_b)) = joined
    link = confirm_copy(ids_a[0], ids_b[0], shingles(text_a), shingles(text_b))
    if link is None:
        return []
    rows = []
    for x in ids_a:
        for y in ids_b:
            a, b = (x, y) if x < y else (y, x)
            rows.append(link_row(replace(link, a=a, b=b)))
    return rows


def link_row(link: ArticleLink) -> tuple[str, str, str, float, list[str]]:
    """An ArticleLink as a row of the copies output."""
    return (link.a, link.b, link.kind, float(link.score), list(link.evidence))


# -- the driver ----------------------------------------------------------------------------------


@dataclass(slots=True)
class SparkReport:
    """What a Spark run wrote."""

    out: str
    files: int = 0
    articles: int = 0  # article rows (one per input record that made an article)
    copies: int = 0
    copy_groups: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Return how many input records (or files) failed."""
        return len(self.errors)


def run_spark(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    settings: Settings,
    spark: Any = None,
    master: str = "local[2]",
    partitions: int | None = None,
) -> SparkReport:
    """Read, clean, annotate and find copies on Spark; write Parquet tables under `out`.

    `spark` is an existing SparkSession to use (left running); without one, a session for
    `master` is started and stopped at the end.
    """
    from dateline.readers import iter_files

    build_pipeline(settings=settings)  # a wrong stage list fails here, not in every task
    files = [str(p) for p in iter_files(paths, settings=settings)]
    if spark is None:
        spark = active_session()  # e.g. a notebook's or a test's session: used, left running
    own = spark is None
    session = spark if spark is not None else spark_session(master, partitions=partitions)
    try:
        return _run(session, files, Path(out), settings, partitions)
    finally:
        if own:
            session.stop()


def _run(
    spark: Any, files: list[str], out: Path, settings: Settings, partitions: int | None
) -> SparkReport:
    from pyspark import StorageLevel

    sc = spark.sparkContext
    parts = partitions or 2 * sc.defaultParallelism
    numbered = list(enumerate(files))
    raw = sc.parallelize(numbered, max(1, min(len(numbered), parts))).mapPartitions(
        functools.partial(read_files, settings)
    )
    items = raw.repartition(parts).mapPartitions(functools.partial(process_partition, settings))
    items = items.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        report = process_items(spark, items, out)
    finally:
        items.unpersist()
    report.files = len(files)
    return report


def process_items(spark: Any, items: Any, out: Path) -> SparkReport:
    """Write the processed items (an RDD of article and error items) and their copies."""
    from pyspark import StorageLevel
    from pyspark.sql import types as T

    out.mkdir(parents=True, exist_ok=True)
    text_type, long_type = T.StringType(), T.LongType()
    article_schema = T.StructType(
        [T.StructField(n, long_type if n.endswith("_no") else text_type) for n in ARTICLE_COLUMNS]
    )
    error_schema = T.StructType(
        [T.StructField(n, long_type if n.endswith("_no") else text_type) for n in ERROR_COLUMNS]
    )
    articles = items.filter(lambda item: item[0] == "article").map(lambda item: item[1:])
    errors = items.filter(lambda item: item[0] == "error").map(lambda item: item[1:])
    spark.createDataFrame(articles, article_schema).write.mode("overwrite").parquet(
        str(out / "articles")
    )
    spark.createDataFrame(errors, error_schema).write.mode("overwrite").parquet(str(out / "errors"))
    error_rows = [dict(zip(ERROR_COLUMNS, row, strict=True)) for row in errors.collect()]

    # Copies: one text per article id (the id is a hash of the text, so any copy will do),
    # then one entry per distinct text.
    texts = articles.map(lambda row: (row[2], json.loads(row[5])["text"])).reduceByKey(
        lambda first, _: first
    )
    entries = (
        texts.map(lambda pair: (content_hash(pair[1]), pair))
        .groupByKey()
        .map(lambda group: text_entry(group[0], group[1]))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    pairs = entries.flatMap(candidate_pairs).groupByKey().flatMap(bucket_pairs).distinct()
    joined = (
        pairs.join(entries)  # (key a, (key b, entry a))
        .map(lambda x: (x[1][0], (x[0], x[1][1])))
        .join(entries)  # (key b, ((key a, entry a), entry b))
    )
    rows = joined.flatMap(confirm_rows).union(entries.flatMap(same_text_rows)).collect()
    entries.unpersist()
    links = sorted(
        (ArticleLink(a, b, kind, score, tuple(ev)) for a, b, kind, score, ev in rows),
        key=lambda x: (x.a, x.b),
    )
    groups = copy_groups(links)
    copy_schema = T.StructType(
        [
            T.StructField("a", text_type),
            T.StructField("b", text_type),
            T.StructField("kind", text_type),
            T.StructField("score", T.DoubleType()),
            T.StructField("evidence", T.ArrayType(text_type)),
        ]
    )
    group_schema = T.StructType(
        [
            T.StructField("id", text_type),
            T.StructField("members", T.ArrayType(text_type)),
            T.StructField("score", T.DoubleType()),
            T.StructField("evidence", T.ArrayType(text_type)),
        ]
    )
    spark.createDataFrame([link_row(x) for x in links], copy_schema).coalesce(1).write.mode(
        "overwrite"
    ).parquet(str(out / "copies"))
    group_rows = [(g.id, list(g.members), float(g.score), list(g.evidence)) for g in groups]
    spark.createDataFrame(group_rows, group_schema).coalesce(1).write.mode("overwrite").parquet(
        str(out / "copy_groups")
    )
    return SparkReport(
        out=str(out),
        articles=articles.count(),
        copies=len(links),
        copy_groups=len(groups),
        errors=sorted(error_rows, key=lambda r: (r["file_no"], r["record_no"])),
    )


# -- reading the output back and loading it into a store (no Spark needed) ----------------------


def read_table(out: str | os.PathLike[str], name: str) -> list[dict[str, Any]]:
    """Return the rows of one output table (empty when the table is absent)."""
    import pyarrow.parquet as pq

    path = Path(out) / name
    if not path.exists():
        return []
    return list(pq.read_table(path).to_pylist())


def read_links(out: str | os.PathLike[str]) -> list[ArticleLink]:
    """The copy links a Spark run found, sorted by (a, b)."""
    links = [
        ArticleLink(r["a"], r["b"], r["kind"], r["score"], tuple(r["evidence"] or ()))
        for r in read_table(out, "copies")
    ]
    return sorted(links, key=lambda x: (x.a, x.b))


def read_copy_groups(out: str | os.PathLike[str]) -> list[Group]:
    """The copy groups a Spark run found, sorted by id."""
    groups = [
        Group(r["id"], "copy", tuple(r["members"]), r["score"], tuple(r["evidence"] or ()))
        for r in read_table(out, "copy_groups")
    ]
    return sorted(groups, key=lambda g: g.id)


@dataclass(slots=True)
class LoadReport:
    """What `load_output` stored."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    linked: Any = None  # the LinkReport when the corpus was linked
    copies_from_spark: bool = False  # the corpus was linked with the copies Spark found


def check_output(out: str | os.PathLike[str]) -> None:
    """Raise PipelineError unless `out` holds a `spark-run` output."""
    if not (Path(out) / "articles").exists():
        raise PipelineError("no Spark output here (no articles table)", path=str(out))


def load_output(
    out: str | os.PathLike[str],
    *,
    store: Store,
    settings: Settings,
    force: bool = False,
    link: bool = True,
) -> LoadReport:
    """Store a Spark run's articles and errors as `ingest` would, then link the corpus."""
    check_output(out)
    rows = [("article", r) for r in read_table(out, "articles")]
    rows += [("error", r) for r in read_table(out, "errors")]
    rows.sort(key=lambda x: (x[1]["file_no"], x[1]["record_no"]))
    report = LoadReport()
    size = max(1, settings.batch_size)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        keys = [(r["raw_hash"], r["source_path"]) for _, r in chunk if r["raw_hash"] is not None]
        known = set() if force else store.known_inputs(keys)
        articles: list[Article] = []
        with store.transaction():
            for kind, row in chunk:
                if (row["raw_hash"], row["source_path"]) in known:
                    report.skipped += 1
                    continue
                if kind == "error":
                    report.errors += 1
                    store.record_error(row["source_path"] or "?", row["code"], row["message"])
                else:
                    articles.append(from_dict(Article, json.loads(row["data"])))
            result = store.upsert_articles(articles)
            if result.inserted or result.updated:
                store.set_link_due("stored")
        report.read += sum(1 for kind, r in chunk if kind == "article" or r["raw_hash"])
        report.inserted += result.inserted
        report.updated += result.updated
        report.unchanged += result.unchanged
    if link and (report.inserted or report.updated or store.link_due()):
        from dateline.link.run import link_corpus

        ids = {r["id"] for kind, r in rows if kind == "article"}
        if store.count_articles() == len(ids):
            # The store holds exactly this run's articles: Spark's copy links are the corpus's.
            report.linked = link_corpus(store, settings=settings, copies=read_links(out))
            report.copies_from_spark = True
        else:
            report.linked = link_corpus(store, settings=settings)
    return report


__all__ = [
    "ARTICLE_COLUMNS",
    "COPY_COLUMNS",
    "ERROR_COLUMNS",
    "GROUP_COLUMNS",
    "LoadReport",
    "SparkReport",
    "active_session",
    "check_output",
    "copy_groups",
    "load_output",
    "process_chunk",
    "process_partition",
    "read_copy_groups",
    "read_files",
    "read_links",
    "read_table",
    "require_pyspark",
    "run_spark",
    "spark_session",
]
