"""`dateline serve` and its bind check."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

import dateline.cli.serve  # noqa: F401  (registers the command)
from dateline.cli.app import app
from dateline.errors import ConfigError, DatelineError
from dateline.store import open_store
from dateline.web.app import RemoteBindRefused, check_bind


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_allowed(host: str) -> None:
    check_bind(host, allow_remote=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org", ""])
def test_remote_hosts_are_refused(host: str) -> None:
    with pytest.raises(RemoteBindRefused) as info:
        check_bind(host, allow_remote=False)
    assert isinstance(info.value, DatelineError) and isinstance(info.value, ConfigError)
    assert "--allow-remote" in str(info.value)
    check_bind(host, allow_remote=True)


def test_serve_refuses_remote_bind(tmp_path: Any) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on '0.0.0.0'" in result.output


def test_serve_runs_uvicorn(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: calls.append({"app": web, **kw}))
    monkeypatch.setenv("DATELINE_TOKEN", "from-env")
    db = tmp_path / "served.db"
    open_store(db).close()  # serve refuses a database that does not exist
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8765
    assert calls[0]["app"].state.token == "from-env"
    assert calls[0]["app"].state.db_path == str(db.resolve())
    remote = CliRunner().invoke(
        app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--allow-remote"]
    )
    assert remote.exit_code == 0 and calls[-1]["host"] == "0.0.0.0"
