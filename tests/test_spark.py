"""Spark scale-out: `spark-run` + `load` store exactly what a local `ingest` + link stores.

One local[2] SparkSession serves the whole module. The samples (and the bundled examples) go
through the full pipeline; the synthetic corpus of a few thousand articles through the clean
step only (spaCy over thousands of articles, twice, would not fit the time budget), which
still exercises reading, partitioning, copies at scale, same-event groups, threads and dates.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dateline import spark as dspark
from dateline.errors import MissingDependency
from dateline.ingest import ingest
from dateline.link.dedup import band_keys, find_copies, signature
from dateline.link.run import link_corpus
from dateline.model import Article, RawDocument, to_dict
from dateline.pipeline import build_pipeline
from dateline.settings import Settings
from dateline.store import open_store
from dateline.store.entities import load_entities
from dateline.store.events import load_event_records
from dateline.store.groups import load_groups, load_links

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'dateline[spark]'")
if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
    pytest.skip("Spark needs Java (no java on PATH, no JAVA_HOME)", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One small local Spark session for the module, stopped at the end."""
    session = dspark.spark_session("local[2]", partitions=4)
    yield session
    session.stop()


# -- helpers --------------------------------------------------------------------------------------


def _local(paths: list[Path], settings: Settings, db: Path) -> None:
    """What `dateline ingest PATHS` stores (ingest, then link)."""
    with open_store(db) as store:
        ingest(paths, store=store, settings=settings)
        link_corpus(store, settings=settings)


def _via_spark(
    spark: Any, paths: list[Path], settings: Settings, out: Path, db: Path, partitions: int = 4
) -> tuple[dspark.SparkReport, dspark.LoadReport]:
    """What `dateline spark-run PATHS --out OUT` + `dateline load OUT` store."""
    report = dspark.run_spark(paths, out, settings=settings, spark=spark, partitions=partitions)
    with open_store(db) as store:
        loaded = dspark.load_output(out, store=store, settings=settings)
    return report, loaded


def _stored(db: Path) -> dict[str, Any]:
    """Everything a run leaves in a database that a user can see."""
    with open_store(db) as store:
        found = {
            "articles": sorted((to_dict(a) for a in store.iter_articles()), key=lambda a: a["id"]),
            "groups": [to_dict(g) for g in load_groups(store)],
            "links": [to_dict(x) for x in load_links(store)],
            "events": sorted(
                (to_dict(r) for r in load_event_records(store)), key=lambda r: r["id"]
            ),
            "entities": sorted((to_dict(e) for e in load_entities(store)), key=lambda e: e["id"]),
        }
    with sqlite3.connect(db) as conn:
        found["sources"] = conn.execute(
            "SELECT raw_hash, article_id, source_path, url, outlet FROM article_sources "
            "ORDER BY source_path, raw_hash"
        ).fetchall()
        found["errors"] = conn.execute(
            "SELECT source_path, code, message FROM ingest_errors ORDER BY 1"
        ).fetchall()
    return found


def _assert_same(local: dict[str, Any], spark: dict[str, Any]) -> None:
    for key in local:
        assert local[key] == spark[key], f"{key} differ between the local and the Spark run"


