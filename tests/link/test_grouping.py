"""Grouping on the samples: copies, same-event groups, threads, dates from twins."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.ingest import ingest
from dateline.link.cluster import LinkSettings, same_event_groups, thread_groups
from dateline.link.dedup import compare, find_copies, overlap, shingles
from dateline.link.run import link_corpus
from dateline.model import Article
from dateline.settings import Settings
from dateline.store import open_store
from dateline.store.groups import load_groups


@pytest.fixture()
def linked(seeds_dir: Path, settings: Settings) -> dict[str, Article]:
    with open_store(settings.db_path) as store:
        ingest([seeds_dir], store=store, settings=settings)
        link_corpus(store, settings=settings)
        return {Path(a.source_path).name[:3]: a for a in store.iter_articles()}


def _names(groups: list, by_id: dict[str, str]) -> list[list[str]]:
    return [sorted(by_id[m] for m in g.members) for g in groups]


def test_samples_group_as_expected(seed_articles: dict[str, Article]) -> None:
    articles = list(seed_articles.values())
    by_id = {a.id: n for n, a in seed_articles.items()}
    assert _names(same_event_groups(articles), by_id) == [["001", "002"]]
    assert _names(thread_groups(articles), by_id) == [["000", "001", "002", "003", "004"]]
    assert find_copies(articles) == []


def test_002_gets_its_twins_date_and_003_stays_undated(
    linked: dict[str, Article], settings: Settings
) -> None:
    a002 = linked["002"]
    assert a002.published.value == "2020-10-29"
    assert a002.published.origin == "inferred-from-twin"
    assert a002.published.twin_id == linked["001"].id
    refs = {a002.text[t.start : t.end]: (t.value, t.origin) for t in a002.timerefs}
    assert refs["next month"] == ("2020-11", "resolved-from-inferred")
    assert linked["003"].published.value is None
    assert linked["004"].published.value is None
    with open_store(settings.db_path) as store:
        kinds = sorted(g.kind for g in load_groups(store))
    assert kinds == ["same-event", "thread"]


def test_linking_twice_changes_nothing(linked: dict[str, Article], settings: Settings) -> None:
    with open_store(settings.db_path) as store:
        before = [(g.id, g.members) for g in load_groups(store)]
        report = link_corpus(store, settings=settings)
        after = [(g.id, g.members) for g in load_groups(store)]
    assert before == after and report.dates_inferred == 0


def test_compare_shows_002s_own_paragraphs(linked: dict[str, Article]) -> None:
    result = compare(linked["001"], linked["002"])
    own_b = [linked["002"].text[s.start : s.end] for s in result.only_b]
    assert any(p.startswith("It is noteworthy that Russia") for p in own_b)
    assert any(p.startswith("During this time, they are prevented") for p in own_b)
    shared_b = [linked["002"].text[y.start : y.end] for _, y, _ in result.shared]
    assert not any(p.startswith("It is noteworthy") for p in shared_b)


def test_wire_copy_plus_paragraphs_is_a_near_copy(seed_articles: dict[str, Article]) -> None:
    base = seed_articles["001"]
    extended = replace(
        base,
        id="copy-plus",
        text=base.text
        + "\n\nAnalysts in the region said the visit signals a new phase in the talks, one in"
        " which the return of refugees is tied to reconstruction money from abroad.\n\n"
        "Diplomats expect the conference to draw a smaller crowd than its organisers hope,"
        " since several Western capitals have said they will not send ministers to it.",
    )
    [link] = find_copies([base, extended])
    assert link.kind == "near-copy" and link.score == pytest.approx(1.0)
    ov = overlap(shingles(base.text), shingles(extended.text))
    assert ov.jaccard < 0.9 and ov.containment == 1.0
    exact = replace(base, id="exact-copy")
    assert find_copies([base, exact])[0].kind == "copy"


def test_groups_and_compare_commands(seeds_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "g.db")
    out = runner.invoke(app, ["ingest", str(seeds_dir), "--db", db])
    assert out.exit_code == 0 and "1 same-event groups" in out.output
    groups = json.loads(runner.invoke(app, ["groups", "--db", db, "--json"]).stdout)
    event = next(g for g in groups if g["kind"] == "same-event")
    origins = sorted(m["published_origin"] for m in event["members"])
    assert origins == ["header", "inferred-from-twin"]
    ids = [m["id"] for m in event["members"]]
    shown = json.loads(runner.invoke(app, ["compare", ids[0], ids[1], "--db", db, "--json"]).stdout)
    assert shown["shared"] and (shown["only_a"] or shown["only_b"])
    assert runner.invoke(app, ["link", "--db", db]).exit_code == 0


def _mixed_corpus(corpora: Path, out: Path) -> Path:
    """GVC dev and ECB+ dev documents as one JSONL file (read from ../shared at test time)."""
    lines = []
    for name, split in (("gvc-dev", "dev"), ("ecbplus", "dev")):
        for line in (corpora / name / "docs.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            if row.get("split") == split:
                keep = ("doc_id", "text", "title", "dct")
                lines.append(json.dumps({k: row[k] for k in keep if k in row}))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.mark.slow
def test_mixed_corpus_keeps_the_samples_apart(
    seeds_dir: Path, corpora_dir: Path, tmp_path: Path
) -> None:
    """Seeds + examples + 275 GVC/ECB+ dev articles through `dateline ingest`: EXPECTED.md's
    relations hold (issue 13: the samples used to chain into one group across a year)."""
    from tests.conftest import EXAMPLES

    others = _mixed_corpus(corpora_dir, tmp_path / "others.jsonl")
    db = str(tmp_path / "mixed.db")
    result = CliRunner().invoke(
        app, ["ingest", str(seeds_dir), str(EXAMPLES), str(others), "--db", db]
    )
    assert result.exit_code == 0, result.output
    groups = json.loads(CliRunner().invoke(app, ["groups", "--db", db, "--json"]).stdout)
    articles = json.loads(CliRunner().invoke(app, ["articles", "--db", db, "--json"]).stdout)
    seed = {Path(a["source_path"]).name[:3]: a for a in articles if "/seeds/" in a["source_path"]}
    assert sorted(seed) == ["000", "001", "002", "003", "004"]
    name = {a["id"]: n for n, a in seed.items()}
    same_event = [g for g in groups if g["kind"] == "same-event"]
    seeds_in = [sorted(name[m["id"]] for m in g["members"] if m["id"] in name) for g in same_event]
    seeds_in = [s for s in seeds_in if s]
    # {001, 002} are one group; 000, 003 and 004 share no same-event group with them.
    assert ["001", "002"] in seeds_in
    # 000, 003 and 004 each report another main event (000 and 003: the same envoy in
    # Damascus, a year apart); EXPECTED.md lets only 000's passing mention of a joint meeting
    # link it to 004.
    for members in seeds_in:
        assert members in (["001", "002"], ["000", "004"]) or len(members) == 1, members
    # 003 and 004 stay undated; 002 takes 001's date and says so.
    assert seed["003"]["published"]["value"] is None
    assert seed["004"]["published"]["value"] is None
    assert seed["002"]["published"]["origin"] == "inferred-from-twin"
    assert seed["002"]["published"]["twin_id"] == seed["001"]["id"]
    # Every same-event group's firm dates lie within the span the settings allow, and the
    # group shows its span and its names as written (not lower-case keys).
    for group in same_event:
        if group["date_span"]:
            first, last = (dt.date.fromisoformat(d) for d in group["date_span"])
            assert (last - first).days <= LinkSettings().max_span_days
        assert all(n != n.lower() for n in group["entities"] + group["places"])
