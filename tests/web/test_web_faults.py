"""The web server's edges: host names (DNS rebinding), writes refused before their body is read,
uploads capped while they stream, bad headers and parameters as 4xx JSON, alternatives as fields.

Requests that must be answered before the body is read go to the ASGI app directly, with a
`receive` that counts what the app asked for.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.settings import Settings
from dateline.store import open_store
from dateline.store.events import load_event_records, replace_event_records
from dateline.web import create_app

TOKEN = "test-token-0123456789"
BIG = 2**63


def _call(
    app: Any,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    chunks: int = 0,
    chunk: bytes = b"x" * 65536,
) -> tuple[int, dict[str, Any], int]:
    """Send one request straight to the ASGI app; return (status, JSON body, chunks read).

    The body is `chunks` pieces of `chunk`, streamed without a Content-Length unless the
    headers give one.
    """
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > chunks:
            return {"type": "http.request", "body": b"", "more_body": False}
        body = FILE_PART + chunk if asked == 1 else chunk
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), min(asked, chunks)


MULTIPART = [(b"content-type", b"multipart/form-data; boundary=xyz")]
# The start of a well-formed upload of one file, whose content then streams in.
FILE_PART = (
    b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
)


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example"],
)
def test_other_host_names_are_refused_against_dns_rebinding(web_db: str, host: str) -> None:
    with TestClient(create_app(web_db), base_url=f"http://{host}") as client:
        for path in ("/api/articles", "/", "/api/events"):
            response = client.get(path)
            assert response.status_code == 400, path
            assert "not served here" in response.json()["detail"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]:8000"])
def test_loopback_host_names_are_served(web_db: str, host: str) -> None:
    with TestClient(create_app(web_db), base_url=f"http://{host}") as client:
        assert client.get("/api/overview").status_code == 200


def test_named_hosts_are_served_when_allowed(web_db: str) -> None:
    from dateline.web.app import served_hosts

    hosts = served_hosts("news.example.org", True, ["dateline.lan"])
    assert hosts == ["dateline.lan", "news.example.org"]
    assert served_hosts("news.example.org", False, []) == []
    app = create_app(web_db, allowed_hosts=hosts)  # type: ignore[call-arg]
    for host, status in (("news.example.org", 200), ("dateline.lan:80", 200), ("x.org", 400)):
        with TestClient(app, base_url=f"http://{host}") as client:
            assert client.get("/api/overview").status_code == status, host


@pytest.mark.parametrize(
    ("token", "authorization", "status"),
    [
        (None, b"Bearer " + TOKEN.encode(), 403),
        (TOKEN, b"", 401),
        (TOKEN, b"Bearer wrong", 401),
        (TOKEN, "Bearer tést-tøken".encode(), 401),
        (TOKEN, b"Bearer \xff\xfe\x00", 401),
    ],
)
def test_a_write_without_the_token_is_refused_before_its_body_is_read(
    web_db: str, token: str | None, authorization: bytes, status: int
) -> None:
    app = create_app(web_db, token=token)
    headers = [*MULTIPART, (b"authorization", authorization)] if authorization else MULTIPART
    answer, body, read = _call(app, "POST", "/api/ingest", headers, chunks=32)
    assert (answer, read) == (status, 0)
    assert "token" in body["detail"]


def test_an_upload_over_the_limit_is_refused_while_it_streams(
    web_db: str, web_settings: Settings
) -> None:
    limit = 200_000
    capped = web_settings.replace(extra=web_settings.extra | {"web": {"max_upload_bytes": limit}})
    app = create_app(web_db, token=TOKEN, settings=capped)
    auth = [*MULTIPART, (b"authorization", f"Bearer {TOKEN}".encode())]
    # No Content-Length: 2 MiB arrive in 64 KiB pieces; reading stops at the limit.
    status, body, read = _call(app, "POST", "/api/ingest", auth, chunks=32)
    assert status == 413 and "limit" in body["detail"], body
    assert read == limit // 65536 + 1
    # A declared length over the limit is refused before anything is read.
    declared = [*auth, (b"content-length", str(32 * 65536).encode())]
    status, body, read = _call(app, "POST", "/api/ingest", declared, chunks=32)
    assert (status, read) == (413, 0)


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles",
        "/api/events",
        "/api/entities",
        "/api/claims",
        "/api/search?q=talks&",
        "/articles",
        "/entities",
        "/claims",
        "/search?q=talks&",
    ],
)
@pytest.mark.parametrize("value", [str(BIG), str(BIG * BIG), "-1", "1e3", "NaN", "１２"])
def test_an_offset_out_of_range_is_a_4xx(client: TestClient, path: str, value: str) -> None:
    sep = "" if path.endswith("&") else "?"
    response = client.get(f"{path}{sep}offset={value}")
    assert 400 <= response.status_code < 500
    if path.startswith("/api"):
        assert "detail" in response.json()


GET_PATHS = [
    "/api/articles",
    "/api/events",
    "/api/entities",
    "/api/claims",
    "/api/groups",
    "/api/search",
    "/api/overview",
    "/timeline",
    "/articles",
    "/search",
    "/events",
    "/entities",
]
_PARAMS = ["limit", "offset", "q", "entity", "type", "place", "date_from", "date_to", "kind"]
_values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]).map(str),
    st.text(max_size=40),
    st.sampled_from(["", "0", "2024-02-30", "9999-99-99", "NULL", "%", "'", "\\", "*", "\x00"]),
)
_header_values = st.binary(max_size=40).filter(lambda b: b"\r" not in b and b"\n" not in b)
_authorizations = st.one_of(_header_values, _header_values.map(lambda b: b"Bearer " + b))


@settings(max_examples=80)
@given(
    path=st.sampled_from(GET_PATHS),
    params=st.dictionaries(st.sampled_from(_PARAMS), _values, max_size=4),
    authorization=_authorizations,
    accept=_header_values,
)
def test_bad_headers_and_parameters_are_4xx_never_5xx(
    web_app: Any, path: str, params: dict[str, str], authorization: bytes, accept: bytes
) -> None:
    client = TestClient(web_app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    headers = {"authorization": authorization, "accept": accept}  # raw bytes, any encoding
    response = client.get(path, params=params, headers=headers)  # type: ignore[arg-type]
    assert response.status_code < 500, (path, params, response.text[:300])
    if response.status_code >= 400 and path.startswith("/api"):
        assert "detail" in response.json()
    posted = client.post("/api/ingest", headers=headers)  # type: ignore[arg-type]
    assert posted.status_code in (401, 403) and "detail" in posted.json()


@pytest.fixture(scope="module")
def web_app(web_db: str, web_settings: Settings) -> Any:
    """One app over the shared store, with a write token (nothing here writes)."""
    return create_app(web_db, token=TOKEN, settings=web_settings)


def test_alternatives_are_shown_as_fields_not_raw_values(
    writer: TestClient, writable_db: str
) -> None:
    with open_store(writable_db) as store:
        records = load_event_records(store)
        places = {
            r[1]: r[0]
            for r in store.conn.execute("SELECT id, name FROM entities WHERE kind = 'PLACE'")
        }
        target = next(r for r in records if r.place)
        other = next(i for name, i in sorted(places.items()) if i != target.place)
        changed = dataclasses.replace(
            target,
            alternatives=(("date", "2020-10-28"), ("mode", "phone"), ("place", other)),
        )
        replace_event_records(store, [changed if r.id == target.id else r for r in records])
        other_name = next(n for n, i in places.items() if i == other)
    html = writer.get(f"/events/{target.id}").text
    block = html[html.index("<dt>Alternatives</dt>") :].split("</dd>", 1)[0]
    assert "{" not in block and "'id'" not in block  # no Python dict or tuple printed
    assert re.search(rf'<a href="/entities/{other}">{re.escape(other_name)}</a>', block)
    assert '<time datetime="2020-10-28">2020-10-28</time>' in block
    assert '<span class="field">mode</span> phone' in block
    api = writer.get(f"/api/events/{target.id}").json()["alternatives"]
    assert {"field": "mode", "value": "phone"} in api
    assert next(a for a in api if a["field"] == "place")["value"]["name"] == other_name