def _copy_groups(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [g for g in found["groups"] if g["kind"] == "copy"]


# -- the synthetic corpus -----------------------------------------------------------------------

FIRST = "Amara Bertil Corvin Dalia Esko Farah Goran Helka Ilias Jorun Kasim Liora Matvei".split()
LAST = "Aldane Brekov Castellan Dorsey Ekwueme Falkner Grisanti Holmqvist Ivanchuk Jandali".split()
ROLES = ["Foreign Minister", "Prime Minister", "President", "Defence Minister", "envoy"]
PLACES = "Valdora Kesh Amsel Tarsana Nahrabad Ostrava Lindmark Zarun Belmarsh Quillon".split()
LANDS = ["Norland", "Estavia", "Morvania", "Karesh", "Dalmoria", "Veltria", "Ostria"]
TOPICS = [
    "water sharing along the river", "a new rail corridor", "the return of refugees",
    "grain exports through the port", "a border crossing", "electricity prices",
    "the fishing quota", "a ceasefire in the hills", "customs duties on steel",
    "a joint vaccine plant", "airspace rules", "a debt restructuring plan",
]  # fmt: skip
VERBS = ["met", "received", "held talks with", "spoke by phone with", "hosted"]
CUES = ["said", "told reporters", "stressed", "announced", "warned"]
OUTLETS = ["Meridian Post", "Eastern Courier", "Riverlands Monitor", "Harbour Ledger"]
CROWD = "officials delegates analysts residents farmers traders engineers observers".split()
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _paragraph(rng: random.Random, ev: dict[str, Any]) -> str:
    speaker = rng.choice([ev["actor"], ev["host"]])
    kind = rng.randrange(4)
    if kind == 0:
        return (
            f"{speaker} {rng.choice(CUES)} that {rng.choice(CROWD)} in {rng.choice(PLACES)} "
            f"expected {ev['number'] + rng.randint(0, 99)} {rng.choice(CROWD)} to benefit from "
            f"{ev['topic']} by {rng.choice(['spring', 'summer', 'autumn', 'winter'])}."
        )
    if kind == 1:
        return (
            f"The two sides agreed to meet again in {rng.choice(PLACES)} next "
            f"{rng.choice(['month', 'week', 'year'])}, according to {rng.choice(OUTLETS)}, while "
            f"{rng.choice(CROWD)} from {rng.choice(LANDS)} "
            f"{rng.choice(['watched', 'criticised', 'welcomed'])} the "
            f"{rng.choice(['plan', 'talks', 'deal'])}."
        )
    if kind == 2:
        return (
            f"{ev['hland']} {rng.choice(CROWD)} have {rng.choice(['long', 'often', 'repeatedly'])} "
            f"{rng.choice(['asked for', 'opposed', 'debated'])} {rng.choice(TOPICS)} since "
            f"{rng.randint(1990, 2019)}, a {rng.choice(CROWD)[:-1]} in {rng.choice(PLACES)} said."
        )
    return (
        f'"We {rng.choice(["will", "must", "cannot"])} '
        f'{rng.choice(["wait", "fail", "move forward"])} on {ev["topic"]}," {speaker} '
        f"{rng.choice(CUES)} after {rng.choice(['the meeting', 'the talks', 'the call'])} with "
        f"{rng.choice(CROWD)} from {rng.choice(LANDS)}."
    )


def _article(rng: random.Random, ev: dict[str, Any]) -> tuple[str, str]:
    lead = (
        f"{ev['aland']}n {ev['arole']} {ev['actor']} {rng.choice(VERBS)} {ev['hland']}n "
        f"{ev['hrole']} {ev['host']} in {ev['place']} on {rng.choice(DAYS)} to discuss "
        f"{ev['topic']}."
    )
    paragraphs = [lead, *(_paragraph(rng, ev) for _ in range(rng.randint(2, 4)))]
    title = f"{ev['actor'].split()[1]} and {ev['host'].split()[1]} discuss {ev['topic']}"
    return f"{title} in {ev['place']}", "\n\n".join(paragraphs)


def synthetic_corpus(path: Path, events: int, seed: int = 11) -> int:
    """Write a JSONL corpus: 1-3 reports per event, with exact, wire and retitled copies."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for _ in range(events):
        ev = {
            "actor": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "host": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "arole": rng.choice(ROLES),
            "hrole": rng.choice(ROLES),
            "aland": rng.choice(LANDS),
            "hland": rng.choice(LANDS),
            "place": rng.choice(PLACES),
            "topic": rng.choice(TOPICS),
            "day": f"202{rng.randint(0, 3)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "number": rng.randint(2, 900) * 10,
        }
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            title, text = _article(rng, ev)
            n = len(records)
            record = {"id": f"s{n}", "title": title, "text": text, "source": rng.choice(OUTLETS)}
            record["url"] = f"https://news.example/{n}"
            if rng.random() < 0.75:
                record["date"] = ev["day"]
            records.append(record)
            roll, n = rng.random(), len(records)
            if roll < 0.08:  # the same article from another source: one article, two sources
                records.append(record | {"id": f"s{n}", "url": f"https://copy.example/{n}"})
            elif roll < 0.16:  # a wire copy with one more paragraph: a near copy
                extra = f"This report was updated by {rng.choice(OUTLETS)} staff on day {n}."
                records.append(
                    record
                    | {"id": f"s{n}", "title": "Update: " + title, "text": text + "\n\n" + extra}
                )
            elif roll < 0.2:  # the same text, another headline, undated: an exact copy
                undated = {k: v for k, v in record.items() if k != "date"}
                records.append(undated | {"id": f"s{n}", "title": title.upper()})
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")
    return len(records)


# -- tests -----------------------------------------------------------------------------------------


def test_python_workers_run_the_drivers_interpreter(spark: Any) -> None:
    """In a venv the workers must start the venv's python, not the system python3 (which has
    none of dateline's packages): pyspark 4 reads PYSPARK_PYTHON, not spark.pyspark.python."""
    # A lambda travels by value (a function of this module would need `tests` importable).
    probe = lambda _: (  # noqa: E731
        __import__("sys").executable,
        all(__import__("importlib.util").util.find_spec(m) for m in ("dateline", "ftfy", "spacy")),
    )
    seen = spark.sparkContext.parallelize(range(4), 2).map(probe).collect()
    # The driver's interpreter, unless the user chose one with PYSPARK_PYTHON.
    assert set(seen) == {(os.environ.get("PYSPARK_PYTHON", sys.executable), True)}


def test_band_keys_give_exactly_the_lsh_candidates(tmp_path: Path) -> None:
    """Grouping by the LSH bands (what Spark does) finds the pairs the local LSH index finds."""
    from datasketch import MinHashLSH

    synthetic_corpus(tmp_path / "s.jsonl", 150, seed=3)
    records = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    texts = {r["id"]: r["text"] for r in records}
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    signatures = {key: signature(text) for key, text in texts.items()}
    for key, sig in signatures.items():
        lsh.insert(key, sig)
    queried = {tuple(sorted((k, o))) for k in texts for o in lsh.query(signatures[k]) if o != k}
    buckets: dict[tuple[int, str], set[str]] = defaultdict(set)
    for key, sig in signatures.items():
        for band in band_keys(sig):
            buckets[band].add(key)
    banded = {(a, b) for ids in buckets.values() for a in ids for b in ids if a < b}
    assert len(queried) > 20 and banded == queried
    articles = [Article(id=k, text=t, source_path=k) for k, t in texts.items()]
    links = find_copies(articles)
    assert links and {(x.a, x.b) for x in links} <= queried


def test_spark_run_equals_local_run_on_the_samples(
    spark: Any, seeds_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    paths = [seeds_dir, EXAMPLES]
    _local(paths, settings, tmp_path / "local.db")
    report, loaded = _via_spark(spark, paths, settings, tmp_path / "out", tmp_path / "spark.db")
    assert report.failed == 0 and report.articles >= 15
    assert loaded.inserted == report.articles and loaded.copies_from_spark is True
    local, spark_found = _stored(tmp_path / "local.db"), _stored(tmp_path / "spark.db")
    _assert_same(local, spark_found)
    assert len(local["events"]) > 10 and len(local["entities"]) > 20
    assert any(g["kind"] == "same-event" for g in local["groups"])
    # The copy groups Spark found (MinHash bands as a group-by) are the local ones.
    assert [to_dict(g) for g in dspark.read_copy_groups(tmp_path / "out")] == _copy_groups(local)
    assert _copy_groups(local)


def test_spark_run_equals_local_run_on_a_synthetic_corpus(
    spark: Any, settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus" / "synthetic.jsonl"
    corpus.parent.mkdir()
    count = synthetic_corpus(corpus, 1100)
    assert 2000 <= count <= 3500
    cheap = settings.replace(stages=())  # the clean step only: no spaCy
    _local([corpus.parent], cheap, tmp_path / "local.db")
    report, loaded = _via_spark(
        spark, [corpus.parent], cheap, tmp_path / "out", tmp_path / "spark.db", partitions=6
    )
    assert report.failed == 0 and report.articles == count
    assert loaded.copies_from_spark is True
    local, spark_found = _stored(tmp_path / "local.db"), _stored(tmp_path / "spark.db")
    _assert_same(local, spark_found)
    kinds = defaultdict(int)
    for group in local["groups"]:
        kinds[group["kind"]] += 1
    assert kinds["copy"] > 100 and kinds["same-event"] > 100
    assert len(local["sources"]) > len(local["articles"])  # exact copies: one article, 2 sources
    assert any(a["published"]["origin"] == "inferred-from-twin" for a in local["articles"])
    assert [to_dict(g) for g in dspark.read_copy_groups(tmp_path / "out")] == _copy_groups(local)


def _crawl(text: str) -> bytes:
    """A gzipped WARC with one article page and one page without article text."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    pages = {
        "https://news.example/kesh": f"<html><head><title>Talks in Kesh</title></head><body>"
        f"<article><h1>Talks in Kesh</h1><p>{text}</p><p>Both sides will meet again.</p>"
        "</article></body></html>",
        "https://news.example/menu": "<html><head><title>Menu</title></head><body><nav>"
        "<a href='/'>Home</a></nav></body></html>",
    }
    for url, page in pages.items():
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = io.BytesIO(page.encode())
        writer.write_record(
            writer.create_warc_record(url, "response", payload=body, http_headers=headers)
        )
    return buf.getvalue()


def test_a_bad_record_is_reported_by_id_and_the_job_finishes(
    spark: Any, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = {"text": "Envoy Amara Dorsey met officials in Kesh on Monday to discuss grain."}
    lines = [
        json.dumps(good | {"id": "ok-1"}),
        json.dumps({"id": "debris-only", "text": "Show More"}),  # nothing left after cleaning
        "{not json",
        json.dumps(good | {"id": "ok-2", "text": good["text"] + " Talks go on."}),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    warc = folder / "crawl.warc.gz"
    warc.write_bytes(_crawl(good["text"]))
    cheap = settings.replace(stages=())
    report, loaded = _via_spark(spark, [folder], cheap, tmp_path / "out", tmp_path / "spark.db")
    assert report.articles == 3
    failed = {row["source_path"]: row["code"] for row in report.errors}
    in_warc = [path for path in failed if path.startswith(f"{warc}#urn:uuid:")]
    assert len(in_warc) == 1  # the page with no article text, named by its WARC record id
    feed = str(folder / "feed.jsonl")
    assert failed == {
        f"{feed}#debris-only": "DL011",
        f"{feed}#3": "DL015",
        str(folder / "photo.txt"): "DL012",
        in_warc[0]: "DL011",
    }
    assert loaded.inserted == 3 and loaded.errors == 4
    _local([folder], cheap, tmp_path / "local.db")
    _assert_same(_stored(tmp_path / "local.db"), _stored(tmp_path / "spark.db"))

    # A record no reader would make (the text is not a string) breaks its stage with an
    # unexpected exception inside the partition: it becomes an error row, its batch goes on.
    raws = [
        ("raw", 0, 0, to_dict(RawDocument("a.jsonl#1", "h1", text=good["text"]))),
        ("raw", 0, 1, {"source_path": "a.jsonl#broken", "raw_hash": "h2", "text": 12345}),
        ("raw", 0, 2, ["not", "a", "record"]),
        ("raw", 0, 3, to_dict(RawDocument("a.jsonl#4", "h4", text="Talks went on in Kesh."))),
    ]
    partition = functools.partial(dspark.process_partition, settings)
    rows = spark.sparkContext.parallelize(raws, 2).mapPartitions(partition).collect()
    articles = sorted(row[4] for row in rows if row[0] == "article")
    errors = {row[3]: (row[5], row[6]) for row in rows if row[0] == "error"}
    assert articles == ["a.jsonl#1", "a.jsonl#4"]
    assert set(errors) == {"a.jsonl#broken", "#0.2"}
    assert errors["a.jsonl#broken"][0] == "DL020" and "TypeError" in errors["a.jsonl#broken"][1]
    assert all("unexpected" in message for _, message in errors.values())


def test_spark_run_and_load_commands(spark: Any, tmp_path: Path) -> None:
    import dateline.cli.spark  # noqa: F401  (registers the commands)
    from dateline.cli import app

    runner = CliRunner()
    out, db = tmp_path / "out", tmp_path / "cli.db"
    ran = runner.invoke(app, ["spark-run", str(EXAMPLES), "--out", str(out), "--partitions", "2"])
    assert ran.exit_code == 0, ran.output
    assert "0 failed" in ran.output and (out / "articles").is_dir()
    loaded = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert "0 errors recorded" in loaded.output and "grouped:" in loaded.output
    again = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert again.exit_code == 0 and " 0 new" in again.output and "already stored" in again.output
    assert spark.sparkContext._jsc is not None  # the module's session was joined, not stopped
    missing = runner.invoke(app, ["load", str(tmp_path / "nothing"), "--db", str(db)])
    assert missing.exit_code == 1 and "DL020" in missing.output


def test_process_chunk_needs_no_spark(settings: Settings) -> None:
    """process_chunk works on plain values: the per-article functions stay engine-free."""
    pipeline = build_pipeline((), settings=settings)
    raw = RawDocument("x.txt", "h", text="Envoy met officials in Kesh on Monday.")
    rows = list(dspark.process_chunk([("raw", 1, 2, to_dict(raw))], pipeline))
    assert [row[:5] for row in rows] == [("article", 1, 2, rows[0][3], "x.txt")]
    assert json.loads(rows[0][6])["text"] == raw.text


def test_dateline_imports_without_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import dateline.spark, dateline.cli.spark\n"
        "from dateline.errors import MissingDependency\n"
        "try:\n    dateline.spark.require_pyspark()\n"
        "except MissingDependency as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "[DL002]" in done.stdout and "pip install" in done.stdout
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependency, match="pyspark"):
        dspark.spark_session()
