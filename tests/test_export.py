"""Exports: tables round-trip through JSONL/CSV/Parquet, PLOVER JSON follows the manual,
GDELT rows have GDELT's shape, GraphML loads in networkx, and the CLI writes files."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

import dateline.cli.export  # noqa: F401  registers `dateline export`
from dateline.cli.app import app
from dateline.errors import ConfigError
from dateline.export import (
    FRAMES,
    GDELT_COLUMNS,
    PLOVER_QUAD,
    SCHEMAS,
    TABLES,
    actor_graph,
    export,
    gdelt_rows,
    plover_records,
    read_table,
)
from dateline.settings import Settings
from dateline.store import Store, open_store

# The PLOVER manual's "PLOVER JSON" table (PLOVER_MANUAL.tex, tab:json): every field name,
# and those marked required ("Y").
PLOVER_FIELDS = {
    "id", "has_event", "date", "time", "enddate", "endtime", "actor", "recipient", "event",
    "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
    "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment",
}  # fmt: skip
PLOVER_REQUIRED = ("id", "date", "actor", "event")
# The optional ones dateline fills.
PLOVER_FILLED = {
    "recipient", "event_loc", "event_text", "quad_code", "mode", "context", "text_info",
    "cite_info", "coder",
}  # fmt: skip
# The manual's "Information object for entities" (tab:actorinfo) fields we fill.
PLOVER_ENTITY_FIELDS = ("code", "sector", "entity_text", "identifier_id", "identifier_text")
# Its "Information object for text" (tab:textinfo) and location object (tab:locations).
PLOVER_TEXT_FIELDS = ("sequence", "start", "end")
PLOVER_LOC_FIELDS = ("extracted_place", "resolved_place", "country_code")
QUAD_NAMES = {
    "VERBAL COOPERATION": 1,
    "MATERIAL COOPERATION": 2,
    "VERBAL CONFLICT": 3,
    "MATERIAL CONFLICT": 4,
}


@pytest.fixture(scope="module")
def store_path(
    seeds_dir: Path, session_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The five samples ingested and linked into one database, built once for this module."""
    from dateline.ingest import ingest
    from dateline.link.run import link_corpus

    path = tmp_path_factory.mktemp("export") / "export.db"
    with open_store(path) as store:
        report = ingest([seeds_dir], store=store, settings=session_settings)
        assert report.failed == 0
        link_corpus(store, settings=session_settings)
    return path


@pytest.fixture()
def store(store_path: Path) -> Iterator[Store]:
    """The seed store, opened for one test."""
    with open_store(store_path) as opened:
        yield opened


@pytest.fixture(scope="module")
def manual_quads(corpora_dir: Path) -> dict[str, int]:
    """PLOVER event type -> quad code, read from each type's section in the manual."""
    manual = corpora_dir / "plover-gsr" / "PLOVER_MANUAL.tex"
    if not manual.is_file():
        pytest.skip("PLOVER_MANUAL.tex is missing")
    quads: dict[str, int] = {}
    current = None
    for line in manual.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"\\section\{([A-Z]+)\}", line):
            current = m.group(1)
        elif (m := re.match(r"\\subsection\{Quad category: ([A-Z ]+)\}", line)) and current:
            quads[current] = QUAD_NAMES[m.group(1).strip()]
    return quads


# -- frames and table formats -----------------------------------------------------------------


def test_frames_have_their_schema(store: Store) -> None:
    for table in TABLES:
        frame = FRAMES[table](store)
        assert list(frame.columns) == list(SCHEMAS[table]), table
        assert {c: str(t) for c, t in frame.dtypes.items()} == SCHEMAS[table], table
    assert len(FRAMES["articles"](store)) == store.count_articles() == 5
    events = FRAMES["events"](store)
    assert len(events) > 0
    assert events["id"].is_unique
    assert (events["source_count"] >= events["article_count"]).all()
    assert (events["article_count"] >= 1).all()


