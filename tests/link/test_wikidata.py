"""Optional Wikidata ids from a lookup table the user supplies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.errors import ConfigError
from dateline.link.wikidata import attach_wikidata, load_lookup
from dateline.model import Entity


def test_unambiguous_names_get_their_id(tmp_path: Path) -> None:
    table = tmp_path / "ids.tsv"
    table.write_text(
        "# name<TAB>id\nBashar al-Assad\tQ44329\nVladimir Putin\tQ7747\nPutin\tQ7747\n"
        "Lavrentiev\tQ1\nAlexander Lavrentiev\tQ2\n",
        encoding="utf-8",
    )
    entities = [
        Entity("a", "PERSON", "Bashar Al-Assad", aliases=("Assad", "Bashar Al Assad")),
        Entity("p", "PERSON", "Vladimir Putin", aliases=("Putin",)),
        Entity("l", "PERSON", "Alexander Lavrentiev", aliases=("Lavrentiev",)),
        Entity("x", "PERSON", "Sami Salama"),
    ]
    got = {e.id: e.wikidata for e in attach_wikidata(entities, load_lookup(table))}
    assert got == {"a": "Q44329", "p": "Q7747", "l": None, "x": None}  # l: two ids, ambiguous


def test_a_bad_table_names_the_file_and_line(tmp_path: Path) -> None:
    table = tmp_path / "bad.tsv"
    table.write_text("Bashar al-Assad\tQ44329\nPutin 7747\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_lookup(table)
    with pytest.raises(ConfigError, match="cannot read"):
        load_lookup(tmp_path / "missing.tsv")


def _config(tmp_path: Path, name: str, rows: str) -> Path:
    """A settings file naming a lookup table with these rows."""
    table = tmp_path / name
    table.write_text(rows, encoding="utf-8")
    config = tmp_path / "dateline.toml"
    config.write_text(f'[identities]\nwikidata = "{table}"\n', encoding="utf-8")
    return config


def test_ingest_with_a_lookup_table(seeds_dir: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, "ids.tsv", "Bashar al-Assad\tQ44329\n")
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--db", db, "--config", str(config)])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(app, ["entities", "--db", db, "--json"]).stdout)
    assert {r["name"]: r["wikidata"] for r in rows if r["wikidata"]} == {
        "Bashar Al-Assad": "Q44329"
    }


def test_link_with_a_bad_table_fails_cleanly(seeds_dir: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, "bad.tsv", "Putin 7747\n")
    db = str(tmp_path / "b.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(seeds_dir), "--db", db, "--no-link"]).exit_code == 0
    result = runner.invoke(app, ["link", "--db", db, "--config", str(config)])
    assert result.exit_code == 1 and "DL001" in result.output and "bad.tsv" in result.output
