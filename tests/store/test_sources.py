"""Several sources of one text: each keeps its path, URL, outlet and date; the article takes
the earliest firm date; the report counts "another source", not "updated"."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dateline.cli import app
from dateline.ingest import ingest
from dateline.settings import Settings
from dateline.store import open_store


def test_each_source_keeps_its_own_facts(
    seeds_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    sample = sorted(seeds_dir.glob("001_*.txt"))[0].read_text(encoding="utf-8")
    assert sample.lstrip().startswith("date 2020-10-29 ")
    body = sample.lstrip()[len("date 2020-10-29 ") :]
    wire = tmp_path / "wire.jsonl"
    record = {"id": "r1", "text": body, "date": "2020-10-30", "url": "https://b.example/1"}
    wire.write_text(json.dumps(record | {"source": "Outlet B"}) + "\n", encoding="utf-8")
    header = tmp_path / "outlet_a.txt"
    header.write_text(sample, encoding="utf-8")
    undated = tmp_path / "outlet_c.txt"
    undated.write_text(body, encoding="utf-8")
    settings = settings.replace(stages=("annotate",))

    with open_store(settings.db_path) as store:
        first = ingest([wire], store=store, settings=settings, workers=1)
        assert (first.inserted, first.sourced) == (1, 0)
        [article] = list(store.iter_articles())
        assert (article.published.value, article.published.origin) == ("2020-10-30", "record")

        # The same text with an earlier firm date: another source, and it now dates the article.
        second = ingest([header], store=store, settings=settings, workers=1)
        assert (second.inserted, second.sourced, second.updated) == (0, 1, 0)
        [article] = list(store.iter_articles())
        assert (article.published.value, article.published.origin) == ("2020-10-29", "header")
        assert article.source_path == str(header)  # the article shows the source it dates by

        # An undated copy changes nothing but the list of sources.
        third = ingest([undated], store=store, settings=settings, workers=1)
        assert (third.sourced, third.updated) == (1, 0)
        # Reading a known source again is no new source.
        again = ingest([wire], store=store, settings=settings, workers=1, force=True)
        assert (again.sourced, again.updated, again.unchanged) == (0, 0, 1)
        [article] = list(store.iter_articles())
        assert article.published.value == "2020-10-29"
        sources = {Path(s["source_path"]).name: s for s in store.article_sources(article.id)}

    assert set(sources) == {"wire.jsonl#r1", "outlet_a.txt", "outlet_c.txt"}
    assert sources["wire.jsonl#r1"]["url"] == "https://b.example/1"
    assert sources["wire.jsonl#r1"]["outlet"] == "Outlet B"
    assert (
        sources["wire.jsonl#r1"]["published"],
        sources["wire.jsonl#r1"]["published_origin"],
    ) == (
        "2020-10-30",
        "record",
    )
    assert sources["outlet_a.txt"]["published"] == "2020-10-29"
    assert sources["outlet_c.txt"]["published_origin"] == "unknown"


def test_the_report_says_another_source(seeds_dir: Path, tmp_path: Path) -> None:
    sample = sorted(seeds_dir.glob("002_*.txt"))[0].read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(sample)
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-link", "-w", "1"])
    assert result.exit_code == 0, result.output
    (folder / "b.txt").write_bytes(sample)
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-link", "-w", "1"])
    assert result.exit_code == 0, result.output
    assert "read 2 documents: 0 new, 1 another source of a stored article, 0 updated" in (
        result.output
    )
    shown = runner.invoke(app, ["articles", "--json", "--db", db])
    [article] = json.loads(shown.stdout)
    detail = json.loads(runner.invoke(app, ["show", article["id"], "--json", "--db", db]).stdout)
    assert sorted(Path(s["source_path"]).name for s in detail["sources"]) == ["a.txt", "b.txt"]
