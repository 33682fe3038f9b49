"""Events on the samples (first slice of issue 6: typing, visitor/host roles, place, date)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dateline.cli import app
from dateline.model import Article, Event


def _consults(article: Article) -> list[Event]:
    return [e for e in article.events if e.type == "CONSULT" and e.mode == "visit"]


def _names(article: Article, parts: tuple) -> list[str]:
    return [article.text[p.start : p.end] for p in parts]


def test_e1_lavrentiev_visits_assad_on_wednesday(seed_articles: dict[str, Article]) -> None:
    a = seed_articles["000"]
    e1 = next(e for e in _consults(a) if "Alexander Lavrentiev" in _names(a, e.actors))
    assert _names(a, e1.recipients) == ["Bashar al-Assad"]  # the host is the recipient
    assert (e1.date.value, e1.date.origin) == ("2021-11-17", "resolved-relative")
    assert e1.place is not None and a.text[e1.place.start : e1.place.end] == "Damascus"
    assert e1.cameo == "042"


def test_e2_in_both_outlets(seed_articles: dict[str, Article]) -> None:
    for number in ("001", "002"):
        a = seed_articles[number]
        assert any(
            "Alexander Lavrentiev" in _names(a, e.actors)
            and any("Assad" in n for n in _names(a, e.recipients))
            for e in _consults(a)
        ), number
    e2 = next(e for e in _consults(seed_articles["001"]))
    assert (e2.date.value, e2.date.origin) == ("2020-10-29", "resolved-relative")


def test_every_event_points_into_its_sentence(seed_articles: dict[str, Article]) -> None:
    for article in seed_articles.values():
        for event in article.events:
            assert event.trigger is not None
            assert event.evidence.start <= event.trigger.start < event.evidence.end
            for part in (*event.actors, *event.recipients, *event.attendees):
                assert 0 <= part.start < part.end <= len(article.text)
            names = _names(article, (*event.actors, *event.recipients))
            assert "Destroyed" not in names and "head" not in names


def test_events_command(seeds_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "e.db")
    assert runner.invoke(app, ["ingest", str(seeds_dir), "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["events", "--db", db, "--json"]).stdout)
    dated = [r["date"]["value"] for r in rows if r["date"]["value"]]
    assert dated == sorted(dated)
    assert any(r["type"] == "CONSULT" and r["date"]["value"] == "2021-11-17" for r in rows)
    assert runner.invoke(app, ["events", "--db", db]).exit_code == 0
