"""The read commands: start light, refuse a missing database, relative --db, --version, enum
choices, events (per article) against timeline (merged) with their filters, --csv.

Start-up time is measured in `bench/cli_startup.py`, not asserted here; what is asserted is
what makes it short: the heavy libraries are not imported.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app

runner = CliRunner()
HEAVY = ("pandas", "pyarrow", "networkx", "scipy", "spacy", "sklearn", "torch", "uvicorn")


@pytest.fixture(scope="module")
def store(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five samples, ingested and linked."""
    db = tmp_path_factory.mktemp("cli") / "seeds.db"
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> list[dict]:
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def _modules_after(args: list[str], env: dict[str, str]) -> tuple[int, str, set[str]]:
    """Exit code, output and the modules a fresh interpreter has loaded after `dateline ARGS`."""
    code = (
        "import sys\nfrom dateline.cli import main\nsys.argv = ['dateline', *sys.argv[1:]]\n"
        "status = 0\ntry:\n    main()\nexcept SystemExit as exit:\n    status = exit.code or 0\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\nsys.exit(status)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )
    return done.returncode, done.stdout, {line.split(".")[0] for line in done.stderr.splitlines()}


def test_help_and_a_read_command_import_nothing_heavy(store: Path, tmp_path: Path) -> None:
    env = os.environ | {"DATELINE_HOME": str(tmp_path / "home")}
    for args, shown in (
        (["--help"], "timeline"),
        (["timeline", "--db", str(store), "--limit", "3"], "CONSULT"),
        (["claims", "--db", str(store)], "Makhlouf"),
        (["entities", "--db", str(store), "--csv"], "kind,name,aliases"),
    ):
        status, out, loaded = _modules_after(args, env)
        # The command really ran (an early failure would import nothing heavy either).
        assert status == 0 and shown in out, (args, status, out[-300:])
        assert "dateline" in loaded
        assert not loaded & set(HEAVY), (args, sorted(loaded & set(HEAVY)))
    assert not (tmp_path / "home").exists(), "--help and read commands create nothing"


def test_version() -> None:
    code, out, _ = _run("--version")
    assert code == 0 and out.strip() == "dateline 0.1.0"


def test_a_missing_database_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    commands = [[c] for c in ("timeline", "events", "claims", "entities", "articles", "groups")]
    commands += [["show", "abc"], ["compare", "a", "b"], ["link"], ["serve"], ["archived", "a"]]
    commands += [["export", "--format", "csv", "--out", str(tmp_path / "out")]]
    for command in commands:
        code, out, err = _run(*command, "--db", str(missing))
        assert code == 1 and "[DL030]" in err and str(missing) in err and out == "", command
    assert not (tmp_path / "out").exists()
    assert not missing.exists()


def test_a_relative_db_is_relative_to_the_working_directory(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(store, work / "mine.db")
    monkeypatch.chdir(work)
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path / "home"))
    rows = _json("timeline", "--db", "mine.db")
    assert rows
    code, _, err = _run("timeline", "--db", "other.db")
    assert code == 1 and str(work / "other.db") in err
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("args", "option", "valid"),
    [
        (["timeline", "--type", "PARTY"], "--type", "'consult'"),
        (["events", "--type", "visit"], "--type", "'accuse'"),
        (["groups", "--kind", "cousins"], "--kind", "'same-event'"),
        (["export", "--format", "xml"], "--format", "'geojson'"),
        (["follow", "add", "http://127.0.0.1:9/feed", "--kind", "blog"], "--kind", "'sitemap'"),
    ],
)
def test_bad_choices_exit_2_with_the_valid_ones(
    args: list[str], option: str, valid: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert option in result.output and valid in result.output
    assert not (tmp_path / "x.db").exists()


def test_json_and_csv_together_is_a_usage_error(store: Path) -> None:
    assert _run("timeline", "--db", str(store), "--json", "--csv")[0] == 2


def test_events_are_per_article_and_the_timeline_merges_them(store: Path) -> None:
    events = _json("events", "--db", str(store))
    records = _json("timeline", "--db", str(store))
    assert events and records and len(records) < len(events)
    assert all({"article_id", "trigger", "evidence"} <= set(e) for e in events)
    assert all({"id", "sources", "source_count"} <= set(r) for r in records)
    # The Lavrentiev-Assad meeting of 2020-10-29: one record told by two articles, two events.
    meeting = [
        r for r in records
        if r["date"]["value"] == "2020-10-29" and r["type"] == "CONSULT" and r["source_count"] == 2
    ]  # fmt: skip
    assert len(meeting) == 1
    told = {s["article_id"] for s in meeting[0]["sources"]}
    per_article = [e for e in events if e["article_id"] in told and e["type"] == "CONSULT"]
    assert {e["article_id"] for e in per_article} == told
    dated = [r["date"]["value"] for r in records if r["date"]["value"]]
    assert dated == sorted(dated)
    assert [r["date"]["value"] for r in records].index(None) == len(dated)  # undated last


def test_timeline_filters(store: Path) -> None:
    db = str(store)
    consult = _json("timeline", "--db", db, "--type", "consult")
    assert consult and all(r["type"] == "CONSULT" for r in consult)
    lavrentiev = _json("timeline", "--db", db, "--actor", "Lavrentyev")
    assert lavrentiev and all(
        any("Lavrentiev" in p["name"] for p in (*r["actors"], *r["recipients"], *r["attendees"]))
        for r in lavrentiev
    )
    assert _json("timeline", "--db", db, "--entity", "Lavrentyev") == lavrentiev
    damascus = _json("timeline", "--db", db, "--place", "damascus")
    assert damascus and all(r["place"]["name"] == "Damascus" for r in damascus)
    window = _json("timeline", "--db", db, "--since", "2021-01-01", "--until", "2021-12-31")
    assert window and all(r["date"]["value"].startswith("2021") for r in window)
    every = _json("timeline", "--db", db)
    assert _json("timeline", "--db", db, "--limit", "2") == every[:2]
    code, _, err = _run("timeline", "--db", db, "--since", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = _run("timeline", "--db", db, "--actor", "Nobody Atall")
    assert code == 1 and "no entity matches" in err


def test_events_filters(store: Path) -> None:
    db = str(store)
    every = _json("events", "--db", db)
    consult = _json("events", "--db", db, "--type", "CONSULT")
    assert consult and len(consult) < len(every) and all(e["type"] == "CONSULT" for e in consult)
    ids = {e["id"] for e in _json("entities", "--db", db, "--name", "Lavrentiev")}
    assert ids
    mine = _json("events", "--db", db, "--actor", "Lavrentiev")
    assert mine and len(mine) < len(every)
    for event in mine:
        people = (*event["actors"], *event["recipients"], *event["attendees"])
        assert any(p["entity_id"] in ids or "lavrentiev" in p["text"].lower() for p in people)
    # Every event of his that the table holds is kept, and no one else's.
    his = [
        e for e in every
        if any(p["entity_id"] in ids for p in (*e["actors"], *e["recipients"], *e["attendees"]))
    ]  # fmt: skip
    assert his and all(e in mine for e in his)
    late = _json("events", "--db", db, "--since", "2021-11-01")
    assert late and all(e["date"]["value"] >= "2021-11" for e in late)
    assert len(_json("events", "--db", db, "--limit", "3")) == 3


@pytest.mark.parametrize(
    ("command", "header"),
    [
        ("timeline", "date,origin,type,conf,actors,recipients,place,sources,id"),
        ("events", "date,origin,type,conf,actors,recipients,place,trigger,article"),
        ("claims", "speaker,cue,claim,numbers,article,note"),
        ("entities", "kind,name,aliases,mentions,articles,id"),
        ("articles", "id,published,origin,title,outlet,source"),
        ("groups", "group,kind,score,article,published,origin,title"),
    ],
)
def test_csv_on_tabular_commands(store: Path, command: str, header: str) -> None:
    code, out, err = _run(command, "--db", str(store), "--csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert ",".join(rows[0]) == header
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    assert "┃" not in out and "│" not in out  # no table drawing in CSV


def test_claims_and_entities_read_the_tables(store: Path) -> None:
    claims = _json("claims", "--db", str(store), "--speaker", "Makhlouf")
    assert claims and all("Makhlouf" in c["speaker"]["text"] for c in claims)
    assert any(c["quantities"] for c in claims)
    entities = _json("entities", "--db", str(store), "--name", "lavr")
    assert {"Lavrentyev", "Lavrenteev"} <= set(entities[0]["aliases"])
