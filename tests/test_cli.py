"""The command line, in-process: ingest, articles --json, show."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import dateline
from dateline.cli import app

runner = CliRunner()


def test_articles_json_on_the_samples(seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    ingested = runner.invoke(app, ["ingest", str(seeds_dir), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    assert "5 new" in ingested.output and "0 failed" in ingested.output
    listed = runner.invoke(app, ["articles", "--db", db, "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert len(rows) == 5
    required = {"id", "source_path", "title", "byline", "published", "notes", "text", "entities"}
    for row in rows:
        assert required <= set(row)
        assert set(row["published"]) >= {"value", "origin"}
        for entity in row["entities"]:
            assert row["text"][entity["start"] : entity["end"]] == entity["text"]
    by_file = {Path(r["source_path"]).name[:3]: r for r in rows}
    assert by_file["002"]["byline"] == "Khaled Iskef"
    # Undated on its own; ingest then links it to its twin 001 and marks the date inferred.
    assert by_file["002"]["published"]["value"] == "2020-10-29"
    assert by_file["002"]["published"]["origin"] == "inferred-from-twin"
    assert by_file["002"]["published"]["twin_id"] == by_file["001"]["id"]
    assert by_file["000"]["published"]["origin"] == "header"
    assert by_file["000"]["notes"][0]["kind"] == "disclaimer"
    assert {"text": "SANA", "label": "ORG"}.items() <= next(
        e for e in by_file["000"]["entities"] if e["text"] == "SANA"
    ).items()

    table = runner.invoke(app, ["articles", "--db", db])
    assert table.exit_code == 0 and "2020-10-29" in table.stdout

    one = by_file["002"]["id"]
    shown = runner.invoke(app, ["show", one[:8], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "Khaled Iskef" in shown.stdout and "It is noteworthy that Russia" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["show", one, "--db", db, "--json"]).stdout)
    assert as_json["id"] == one and as_json["sources"][0]["source_path"].endswith(".txt")


def test_show_unknown_id_fails_with_a_code(tmp_path: Path) -> None:
    dateline.open_store(tmp_path / "e.db").close()
    result = runner.invoke(app, ["show", "nope", "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 1
    assert "[DL040]" in result.output


def test_public_surface_is_pinned() -> None:
    assert sorted(dateline.__all__) == [
        "Article",
        "DatelineError",
        "IngestReport",
        "Settings",
        "Store",
        "build_pipeline",
        "ingest",
        "load_settings",
        "open_store",
    ]


def test_claims_command_lists_speakers_numbers_and_notes(seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "claims.db")
    assert runner.invoke(app, ["ingest", str(seeds_dir), "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["claims", "--db", db, "--json"]).stdout)
    speakers = {(r["speaker"] or {}).get("text") for r in rows}
    assert {"Assad", "Lavrentiev", "Hussein Makhlouf", "Mizintsev"} <= speakers
    numbers = [q for r in rows for q in r["quantities"] if q["value"] == 2_500_000]
    assert numbers and numbers[0]["unit"] == "returnees"
    from_000 = [r for r in rows if (r["speaker"] or {}).get("text") == "Lavrentiev"]
    assert from_000 and from_000[0]["notes"][0]["kind"] == "disclaimer"
    only = json.loads(
        runner.invoke(app, ["claims", "--db", db, "--json", "--speaker", "Mizintsev"]).stdout
    )
    assert only and all("Mizintsev" in r["speaker"]["text"] for r in only)
    table = runner.invoke(app, ["claims", "--db", db])
    assert table.exit_code == 0 and "unverified" in table.stdout
