"""Identities: one entity per person across spellings (the samples' "Entities" section)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.link.identities import person_words, resolve_identities, skeleton
from dateline.model import Article


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lavrentiev", "Lavrentyev"),
        ("Lavrentiev", "Lavrenteev"),
        ("Yevgeny", "Evgeny"),
        ("Kassem", "Qassem"),
        ("Beyazıt", "Beyazit"),
        ("Al-Zubaidi", "al-Zubeidi"),
    ],
)
def test_spellings_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(person_words(a)[-1]) == skeleton(person_words(b)[-1])


def test_different_people_do_not() -> None:
    assert skeleton("Makhlouf") != skeleton("Mizintsev")
    assert person_words("President Bashar al-Assad") == ["Bashar", "Assad"]
    assert person_words("Major General Ali Mamluk") == ["Ali", "Mamluk"]


def _group(entities: tuple, alias: str) -> set[str]:
    return next(set(e.aliases) for e in entities if alias in e.aliases)


def test_sample_people_form_one_entity_each(seed_articles: dict[str, Article]) -> None:
    resolved = resolve_identities(list(seed_articles.values()))
    lav = _group(resolved.entities, "Lavrenteev")
    assert {"Alexander Lavrentiev", "Lavrentiev", "Alexander Lavrentyev", "Lavrentyev"} <= lav
    assad = _group(resolved.entities, "Bashar al-Assad")
    assert {"Assad", "Bashar Al-Assad", "Al-Assad", "Bashar Al Assad"} <= assad
    assert _group(resolved.entities, "Mizintsev") == {"Mikhail Mizintsev", "Mizintsev"}
    assert {"Putin", "Vladimir Putin"} <= _group(resolved.entities, "Putin")
    names = {e.name for e in resolved.entities}
    assert "Destroyed" not in names and "head" not in {n.lower() for n in names}
    people = [e for e in resolved.entities if e.kind == "PERSON"]
    assert len({e.id for e in people}) == len(people)


def test_entities_command_and_linked_mentions(seeds_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "id.db")
    assert runner.invoke(app, ["ingest", str(seeds_dir), "--db", db]).exit_code == 0
    rows = json.loads(
        runner.invoke(app, ["entities", "--db", db, "--json", "--name", "lavr"]).stdout
    )
    assert len(rows) == 1 and rows[0]["articles"] == 4 and rows[0]["kind"] == "PERSON"
    events = json.loads(
        runner.invoke(app, ["events", "--db", db, "--json", "--per-article"]).stdout
    )
    visits = [e for e in events if any("Lavrent" in a["text"] for a in e["actors"])]
    assert visits and all(
        a["entity_id"] == rows[0]["id"]
        for e in visits
        for a in e["actors"]
        if "Lavrent" in a["text"]
    )
