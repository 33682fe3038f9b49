"""Events merged across outlets: one record per happening, every source kept (samples E1, E2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dateline.cli import app
from dateline.link.cluster import connected_components
from dateline.link.events import merge_events
from dateline.model import Article, DateInfo, Event, Group, Participant, Span
from dateline.readers._bytes import content_hash


@pytest.fixture(scope="module")
def seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("events") / "ev.db")
    result = CliRunner().invoke(app, ["ingest", str(seeds_dir), "--db", db, "-q"])
    assert result.exit_code == 0, result.output
    return db


def _json(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _names(people: list[dict[str, Any]]) -> set[str]:
    return {p["name"] for p in people}


def test_e2_is_one_event_with_both_outlets(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    e2 = [
        r
        for r in rows
        if r["type"] == "CONSULT"
        and r["date"]["value"] == "2020-10-29"
        and "Alexander Lavrentiev" in _names(r["actors"])
    ]
    assert len(e2) == 1
    record = e2[0]
    assert record["mode"] == "visit"
    assert "Bashar Al-Assad" in _names(record["recipients"])
    assert record["source_count"] == 2
    paths = {
        a["source_path"][-24:-21]
        for a in _json("articles", "--db", seeds_db, "--json")
        if a["id"] in {s["article_id"] for s in record["sources"]}
    }
    assert paths == {"001", "002"}
    assert all(s["evidence"] and s["evidence"][0]["text"] for s in record["sources"])


def test_e1_keeps_its_stated_day_and_place(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    e1 = [r for r in rows if r["date"]["value"] == "2021-11-17" and r["type"] == "CONSULT"]
    assert len(e1) == 1
    assert e1[0]["date"]["origin"] == "resolved-relative"
    assert e1[0]["place"]["name"] == "Damascus"
    assert "Alexander Lavrentiev" in _names(e1[0]["actors"])
    assert "Vladimir Putin" not in _names(e1[0]["actors"])  # "the envoy of President Putin"


def test_timeline_is_chronological_and_filters_by_entity(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    dated = [r["date"]["value"] for r in rows if r["date"]["value"]]
    assert dated == sorted(dated)
    first_undated = next(i for i, r in enumerate(rows) if not r["date"]["value"])
    assert all(not r["date"]["value"] for r in rows[first_undated:])
    mine = _json("timeline", "--db", seeds_db, "--json", "--entity", "Lavrentyev")
    assert mine and len(mine) < len(rows)
    for row in mine:
        people = row["actors"] + row["recipients"] + row["attendees"]
        assert "Alexander Lavrentiev" in _names(people)
    missing = CliRunner().invoke(app, ["timeline", "--db", seeds_db, "--entity", "Nobody Atall"])
    assert missing.exit_code == 1 and "no entity" in missing.output


def _article(aid: str, events: tuple[Event, ...], text: str = "x" * 200) -> Article:
    return Article(id=aid, text=text, source_path=f"{aid}.txt", events=events)


def _event(date: str | None, actor: str, recipient: str, mode: str | None = None) -> Event:
    return Event(
        type="CONSULT",
        evidence=Span(0, 10),
        mode=mode,
        actors=(Participant(0, 1, actor),),
        recipients=(Participant(2, 3, recipient),),
        date=DateInfo(date, "stated" if date else "unknown", "day" if date else "unknown"),
    )


def test_conflicts_are_kept_as_alternatives_not_overwritten() -> None:
    a = _article("a" * 64, (_event("2020-10-29", "L", "A", "visit"),))
    b = _article("b" * 64, (_event(None, "L", "A", "phone"),))
    group = Group(id="g", kind="same-event", members=(a.id, b.id), score=0.5)
    records = merge_events([a, b], [group])
    assert len(records) == 1
    record = records[0]
    assert {s.article_id for s in record.sources} == {a.id, b.id}
    assert record.date.value == "2020-10-29"
    assert ("mode", "phone") in record.alternatives or ("mode", "visit") in record.alternatives


def test_ungrouped_articles_merge_only_on_same_day_and_both_sides() -> None:
    a = _article("a" * 64, (_event("2020-10-29", "L", "A"),))
    b = _article("b" * 64, (_event("2020-10-29", "L", "A"),))
    c = _article("c" * 64, (_event("2020-10-30", "L", "A"),))
    d = _article("d" * 64, (_event("2020-10-29", "L", "Z"),))
    records = merge_events([a, b, c, d], [])
    sizes = sorted(len(r.sources) for r in records)
    assert sizes == [1, 1, 2]


def _find(rows: list[dict[str, Any]], type_: str, actor: str, recipient: str | None = None) -> Any:
    found = [
        r
        for r in rows
        if r["type"] == type_
        and actor in _names(r["actors"])
        and (recipient is None or recipient in _names(r["recipients"]))
    ]
    assert found, f"no {type_} {actor} -> {recipient}"
    return found


def test_sample_003_and_004_events(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    # E4 and E5: the envoy met bin Salman, then Assad in Damascus; the article gives no date.
    e4 = _find(rows, "CONSULT", "Alexander Lavrentiev", "Mohammed bin Salman")
    e5 = [
        r
        for r in _find(rows, "CONSULT", "Alexander Lavrentiev", "Bashar Al-Assad")
        if not r["date"]["value"]
    ]
    assert e5 and e5[0]["place"]["name"] == "Damascus"
    assert all(not r["date"]["value"] for r in e4)
    assert {r["place"]["name"] for r in e4 if r["place"]} == {"Riyadh"}
    assert {r["id"] for r in e4}.isdisjoint({r["id"] for r in e5})
    # E6: the joint meeting; E7 and E8: two speakers' accusations stay two events.
    e6 = [r for r in rows if r["type"] == "CONSULT" and r["mode"] == "multilateral"]
    assert e6 and "Umayyad Conference Palace" in (e6[0]["place"] or {}).get("name", "")
    e7 = _find(rows, "ACCUSE", "Hussein Makhlouf", "Turkey")
    e8 = _find(rows, "ACCUSE", "Mikhail Mizintsev", "United States")
    assert {r["id"] for r in e7}.isdisjoint({r["id"] for r in e8})


def test_linking_keeps_every_layer_of_the_articles_it_changes(seeds_db: str) -> None:
    rows = _json("articles", "--db", seeds_db, "--json")
    twin = next(r for r in rows if r["published"]["origin"] == "inferred-from-twin")
    assert twin["token_count"] > 100 and twin["sentences"]
    assert any(m.get("entity_id") for m in twin["entities"])


_TYPES = ("CONSULT", "ACCUSE")
_PEOPLE = ("p1", "p2", "p3", "c1")


@st.composite
def _corpus(draw: st.DrawFn) -> tuple[list[Article], list[Group]]:
    articles = []
    for n in range(draw(st.integers(1, 5))):
        events = []
        for _ in range(draw(st.integers(0, 4))):
            date = draw(st.sampled_from([None, "2020-10-29", "2020-10-30"]))
            origin = draw(st.sampled_from(["stated", "publication-date"])) if date else "unknown"
            events.append(
                Event(
                    type=draw(st.sampled_from(_TYPES)),
                    evidence=Span(0, 10),
                    actors=tuple(
                        Participant(0, 1, e) for e in draw(st.sets(st.sampled_from(_PEOPLE)))
                    ),
                    recipients=tuple(
                        Participant(2, 3, e) for e in draw(st.sets(st.sampled_from(_PEOPLE)))
                    ),
                    date=DateInfo(date, origin, "day" if date else "unknown"),  # type: ignore[arg-type]
                )
            )
        articles.append(_article(f"{n}" * 64, tuple(events)))
    ids = [a.id for a in articles]
    members = draw(st.sets(st.sampled_from(ids)))
    groups = [Group("g", "same-event", tuple(sorted(members)), 0.5)] if len(members) > 1 else []
    return articles, groups


@given(_corpus())
def test_blocked_merging_equals_comparing_every_pair(corpus: Any) -> None:
    from dateline.link import events as merging

    articles, groups = corpus
    persons = frozenset({"p1", "p2", "p3"})
    records = merge_events(articles, groups, persons)
    # The reference: every pair of events compared, no blocking.
    items = [
        merging._Item(
            f"{a.id}:{i}", a, e, frozenset(p.entity_id for p in (*e.actors, *e.recipients))
        )
        for a in articles
        for i, e in enumerate(a.events)
    ]
    groups_of: dict[str, set[str]] = {}
    for group in groups:
        for member in group.members:
            groups_of.setdefault(member, set()).add(group.id)
    pairs = [
        (x.key, y.key)
        for i, x in enumerate(items)
        for y in items[i + 1 :]
        if x.event.type == y.event.type and merging._compatible(x, y, groups_of, persons)
    ]
    # Records without a named participant are left out (precision before recall).
    named = {it.key for it in items if it.people}
    expected = [c for c in connected_components([it.key for it in items], pairs) if set(c) & named]
    # A record's id is the hash of its members' keys: equal ids, equal partitions.
    assert sorted(r.id for r in records) == sorted(
        "ev-" + content_hash("|".join(sorted(c)))[:12] for c in expected
    )


def _source_files(seeds_db: str, record: dict[str, Any]) -> set[str]:
    ids = {s["article_id"] for s in record["sources"]}
    return {
        Path(a["source_path"]).name[:3]
        for a in _json("articles", "--db", seeds_db, "--json")
        if a["id"] in ids
    }


def _one(rows: list[dict[str, Any]], type_: str, who: str, files: set[str], db: str) -> Any:
    """The one record of a type naming `who` whose sources include `files`."""
    found = [
        r
        for r in rows
        if r["type"] == type_
        and who in _names(r["actors"] + r["recipients"])
        and files <= _source_files(db, r)
    ]
    assert len(found) == 1, [(r["type"], _names(r["actors"]), r["id"]) for r in found]
    return found[0]


def test_the_eight_expected_events(seeds_db: str) -> None:
    """EXPECTED.md E1-E8: type, mode, actors, recipients, attendees and every source."""
    rows = _json("timeline", "--db", seeds_db, "--json")
    e1 = _one(rows, "CONSULT", "Alexander Lavrentiev", {"000"}, seeds_db)
    assert (e1["mode"], _names(e1["actors"]), _names(e1["recipients"])) == (
        "visit", {"Alexander Lavrentiev"}, {"Bashar Al-Assad"}
    )  # fmt: skip
    assert _names(e1["attendees"]) == set() and _source_files(seeds_db, e1) == {"000"}
    e2 = _one(rows, "CONSULT", "Alexander Lavrentiev", {"001"}, seeds_db)
    assert (e2["mode"], _names(e2["actors"]), _names(e2["recipients"])) == (
        "visit", {"Alexander Lavrentiev"}, {"Bashar Al-Assad"}
    )  # fmt: skip
    assert {"Hussein Makhlouf", "Ayman Sousan", "Luna al-Shibl", "Sami Salama"} <= _names(
        e2["attendees"]
    )
    assert _source_files(seeds_db, e2) == {"001", "002"}
    e3 = [r for r in rows if r["type"] == "AGREE" and _source_files(seeds_db, r) == {"001", "002"}]
    assert len(e3) == 1 and not e3[0]["actors"] and not e3[0]["recipients"]
    e4 = _one(rows, "CONSULT", "Mohammed bin Salman", {"003"}, seeds_db)
    assert (e4["mode"], _names(e4["actors"]), _names(e4["recipients"])) == (
        "visit", {"Alexander Lavrentiev"}, {"Mohammed bin Salman"}
    )  # fmt: skip
    e5 = _one(rows, "CONSULT", "Bashar Al-Assad", {"003"}, seeds_db)
    assert (e5["mode"], _names(e5["actors"]), _names(e5["recipients"])) == (
        "visit", {"Alexander Lavrentiev"}, {"Bashar Al-Assad"}
    )  # fmt: skip
    assert {"Sergey Verchinen", "Ali Mamluk", "Ayman Sousan", "Alexander Efimov"} <= _names(
        e5["attendees"]
    )
    assert _source_files(seeds_db, e4) == _source_files(seeds_db, e5) == {"003"}
    e6 = _one(rows, "CONSULT", "Hussein Makhlouf", {"004"}, seeds_db)
    assert e6["mode"] == "multilateral"
    assert _names(e6["actors"]) == {
        "Hussein Makhlouf", "Mikhail Mizintsev",
        "the United Nations", "the International Committee of the Red Cross",
    }  # fmt: skip
    e7 = _one(rows, "ACCUSE", "Hussein Makhlouf", {"004"}, seeds_db)
    assert (_names(e7["actors"]), _names(e7["recipients"])) == (
        {"Hussein Makhlouf"}, {"Turkey", "United States"}
    )  # fmt: skip
    e8 = _one(rows, "ACCUSE", "Mikhail Mizintsev", {"004"}, seeds_db)
    assert _names(e8["actors"]) == {"Mikhail Mizintsev"}
    assert "United States" in _names(e8["recipients"])
    for record in (e6, e7, e8):
        assert _source_files(seeds_db, record) == {"004"}
    expected = {r["id"] for r in (e1, e2, *e3, e4, e5, e6, e7, e8)}
    others = [r for r in rows if r["id"] not in expected]
    assert len(others) <= 4, [(r["type"], _names(r["actors"])) for r in others]
    for record in others:  # none without a named participant
        assert record["actors"] or record["recipients"]


def _when_where(record: dict[str, Any]) -> tuple[Any, Any, Any]:
    place = record["place"]["name"] if record.get("place") else None
    return record["date"]["value"], record["date"]["origin"], place


def test_the_eight_expected_events_when_and_where(seeds_db: str) -> None:
    """EXPECTED.md E1-E8: each event's own date (with its origin) and place, across stages."""
    rows = _json("timeline", "--db", seeds_db, "--json")
    e1 = _one(rows, "CONSULT", "Alexander Lavrentiev", {"000"}, seeds_db)
    assert _when_where(e1) == ("2021-11-17", "resolved-relative", "Damascus")  # "on Wednesday"
    e2 = _one(rows, "CONSULT", "Alexander Lavrentiev", {"001"}, seeds_db)
    # "on Thursday"; Damascus is only in 001's next sentence
    assert _when_where(e2) == ("2020-10-29", "resolved-relative", "Damascus")
    (e3,) = [
        r for r in rows if r["type"] == "AGREE" and _source_files(seeds_db, r) == {"001", "002"}
    ]
    assert _when_where(e3) == ("2020-11", "resolved-relative", "Damascus")  # "next November"
    e4 = _one(rows, "CONSULT", "Mohammed bin Salman", {"003"}, seeds_db)
    e5 = _one(rows, "CONSULT", "Bashar Al-Assad", {"003"}, seeds_db)
    assert _when_where(e4) == (None, "unknown", "Riyadh")  # 003 is undated: never guessed
    assert _when_where(e5) == (None, "unknown", "Damascus")
    e6 = _one(rows, "CONSULT", "Hussein Makhlouf", {"004"}, seeds_db)
    # "this morning" in an undated article; not 2018 from "since ... 2018"
    assert _when_where(e6)[:2] == (None, "unknown")
    assert e6["place"]["name"].endswith("Umayyad Conference Palace")
    for who in ("Hussein Makhlouf", "Mikhail Mizintsev"):
        assert _when_where(_one(rows, "ACCUSE", who, {"004"}, seeds_db))[:2] == (None, "unknown")


