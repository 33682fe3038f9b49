"""Ids analysts cite: an event record keeps its id when sources join, redirects when its first
source leaves; groups and events have distinct prefixes; stale overrides are listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dateline.cli import app
from dateline.errors import NotFound
from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.model import EventRecord
from dateline.settings import Settings
from dateline.store import Store, open_store
from dateline.store.entities import load_entities
from dateline.store.events import get_event_record, load_event_records
from dateline.store.groups import load_groups
from dateline.store.overrides import list_overrides, merge_entities
from dateline.web import create_app


def _meeting(store: Store) -> EventRecord:
    """The record of Assad receiving Lavrentiev's delegation (E2 of EXPECTED.md)."""
    names = {e.id: e.name for e in load_entities(store)}
    return next(
        r
        for r in load_event_records(store)
        if r.type == "CONSULT"
        and any("Lavrentiev" in names.get(a, "") for a in r.actors)
        and any("Assad" in names.get(a, "") for a in r.recipients)
    )


def _folder(seeds_dir: Path, root: Path, number: str) -> Path:
    folder = root / number
    folder.mkdir()
    shutil.copy(sorted(seeds_dir.glob(f"{number}_*.txt"))[0], folder)
    return folder


def test_ids_survive_joining_and_leaving_sources(
    seeds_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    with open_store(settings.db_path) as store:
        ingest([_folder(seeds_dir, tmp_path, "001")], store=store, settings=settings, workers=1)
        link_corpus(store, settings=settings)
        first = _meeting(store)
        [only] = {s.article_id for s in first.sources}
        assert first.id.startswith("ev-")

        # A second outlet's report of the same meeting joins the record: the id stays.
        ingest([_folder(seeds_dir, tmp_path, "002")], store=store, settings=settings, workers=1)
        link_corpus(store, settings=settings)
        joined = _meeting(store)
        assert len({s.article_id for s in joined.sources}) == 2
        assert joined.id == first.id
        groups = [g for g in load_groups(store) if g.kind == "same-event"]
        assert groups and all(g.id.startswith("sg-") for g in groups)
        with pytest.raises(NotFound, match="same-event group"):
            get_event_record(store, groups[0].id)

        # An analyst's merge of two people of 001: it applies again after a re-link ...
        people = {e.name: e.id for e in load_entities(store)}
        merge_entities(store, people["Sami Salama"], people["Luna al-Shibl"])
        link_corpus(store, settings=settings)
        [override] = list_overrides(store)
        assert (override["status"], override["reason"]) == ("applied", None)

        # ... the first source leaves: the record is named by the next one and the old id
        # redirects to it; the merge of people only 001 named no longer applies, with why.
        store.conn.execute("DELETE FROM articles WHERE id = ?", (only,))
        link_corpus(store, settings=settings)
        left = _meeting(store)
        assert left.id != first.id
        assert get_event_record(store, first.id).id == left.id
        [override] = list_overrides(store, status="stale")
        assert "no longer exists" in str(override["reason"])
        assert store.integrity_problems() == []

    db = str(settings.db_path)
    with TestClient(create_app(db, settings=settings), base_url="http://127.0.0.1") as client:
        assert client.get(f"/api/events/{first.id}").json()["id"] == left.id
        assert client.get(f"/events/{first.id}").status_code == 200
        listed = client.get("/api/overrides").json()["items"]
        assert [(o["op"], o["status"]) for o in listed] == [("merge", "stale")]
        applied = client.get("/api/overrides", params={"status": "applied"}).json()
        assert applied["items"] == [] and applied["total"] == 0
        assert client.get("/api/overrides", params={"status": "nonsense"}).status_code == 422
        page = client.get(f"/events/{groups[0].id}")
        assert page.status_code == 404 and "same-event group" in page.text

    runner = CliRunner()
    result = runner.invoke(app, ["overrides", "--db", db])
    assert result.exit_code == 0 and "stale" in result.stdout and "no longer" in result.stdout
    rows = json.loads(runner.invoke(app, ["overrides", "--json", "--stale", "--db", db]).stdout)
    assert [r["status"] for r in rows] == ["stale"]
