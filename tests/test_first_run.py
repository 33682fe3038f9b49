"""A new user's first run: what installs, what a broken install says, what nothing creates.

`.ci/run` runs README line 1 for real in a fresh venv with the pip `python3 -m venv` brings;
these tests pin the reasons it can pass: every import is a declared dependency (also those old
pip drops when an extra's name is spelled differently), a missing part is one DL002 line, and
commands that were not asked to store anything leave no database behind.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from dateline.cli import app

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "dateline"


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    return {canonicalize_name(r.name): r for r in reqs}


def _imported_modules() -> set[str]:
    """Top-level modules `src/dateline` imports that are neither ours nor the standard library."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "train" in path.relative_to(SRC).parts:
            continue  # training runs from a dev install
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "dateline"}


def test_every_import_is_a_declared_dependency() -> None:
    declared = set(_declared())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = {
        canonicalize_name(Requirement(r).name)
        for extra in project["optional-dependencies"].values()
        for r in extra
    }
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_modules()):
        dists = {canonicalize_name(d) for d in providers.get(module, [module])}
        if not dists & (declared | optional):
            missing[module] = sorted(dists)
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"


def _requires(dist: str, extras: set[str]) -> list[Requirement]:
    """A distribution's requirements that apply here with these extras (as installed)."""
    out = []
    for line in metadata.requires(dist) or []:
        req = Requirement(line)
        marker = req.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in extras | {""}):
            out.append(req)
    return out


def test_old_pip_installs_everything_despite_extra_spellings() -> None:
    """pip 23.2 (what `python3 -m venv` brings) matches an extra only as spelled: justext's
    `lxml[html_clean]` misses lxml 6's `html-clean` and its packages are skipped. Whatever an
    extra would have pulled in that way must be reachable without it."""
    reached: set[str] = set()
    skipped: dict[str, str] = {}
    todo = [(name, set(req.extras)) for name, req in _declared().items()]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed here (e.g. a marker for another platform)
        provided = set(dist.metadata.get_all("Provides-Extra") or [])
        usable = {e for e in extras if e in provided}  # old pip: the literal spelling only
        for lost in extras - usable:
            for req in _requires(name, {canonicalize_name(lost)}):
                if req.marker is not None:
                    skipped[canonicalize_name(req.name)] = f"{name}[{lost}]"
        key = f"{canonicalize_name(name)}[{','.join(sorted(usable))}]"
        if key in reached:
            continue
        reached.add(key)
        todo += [(canonicalize_name(r.name), set(r.extras)) for r in _requires(name, usable)]
    plain = {k.split("[")[0] for k in reached}
    assert {n: via for n, via in skipped.items() if n not in plain} == {}


# Runs `dateline ingest` with lxml_html_clean made unimportable, as it is after a stock-pip install.
_BLOCKED = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "lxml_html_clean":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
sys.argv = ["dateline", *sys.argv[1:]]
from dateline.cli import main
main()
"""


def test_a_missing_part_is_one_dl002_line_and_leaves_no_database(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Talks resumed in Sarnbridge.</p></body></html>")
    home = tmp_path / "home"
    env = os.environ | {"DATELINE_HOME": str(home)}
    env.pop("DATELINE_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", _BLOCKED, "ingest", str(page)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(lines) == 1 and lines[0].startswith("[DL002]"), done.stderr[-3000:]
    assert "pip install lxml_html_clean" in lines[0]
    assert not home.exists()


READ_COMMANDS = [
    ["articles"],
    ["articles", "--json"],
    ["show", "0123abcd"],
    ["claims", "--json"],
    ["groups", "--json"],
    ["compare", "a", "b"],
    ["events", "--json"],
    ["timeline", "--json"],
    ["entities", "--json"],
    ["export", "--format", "jsonl"],
    ["link"],
    ["follow", "list"],
    ["follow", "remove", "1"],
    ["fetch"],
    ["watch", "--cycles", "1", "--every", "1s"],
    ["archived", "0123abcd"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c))
def test_commands_that_store_nothing_create_no_database(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DATELINE_HOME", str(home))
    monkeypatch.delenv("DATELINE_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (["--help"], [*command[:1], "--help"]):
        assert CliRunner().invoke(app, args).exit_code == 0
    assert not home.exists()
    result = CliRunner().invoke(app, command)
    assert result.exit_code != 0
    assert "[DL030]" in result.output and "no dateline database here" in result.output
    assert not home.exists()
    named = tmp_path / "named.db"
    result = CliRunner().invoke(app, [*command, "--db", str(named)])
    assert "[DL030]" in result.output and not named.exists()


def test_load_of_a_wrong_folder_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["load", str(tmp_path / "nothing-here")])
    assert result.exit_code == 1 and "no Spark output here" in result.output
    assert not (tmp_path / "home").exists()


def test_serve_refuses_a_missing_database_instead_of_creating_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = os.environ | {"DATELINE_HOME": str(home)}
    env.pop("DATELINE_DB", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dateline", "serve", "--port", "0"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("serve started on a database that does not exist")
    assert done.returncode == 1 and "[DL030]" in done.stderr
    assert "Traceback" not in done.stderr and not home.exists()