def test_the_wrong_records_of_issue_15_are_gone(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    # "return ... since 2018": refugees going home is no RETREAT
    assert not [r for r in rows if r["type"] == "RETREAT"]
    # "..., SANA reports.": the outlet is never a participant
    assert not [r for r in rows if "SANA" in _names(r["actors"] + r["recipients"])]
    # "REJECT — -> —", "ASSAULT/destroy": no record without a named participant
    assert not [r for r in rows if r["type"] in ("REJECT", "ASSAULT")]
    assert all(r["actors"] or r["recipients"] or r["type"] == "AGREE" for r in rows)
    # E2 is one record: the attendees are not on a second CONSULT
    with_makhlouf = [
        r for r in rows if r["type"] == "CONSULT" and "Hussein Makhlouf" in _names(r["attendees"])
    ]
    assert len(with_makhlouf) == 1
    # E6 lists the people and bodies who met, not the countries; E1/E4 no extra countries
    for row in rows:
        if row["type"] == "CONSULT" and any(p["kind"] == "PERSON" for p in row["actors"]):
            assert not [p for p in row["actors"] if p["kind"] == "PLACE"], row["actors"]
            if any(p["kind"] == "PERSON" for p in row["recipients"]):
                assert not [p for p in row["recipients"] if p["kind"] == "PLACE"]


def test_confidence_is_exposed_and_filters(seeds_db: str) -> None:
    rows = _json("timeline", "--db", seeds_db, "--json")
    assert all(0.0 < r["confidence"] <= 1.0 for r in rows)
    cut = sorted(r["confidence"] for r in rows)[len(rows) // 2]
    kept = _json("timeline", "--db", seeds_db, "--json", "--min-confidence", str(cut))
    assert {r["id"] for r in kept} == {r["id"] for r in rows if r["confidence"] >= cut}
    assert 0 < len(kept) < len(rows) or len({r["confidence"] for r in rows}) == 1
    every = _json("events", "--db", seeds_db, "--json", "--per-article")
    assert every and all(0.0 < e["confidence"] < 1.0 for e in every)
    assert (
        _json("events", "--db", seeds_db, "--json", "--per-article", "--min-confidence", "1") == []
    )
    bad = CliRunner().invoke(app, ["timeline", "--db", seeds_db, "--min-confidence", "2"])
    assert bad.exit_code == 2
