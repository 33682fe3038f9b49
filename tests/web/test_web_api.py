"""REST API: every endpoint, errors as JSON, validation, token-guarded writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dateline.link.run import link_corpus
from dateline.settings import Settings
from dateline.store import open_store
from dateline.store.overrides import apply_entity_overrides, list_overrides
from dateline.store.search import rebuild_search_index
from dateline.web import create_app


def _entity_id(client: TestClient, name: str) -> str:
    items = client.get("/api/entities", params={"name": name}).json()["items"]
    exact = [e for e in items if e["name"] == name]
    assert exact, f"no entity named {name!r} among {[e['name'] for e in items]}"
    return str(exact[0]["id"])


def _meeting(client: TestClient) -> dict:
    """The corpus event: Lavrentiev received by Assad on 2020-10-29."""
    events = client.get(
        "/api/events",
        params={"entity": "Lavrentiev", "type": "CONSULT", "date_from": "2020-10-29",
                "date_to": "2020-10-29"},
    ).json()["items"]  # fmt: skip
    for event in events:
        names = {p["name"] for p in event["recipients"]}
        if any("Assad" in n for n in names):
            return event
    raise AssertionError(f"no Lavrentiev/Assad meeting among {events}")


# -- reads -------------------------------------------------------------------------------------


def test_overview_counts(client: TestClient) -> None:
    data = client.get("/api/overview").json()
    counts = data["counts"]
    assert counts["articles"] == 6
    assert counts["events"] > 0 and counts["entities"] > 0 and counts["claims"] > 0
    assert counts["groups"] >= 1
    assert data["ingest_errors"] == []


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/overview", "/api/articles", "/api/articles/{article_id}", "/api/events",
                 "/api/events/{event_id}", "/api/entities", "/api/entities/{entity_id}",
                 "/api/claims", "/api/groups", "/api/search", "/api/ingest",
                 "/api/entities/{entity_id}/merge", "/api/entities/{entity_id}/split",
                 "/api/articles/{article_id}/compare/{other_id}"):  # fmt: skip
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_articles_paginated(client: TestClient) -> None:
    first = client.get("/api/articles", params={"limit": 2}).json()
    assert first["total"] == 6 and len(first["items"]) == 2
    rest = client.get("/api/articles", params={"limit": 10, "offset": 2}).json()
    assert len(rest["items"]) == 4
    seen = [a["id"] for a in first["items"] + rest["items"]]
    assert len(set(seen)) == 6


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}]
)
def test_articles_bad_paging_is_422(client: TestClient, params: dict) -> None:
    response = client.get("/api/articles", params=params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_article_by_id_and_prefix(client: TestClient, ids: dict[str, str]) -> None:
    full = client.get(f"/api/articles/{ids['002']}").json()
    assert full["published"]["origin"] == "inferred-from-twin"
    assert full["text"] and full["entities"] and full["sentences"]
    assert any(g["kind"] == "same-event" for g in full["groups"])
    assert full["input_records"][0]["source_path"].endswith(".txt")
    by_prefix = client.get(f"/api/articles/{ids['002'][:6]}").json()
    assert by_prefix["id"] == ids["002"]


def test_unknown_article_is_404_json(client: TestClient) -> None:
    response = client.get("/api/articles/ffffffffffffffff")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "no article" in response.json()["detail"]


def test_compare(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get(f"/api/articles/{ids['001']}/compare/{ids['002']}").json()
    assert data["shared"]
    assert any("It is noteworthy that Russia" in p["text"] for p in data["only_b"])
    assert client.get(f"/api/articles/{ids['001']}/compare/ffffffff").status_code == 404


def test_events_in_date_order_undated_last(client: TestClient) -> None:
    events = client.get("/api/events").json()["items"]
    values = [e["date"]["value"] for e in events]
    dated = [v for v in values if v]
    assert dated == sorted(dated)
    assert values.index(None) == len(dated)  # every undated one after every dated one
    assert all(e["source_count"] == len(e["sources"]) for e in events)


def test_event_filters(client: TestClient) -> None:
    meeting = _meeting(client)
    assert meeting["source_count"] == 2
    consult = client.get("/api/events", params={"type": "consult"}).json()["items"]
    assert consult and all(e["type"] == "CONSULT" for e in consult)
    in_range = client.get(
        "/api/events", params={"date_from": "2021-01-01", "date_to": "2021-12-31"}
    ).json()["items"]
    assert in_range and all(e["date"]["value"].startswith("2021") for e in in_range)
    damascus = client.get("/api/events", params={"place": "damascus"}).json()["items"]
    assert damascus and all(e["place"]["name"] == "Damascus" for e in damascus)
    nobody = client.get("/api/events", params={"entity": "nobody-at-all"}).json()
    assert nobody["items"] == [] and nobody["total"] == 0
    by_actor = client.get("/api/events", params={"actor": "Lavrentiev"}).json()
    by_entity = client.get("/api/events", params={"entity": "Lavrentiev"}).json()
    assert by_actor == by_entity and by_actor["total"] >= 1
    sourced = client.get("/api/events", params={"min_sources": 2}).json()["items"]
    assert meeting["id"] in {e["id"] for e in sourced}
    assert all(e["source_count"] >= 2 for e in sourced)
    sure = client.get("/api/events", params={"min_confidence": 0.9}).json()["items"]
    assert all(e["confidence"] >= 0.9 for e in sure)


def test_events_come_a_page_at_a_time(client: TestClient) -> None:
    everything = client.get("/api/events", params={"limit": 500}).json()
    page = client.get("/api/events", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == everything["total"] == len(everything["items"]) > 3
    assert (page["limit"], page["offset"]) == (2, 1)
    assert [e["id"] for e in page["items"]] == [e["id"] for e in everything["items"][1:3]]
    assert client.get("/api/events", params={"limit": 0}).status_code == 422
    assert client.get("/api/events", params={"offset": -1}).status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {"type": "PARTY"},
        {"date_from": "2020-13-01"},
        {"date_to": "yesterday"},
        {"date_from": "2021-01-02", "date_to": "2021-01-01"},
        {"min_sources": "0"},
        {"min_sources": "two"},
        {"min_confidence": "1.5"},
        {"min_confidence": "nan"},
    ],
)
def test_bad_event_filters_are_422(client: TestClient, params: dict) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_event_by_id(client: TestClient, ids: dict[str, str]) -> None:
    meeting = _meeting(client)
    data = client.get(f"/api/events/{meeting['id']}").json()
    assert {s["article_id"] for s in data["sources"]} == {ids["001"], ids["002"]}
    assert all(s["evidence"] and s["evidence"][0]["text"] for s in data["sources"])
    assert "claims" in data
    response = client.get("/api/events/ev-does-not-exist")
    assert response.status_code == 404 and "detail" in response.json()


def test_entities_and_dossier(client: TestClient) -> None:
    listing = client.get("/api/entities", params={"name": "Lavrent"}).json()
    assert listing["total"] >= 1
    lavrentiev = _entity_id(client, "Alexander Lavrentiev")
    dossier = client.get(f"/api/entities/{lavrentiev}").json()
    assert {"Lavrentyev", "Lavrenteev"} <= set(dossier["aliases"])
    for key in ("roles", "country", "sector", "events", "claims", "articles_list"):
        assert key in dossier
    assert dossier["events"]
    assert len(dossier["articles_list"]) >= 3
    assert client.get("/api/entities/ent-nope").status_code == 404
    assert client.get("/api/entities", params={"kind": "ANIMAL"}).status_code == 422


def test_dossier_claims_over_time(client: TestClient) -> None:
    makhlouf = _entity_id(client, "Hussein Makhlouf")
    claims = client.get(f"/api/entities/{makhlouf}").json()["claims"]
    assert claims, "Makhlouf's claims (004) are linked to him"
    assert any("2,5" in c["content"]["text"] or "million" in c["content"]["text"] for c in claims)


def test_claims(client: TestClient) -> None:
    data = client.get("/api/claims").json()
    assert data["total"] >= 5
    page = client.get("/api/claims", params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2
    assert client.get("/api/claims", params={"limit": -3}).status_code == 422


def test_groups(client: TestClient, ids: dict[str, str]) -> None:
    groups = client.get("/api/groups").json()
    same = client.get("/api/groups", params={"kind": "same-event"}).json()
    assert same["items"] and same["total"] < groups["total"] == len(groups["items"])
    same = same["items"]
    assert any({m["id"] for m in g["members"]} >= {ids["001"], ids["002"]} for g in same)
    assert client.get("/api/groups", params={"kind": "cousins"}).status_code == 422


def test_search_finds_rukban_with_facets(client: TestClient, ids: dict[str, str]) -> None:
    data = client.get("/api/search", params={"q": "Rukban"}).json()
    assert data["total"] >= 1
    hit = data["items"][0]
    assert hit["article_id"] == ids["004"]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].lower() == "rukban"
    published = client.get(f"/api/articles/{ids['004']}").json()["published"]["value"]
    assert data["facets"]["year"] == {(published or "undated")[:4] if published else "undated": 1}
    assert sum(data["facets"]["outlet"].values()) == 1


def test_search_query_syntax_is_not_an_error(client: TestClient) -> None:
    for q in ['"unbalanced', "NEAR(", "a AND OR", "*", "Lavrentiev)"]:
        assert client.get("/api/search", params={"q": q}).status_code == 200
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search").status_code == 422


def test_search_index_rebuild_is_idempotent(web_db: str) -> None:
    with open_store(web_db) as store:
        first = rebuild_search_index(store)
        second = rebuild_search_index(store)
        rows = store.conn.execute("SELECT count(*) FROM search_index").fetchone()[0]
        assert first == second == rows


# -- writes ------------------------------------------------------------------------------------


def test_writes_refused_without_configured_token(web_db: str) -> None:
    with TestClient(create_app(web_db), base_url="http://127.0.0.1") as ro:
        response = ro.post("/api/entities/x/merge", json={"other_id": "y"})
        assert response.status_code == 403
        response = ro.post(
            "/api/entities/x/merge", json={"other_id": "y"}, headers={"Authorization": "Bearer "}
        )
        assert response.status_code == 403
        files = {"files": ("a.txt", b"text", "text/plain")}
        assert ro.post("/api/ingest", files=files).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dGVzdA=="},
     {"Authorization": "test-token-0123456789"}],
)  # fmt: skip
def test_writes_need_the_right_token(client: TestClient, headers: dict) -> None:
    lavrentiev = _entity_id(client, "Alexander Lavrentiev")
    response = client.post(
        f"/api/entities/{lavrentiev}/split", json={"aliases": ["Lavrenteev"]}, headers=headers
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    files = {"files": ("a.txt", b"text", "text/plain")}
    assert client.post("/api/ingest", files=files, headers=headers).status_code == 401


def test_upload_round_trip(writer: TestClient, auth: dict[str, str]) -> None:
    text = (
        " date 2022-02-03 Officials from Quuxland met Syrian ministers in Damascus on Tuesday.\n\n"
        "The Quuxland delegation said the talks on refugee return would continue next week, "
        "according to a statement from the ministry.\n"
    )
    response = writer.post(
        "/api/ingest",
        files=[("files", ("../../quux report.txt", text.encode(), "text/plain"))],
        headers=auth,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["inserted"] == 1 and report["failed"] == 0
    assert report["link"]["articles"] == 7
    new_id = report["article_ids"][0]
    article = writer.get(f"/api/articles/{new_id}").json()
    assert article["published"]["value"] == "2022-02-03"
    assert "/../" not in article["source_path"] and "quux_report.txt" in article["source_path"]
    hits = writer.get("/api/search", params={"q": "Quuxland"}).json()["items"]
    assert hits and hits[0]["article_id"] == new_id
    again = writer.post(
        "/api/ingest", files=[("files", ("quux.txt", text.encode(), "text/plain"))], headers=auth
    ).json()
    assert again["inserted"] == 0
    bad = writer.post(
        "/api/ingest", files=[("files", ("x.png", b"\x89PNG\r\n\x1a\n\0\0", "image/png"))],
        headers=auth,
    ).json()  # fmt: skip
    assert bad["failed"] == 1 and bad["errors"][0].startswith("[DL01")


def test_merge_entities(
    writer: TestClient, auth: dict[str, str], writable_db: str, web_settings: Settings
) -> None:
    # his title was taken for an organisation: an operator folds it into the person
    person = _entity_id(writer, "Hussein Makhlouf")
    title = "Minister of Local Administration and Environment"
    stray = _entity_id(writer, title)
    before = writer.get(f"/api/entities/{person}").json()
    stray_view = writer.get(f"/api/entities/{stray}").json()
    response = writer.post(f"/api/entities/{person}/merge", json={"other_id": stray}, headers=auth)
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["kind"] == "PERSON" and title in merged["aliases"]
    assert merged["mentions"] == before["mentions"] + stray_view["mentions"]
    assert writer.get(f"/api/entities/{stray}").status_code == 404
    after = writer.get(f"/api/entities/{person}").json()
    assert len(after["claims"]) >= len(before["claims"])
    events = writer.get("/api/events", params={"limit": 500}).json()["items"]
    ids_in_events = {p["id"] for e in events for p in (*e["actors"], *e["recipients"])}
    assert stray not in ids_in_events
    # the decision survives a re-link that recomputes identities
    with open_store(writable_db) as store:
        link_corpus(store, settings=web_settings.replace(db=writable_db))  # replays overrides
        assert not store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (stray,)).fetchone()
        assert apply_entity_overrides(store) == 0  # replaying again changes nothing
        assert list_overrides(store)[0]["op"] == "merge"
    assert writer.get(f"/api/entities/{stray}").status_code == 404
    assert writer.get(f"/api/entities/{person}").json()["mentions"] == merged["mentions"]


def test_merge_errors(writer: TestClient, auth: dict[str, str]) -> None:
    place = _entity_id(writer, "Damascus")
    self_merge = writer.post(f"/api/entities/{place}/merge", json={"other_id": place}, headers=auth)
    assert self_merge.status_code == 422
    unknown = writer.post(f"/api/entities/{place}/merge", json={"other_id": "ent-x"}, headers=auth)
    assert unknown.status_code == 404
    missing = writer.post(f"/api/entities/{place}/merge", json={}, headers=auth)
    assert missing.status_code == 422


def test_split_entity(writer: TestClient, auth: dict[str, str]) -> None:
    lavrentiev = _entity_id(writer, "Alexander Lavrentiev")
    before = writer.get(f"/api/entities/{lavrentiev}").json()
    response = writer.post(
        f"/api/entities/{lavrentiev}/split",
        json={"aliases": ["Lavrenteev"], "name": "Lavrenteev (check)"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    kept, new = response.json()["kept"], response.json()["new"]
    assert "Lavrenteev" not in kept["aliases"] and new["aliases"] == ["Lavrenteev"]
    assert new["name"] == "Lavrenteev (check)"
    assert new["mentions"] >= 1
    assert kept["mentions"] + new["mentions"] == before["mentions"]
    dossier = writer.get(f"/api/entities/{new['id']}").json()
    assert dossier["articles_list"]
    unknown = writer.post(
        f"/api/entities/{lavrentiev}/split", json={"aliases": ["Nobody"]}, headers=auth
    )
    assert unknown.status_code == 422
    empty = writer.post(f"/api/entities/{lavrentiev}/split", json={"aliases": []}, headers=auth)
    assert empty.status_code == 422


def test_uploads_are_kept_beside_the_database(writer: TestClient, auth: dict[str, str],
                                              writable_db: str) -> None:  # fmt: skip
    files = [
        ("files", ("note.txt", b" date 2022-01-01 A short note on talks in Riyadh.", "text/plain"))
    ]
    writer.post("/api/ingest", files=files, headers=auth)
    uploads = Path(writable_db).parent / "uploads"
    assert any(p.name.endswith("note.txt") for p in uploads.rglob("*"))
