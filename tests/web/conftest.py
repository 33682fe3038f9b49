"""Fixtures for the web app: one store built from the sample articles (plus a hostile page)."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.settings import Settings
from dateline.store import open_store
from dateline.web import create_app

TOKEN = "test-token-0123456789"
LOCAL = "http://127.0.0.1"  # the app answers loopback host names only

# An article whose text carries markup as literal text (a pasted reader comment), plus real
# script and image tags that the HTML reader strips as debris.
HOSTILE_HTML = """<!doctype html>
<html><head><title>Officials meet in Damascus &lt;script&gt;alert(3)&lt;/script&gt;</title>
<meta property="article:published_time" content="2021-03-04">
<script>window.__pwned = 1; alert(0)</script>
</head>
<body>
<article>
<h1>Officials meet in Damascus &lt;script&gt;alert(3)&lt;/script&gt;</h1>
<p>Officials met in Damascus on Wednesday to discuss the return of refugees, the ministry said
in a statement released after the meeting.</p>
<p>A reader comment pasted into the story read: &lt;script&gt;alert(1)&lt;/script&gt; and then
&lt;img src=x onerror="alert(2)"&gt; before the editors removed it.</p>
<script>window.__pwned = 2; alert(1)</script>
<img src=x onerror="alert(2)">
<p>The delegation said that talks would continue next month in the capital, according to the
statement.</p>
</article>
</body></html>
"""


@pytest.fixture(scope="session")
def web_settings(session_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose database is the web tests' own file."""
    folder = tmp_path_factory.mktemp("web")
    return session_settings.replace(db=str(folder / "web.db"))


@pytest.fixture(scope="session")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile HTML page, written to a temporary folder."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.html"
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def web_db(seeds_dir: Path, hostile_file: Path, web_settings: Settings) -> str:
    """A store holding the five samples and the hostile page, ingested and linked once."""
    with open_store(web_settings.db_path) as store:
        report = ingest([seeds_dir, hostile_file], store=store, settings=web_settings)
        assert not report.errors, report.errors
        link_corpus(store, settings=web_settings)
    return str(web_settings.db_path)


@pytest.fixture(scope="session")
def client(web_db: str, web_settings: Settings) -> Iterator[TestClient]:
    """A test client over the shared store, with a write token configured (do not write)."""
    with TestClient(create_app(web_db, token=TOKEN, settings=web_settings), base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="session")
def hostile_id(client: TestClient) -> str:
    """The id of the hostile article."""
    items = client.get("/api/articles", params={"limit": 500}).json()["items"]
    return next(a["id"] for a in items if a["source_path"].endswith("hostile.html"))


@pytest.fixture(scope="session")
def ids(client: TestClient) -> dict[str, str]:
    """Article ids of the samples by file number ("000" ... "004")."""
    items = client.get("/api/articles", params={"limit": 500}).json()["items"]
    return {Path(a["source_path"]).name[:3]: a["id"] for a in items}


@pytest.fixture()
def writable_db(web_db: str, tmp_path: Path) -> str:
    """A private copy of the shared store, for tests that write."""
    target = tmp_path / "copy.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return str(target)


@pytest.fixture()
def writer(writable_db: str, web_settings: Settings) -> Iterator[TestClient]:
    """A test client over a private copy of the store, with the write token configured."""
    settings = web_settings.replace(db=writable_db)
    with TestClient(create_app(writable_db, token=TOKEN, settings=settings), base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    """The Authorization header carrying the right bearer token."""
    return {"Authorization": f"Bearer {TOKEN}"}


@contextlib.contextmanager
def served(db: str) -> Iterator[str]:
    """Serve the app on `db` with uvicorn in a background thread on a free loopback port."""
    import uvicorn

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
