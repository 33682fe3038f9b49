"""Identities: one entity per person across spellings (the samples' "Entities" section)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.link.identities import person_words, resolve_identities, skeleton
from dateline.model import Article, Mention


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


def test_role_only_mention_joins_the_one_holder(seed_articles: dict[str, Article]) -> None:
    resolved = resolve_identities(list(seed_articles.values()))
    assad = next(e for e in resolved.entities if "Bashar Al-Assad" in e.aliases)
    prince = next(e for e in resolved.entities if "Mohammed bin Salman" in e.aliases)
    assert "the Syrian president" in assad.aliases
    article = seed_articles["003"]
    found = {article.text[m.start : m.end]: m.entity_id for m in resolved.nominals[article.id]}
    assert found["the Syrian president"] == assad.id
    assert found.get("the Saudi Crown Prince", prince.id) == prince.id


def _person_article(aid: str, text: str, *names: str) -> Article:
    mentions = tuple(Mention(text.index(n), text.index(n) + len(n), "PERSON") for n in names)
    return Article(id=aid, text=text, source_path=f"{aid}.txt", mentions=mentions)


def test_misspelling_joins_only_with_agreeing_roles() -> None:
    a = _person_article(
        "a" * 64, "Russian Deputy Foreign Minister Sergey Vershinin arrived.", "Sergey Vershinin"
    )
    b = _person_article(
        "b" * 64, "Russian Deputy Foreign Minister Sergey Verchinen spoke.", "Sergey Verchinen"
    )
    joined = resolve_identities([a, b]).entities
    assert len(joined) == 1 and set(joined[0].aliases) == {"Sergey Vershinin", "Sergey Verchinen"}
    c = _person_article("c" * 64, "Sergey Verchinen, a banker, spoke.", "Sergey Verchinen")
    apart = resolve_identities([a, c]).entities
    assert len(apart) == 2  # no role in common: a misspelling is not assumed