def test_events_frame_is_chronological_and_names_actors(store: Store) -> None:
    events = FRAMES["events"](store)
    dated = events["date"].dropna().tolist()
    assert dated == sorted(dated)
    undated = events["date"].isna().tolist()
    assert undated == sorted(undated)  # undated events come last
    named = events.dropna(subset=["actor_ids"])
    assert len(named) > 0
    for ids, names in zip(named["actor_ids"], named["actor_names"], strict=True):
        assert len(ids.split("|")) == len(names.split("|"))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_tables_round_trip(store: Store, tmp_path: Path, fmt: str) -> None:
    out = export(store, fmt, tmp_path / fmt)
    assert out == tmp_path / fmt
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
    for table in TABLES:
        frame = FRAMES[table](store)
        path = out / f"{table}.{fmt}"
        assert_frame_equal(read_table(path), frame, obj=f"{table}.{fmt}")
        if fmt == "parquet":
            assert_frame_equal(pd.read_parquet(path), frame, obj=table)


def test_csv_is_plain_csv(store: Store, tmp_path: Path) -> None:
    export(store, "csv", tmp_path)
    with (tmp_path / "articles.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = {a.id: a.text for a in store.iter_articles()}
    assert {r["id"]: r["text"] for r in rows} == texts


def test_jsonl_is_one_object_per_line(store: Store, tmp_path: Path) -> None:
    export(store, "jsonl", tmp_path)
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(FRAMES["events"](store))
    assert all(set(r) == set(SCHEMAS["events"]) for r in records)


def test_table_format_needs_a_directory(store: Store) -> None:
    with pytest.raises(ConfigError, match="directory"):
        export(store, "csv", None)


# -- PLOVER -----------------------------------------------------------------------------------


def test_plover_types_and_quads_follow_the_manual(manual_quads: dict[str, int]) -> None:
    assert manual_quads == PLOVER_QUAD


def _check_entity(obj: dict[str, Any]) -> None:
    for field in PLOVER_ENTITY_FIELDS:
        assert field in obj
    assert obj["code"] is None or re.fullmatch(r"[A-Z]{3}", obj["code"])
    assert obj["sector"] is None or re.fullmatch(r"[A-Z]{3}([A-Z]{3})?", obj["sector"])
    assert obj["entity_text"] is None or isinstance(obj["entity_text"], str)
    assert obj["identifier_text"] is None or isinstance(obj["identifier_text"], str)


def test_plover_records_validate(store: Store, manual_quads: dict[str, int]) -> None:
    records = plover_records(store)
    assert len(records) == len(FRAMES["events"](store)) > 0
    texts = {a.id: a.text for a in store.iter_articles()}
    for rec in records:
        for field in PLOVER_REQUIRED:
            assert field in rec, field
        assert set(rec) & PLOVER_FIELDS >= PLOVER_FILLED
        assert isinstance(rec["id"], str) and rec["id"]
        assert rec["date"] is None or date.fromisoformat(rec["date"]).isoformat() == rec["date"]
        for field in ("actor", "recipient", "event", "mode", "context", "event_text"):
            assert isinstance(rec[field], list), field
        assert rec["event"] and all(e in manual_quads for e in rec["event"])
        assert rec["quad_code"] == manual_quads[rec["event"][0]]
        assert all(isinstance(m, str) for m in rec["mode"] + rec["context"])
        for entity in rec["actor"] + rec["recipient"]:
            _check_entity(entity)
        if rec["event_loc"] is not None:
            assert all(f in rec["event_loc"] for f in PLOVER_LOC_FIELDS)
        assert rec["text_info"] and len(rec["text_info"]) == len(rec["event_text"])
        for info, quoted in zip(rec["text_info"], rec["event_text"], strict=True):
            assert all(f in info for f in PLOVER_TEXT_FIELDS)
            assert texts[info["article_id"]][info["start"] : info["end"]] == quoted
            assert isinstance(info["sequence"], int)
        assert rec["article_ids"] == [c["citation"] for c in rec["cite_info"]]
        assert set(rec["article_ids"]) <= set(texts)
    assert any(r["actor"] for r in records)


def test_plover_export_is_jsonl(store: Store, tmp_path: Path) -> None:
    path = export(store, "plover", tmp_path)
    assert path == tmp_path / "events.plover.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in plover_records(store)]


# -- GDELT ------------------------------------------------------------------------------------


def test_gdelt_rows(store: Store) -> None:
    assert len(GDELT_COLUMNS) == 61
    assert len(set(GDELT_COLUMNS)) == 61
    rows = gdelt_rows(store)
    assert rows
    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    assert all(len(row) == len(GDELT_COLUMNS) for row in rows)
    days = [row[col["SQLDATE"]] for row in rows if row[col["SQLDATE"]]]
    assert days
    for day in days:
        assert re.fullmatch(r"\d{8}", day)
        date(int(day[:4]), int(day[4:6]), int(day[6:]))
    for row in rows:
        assert re.fullmatch(r"\d+", row[col["GLOBALEVENTID"]])
        code = row[col["EventCode"]]
        assert row[col["EventBaseCode"]] == code[:3]
        assert row[col["EventRootCode"]] == code[:2]
        assert row[col["QuadClass"]] in {"1", "2", "3", "4"}
        assert int(row[col["NumArticles"]]) >= 1
        assert int(row[col["NumMentions"]]) >= int(row[col["NumArticles"]])
        assert row[col["SOURCEURL"]]
        assert not any("\t" in v or "\n" in v for v in row)
        if row[col["SQLDATE"]]:
            assert row[col["MonthYear"]] == row[col["SQLDATE"]][:6]
            assert row[col["Year"]] == row[col["SQLDATE"]][:4]
    assert len({row[col["GLOBALEVENTID"]] for row in rows}) == len(rows)
    assert any(row[col["Actor1Name"]] and row[col["Actor2Name"]] for row in rows)


def test_gdelt_export_is_tab_separated(store: Store, tmp_path: Path) -> None:
    plain = export(store, "gdelt", tmp_path / "plain.tsv")
    headed = export(store, "gdelt", tmp_path / "headed.tsv", header=True)
    assert plain is not None and headed is not None
    lines = plain.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(gdelt_rows(store))
    assert all(len(line.split("\t")) == len(GDELT_COLUMNS) for line in lines)
    frame = pd.read_csv(headed, sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(GDELT_COLUMNS)
    assert len(frame) == len(lines)


# -- graph ------------------------------------------------------------------------------------


def test_graphml_round_trip(store: Store, tmp_path: Path) -> None:
    graph = actor_graph(store)
    assert graph.number_of_edges() > 0
    for _, data in graph.nodes(data=True):
        assert {"name", "kind", "country", "sector"} <= set(data)
    path = export(store, "graphml", tmp_path)
    assert path == tmp_path / "actors.graphml"
    loaded = nx.read_graphml(path, force_multigraph=True)
    assert loaded.is_directed()
    assert set(loaded.nodes) == set(graph.nodes)
    assert dict(loaded.nodes(data=True)) == dict(graph.nodes(data=True))
    edges = sorted(
        (a, b, d["type"], d["count"], d["event_ids"]) for a, b, d in graph.edges(data=True)
    )
    back = sorted(
        (a, b, d["type"], d["count"], d["event_ids"]) for a, b, d in loaded.edges(data=True)
    )
    assert back == edges
    event_ids = set(FRAMES["events"](store)["id"])
    for _, _, data in graph.edges(data=True):
        ids = data["event_ids"].split("|")
        assert len(ids) == data["count"] and set(ids) <= event_ids


# -- command line -----------------------------------------------------------------------------


def test_cli_writes_tables(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = CliRunner().invoke(
        app, ["export", "--format", "parquet", "--out", str(out), "--db", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert len(pd.read_parquet(out / "articles.parquet")) == 5


def test_cli_streams_plover_to_stdout(store_path: Path, store: Store) -> None:
    result = CliRunner().invoke(app, ["export", "-f", "plover", "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines() if line.strip()]
    assert ids == [r["id"] for r in plover_records(store)]


def test_cli_writes_gdelt_and_graphml_files(store_path: Path, tmp_path: Path) -> None:
    for fmt, name in (("gdelt", "events.tsv"), ("graphml", "actors.graphml")):
        target = tmp_path / name
        args = ["export", "--format", fmt, "--out", str(target), "--db", str(store_path)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert target.is_file() and target.stat().st_size > 0


def test_cli_unknown_format(store_path: Path, tmp_path: Path) -> None:
    args = ["export", "--format", "xlsx", "--out", str(tmp_path / "x"), "--db", str(store_path)]
    result = CliRunner().invoke(app, args)
    # A usage error (exit 2) naming the bad value and the valid ones, before any work.
    assert result.exit_code == 2
    assert "'xlsx'" in result.output
    assert all(f"'{name}'" in result.output for name in ("jsonl", "parquet", "geojson"))
    assert not (tmp_path / "x").exists()


# -- geography (dateline.export_geo) ----------------------------------------------------------


def _damascus_events(store: Store) -> list[dict[str, Any]]:
    return [
        r
        for r in plover_records(store)
        if r["event_loc"] and r["event_loc"]["resolved_place"] == "Damascus"
    ]


def test_plover_event_loc_has_coordinates(store: Store) -> None:
    located = _damascus_events(store)
    assert located, "no sample event is placed in Damascus"
    for record in located:
        loc = record["event_loc"]
        assert set(PLOVER_LOC_FIELDS) <= set(loc)
        assert loc["geonameid"] == 170654  # GeoNames: Damascus
        assert loc["country_code"] == "SYR"
        assert 33.4 < loc["lat"] < 33.6 and 36.2 < loc["lon"] < 36.4
    # A place without a geocode keeps its name but invents no point.
    for record in plover_records(store):
        loc = record["event_loc"]
        if loc and loc["geonameid"] is None:
            assert loc["lat"] is None and loc["lon"] is None


def test_gdelt_action_geo_columns(store: Store) -> None:
    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    rows = gdelt_rows(store)
    placed = [r for r in rows if r[col["ActionGeo_FullName"]] == "Damascus"]
    assert placed
    for row in placed:
        assert row[col["ActionGeo_Type"]] == "4"  # a city outside the US
        assert row[col["ActionGeo_CountryCode"]] == "SY"  # FIPS 10-4, as GDELT writes it
        assert abs(float(row[col["ActionGeo_Lat"]]) - 33.51) < 0.05
        assert abs(float(row[col["ActionGeo_Long"]]) - 36.29) < 0.05
        assert row[col["ActionGeo_FeatureID"]] == "170654"
    for row in rows:
        if not row[col["ActionGeo_FullName"]]:
            assert not row[col["ActionGeo_Lat"]] and not row[col["ActionGeo_Type"]]
        assert not row[col["Actor1Geo_Lat"]]  # actor geography is not computed


def test_geojson_export(store: Store, tmp_path: Path) -> None:
    path = export(store, "geojson", tmp_path)
    assert path is not None and path.name == "events.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert features
    placed = {r["id"] for r in plover_records(store) if r["event_loc"] and r["event_loc"]["lat"]}
    assert {f["id"] for f in features} == placed
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["type"] and feature["properties"]["article_ids"]
    assert any(f["properties"]["place"] == "Damascus" for f in features)


def test_entities_table_has_geocodes(store: Store) -> None:
    frame = FRAMES["entities"](store)
    places = frame[frame["kind"] == "PLACE"].set_index("name")
    assert places.loc["Damascus", "geonameid"] == 170654
    assert places.loc["Riyadh", "geonameid"] == 108410
    assert places.loc["Syria", "geonameid"] == 163843
    people = frame[frame["kind"] == "PERSON"]
    assert people["geonameid"].isna().all()


def test_cli_writes_geojson(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.geojson"
    result = CliRunner().invoke(
        app, ["export", "--format", "geojson", "--out", str(out), "--db", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_cli_entities_json_shows_geocodes(store_path: Path) -> None:
    import dateline.cli.events  # noqa: F401  registers `dateline entities`

    result = CliRunner().invoke(app, ["entities", "--json", "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    rows = {(r["kind"], r["name"]): r for r in json.loads(result.stdout)}
    astana = rows[("PLACE", "Astana")]  # "Nor Sultan (Astana)" in sample 003
    assert astana["geonameid"] == 1526273 and astana["country"] == "KAZ"
    assert astana["geo_name"] == "Astana" and astana["geo_feature"] == "city"
    assert 51 < astana["latitude"] < 51.3 and 71.3 < astana["longitude"] < 71.6
    assert rows[("PLACE", "Damascus")]["geonameid"] == 170654
    assert all(r["geonameid"] is None for r in rows.values() if r["kind"] == "PERSON")
