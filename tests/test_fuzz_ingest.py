"""Fuzzing ingest: whatever a file holds or is called, it becomes stored articles or DL errors.

Two bounded parts. Hypothesis writes files (random bytes, damaged text, JSONL and CSV with bad
records, tag soup, cut or corrupted gzip and WARC, under odd names with any ending) and
ingests each into one store: every input yields an article or an error with a DL code naming
it, the messages print, and the store's integrity check passes after each. Then the command
line ingests a folder of hostile inputs, special files included (FIFO, /dev/zero behind a
link, a socket, a symlink loop, a folder named like a file): it must end in time, print one
line per bad input and no traceback.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.errors import DatelineError
from dateline.ingest import ingest
from dateline.settings import Settings, load_settings
from dateline.store import Store, open_store

STORY = (
    "Officials in Sarnbridge said on Monday that 4,200 families had returned to the northern "
    'district since March. "We expect more," the governor told reporters in Valmora.'
)
ENDINGS = [".txt", ".html", ".jsonl", ".csv", ".warc", ".warc.gz", ".md", ".htm", ".ndjson", ""]
CODE = re.compile(r"^\[DL0\d\d\] ")


def _warc(pages: list[bytes], *, zipped: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=zipped)
    for i, page in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://news.example.org/{i}", "response", payload=io.BytesIO(page),
            http_headers=headers,
        )  # fmt: skip
        writer.write_record(record)
    return buf.getvalue()


def _page(text: str) -> bytes:
    return f"<html><head><title>T</title></head><body><p>{text}</p></body></html>".encode()


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes cut short, with a few bytes overwritten, or both."""
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 3))):
        if data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data


_text = st.text(max_size=300)
_lines = st.lists(
    st.one_of(
        st.builds(lambda t: json.dumps({"text": t + " " + STORY}).encode(), _text),
        st.binary(max_size=80),
        st.just(b'{"text": "bro\x00ken"}'),
        st.just(b'{"text": ""}'),
        st.just(b"[" * 5000),
    ),
    max_size=8,
)
CONTENTS = st.one_of(
    st.binary(max_size=3000),
    _text.map(lambda t: (t + STORY).encode("utf-8", "surrogatepass")),
    st.binary(max_size=50).map(lambda b: STORY.encode() + b + STORY.encode()),
    _lines.map(lambda lines: b"\n".join(lines)),
    st.lists(st.binary(max_size=60), max_size=6).map(
        lambda rows: b'id,text\n1,"' + STORY.encode() + b'"\n' + b"\n".join(rows)
    ),
    st.text(alphabet="<>/=\"' abcdehlpt!-&;\n", max_size=400).map(str.encode),
    st.just(_page(STORY)).flatmap(damaged),
    st.just(_warc([_page(STORY), _page("second")], zipped=True)).flatmap(damaged),
    st.just(_warc([_page(STORY)], zipped=False)).flatmap(damaged),
    st.binary(max_size=500).map(gzip.compress).flatmap(damaged),
)
# Name stems: any text a file system takes, or bytes that are not UTF-8.
STEMS = st.one_of(
    st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\x00" not in s),
    st.binary(min_size=1, max_size=20).filter(lambda b: b"/" not in b and b"\x00" not in b),
)


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) if the block takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"ingest took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Settings, Path]]:
    """One store every example ingests into, and a folder for the files."""
    folder = tmp_path_factory.mktemp("fuzz")
    config = load_settings(None, data_dir=str(folder), db="fuzz.db", workers=1)
    with open_store(config.db_path) as store:
        yield store, config, folder


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM for the time limit")
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=CONTENTS, stem=STEMS, ending=st.sampled_from(ENDINGS))
def test_any_file_becomes_articles_or_dl_errors(
    fuzz_store: tuple[Store, Settings, Path], content: bytes, stem: str | bytes, ending: str
) -> None:
    store, config, folder = fuzz_store
    name = (os.fsencode(stem) if isinstance(stem, str) else stem) + ending.encode()
    try:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        path.write_bytes(content)
    except (OSError, ValueError):
        return  # a name this file system refuses: nothing to read
    before = store.count_articles()
    try:
        with _time_limit(60):
            report = ingest([path], store=store, settings=config, force=True)
    finally:
        path.unlink()
    assert report.read + report.failed >= 1, "the input gave neither a document nor an error"
    for error in [*report.errors, *report.warnings]:
        assert isinstance(error, DatelineError) and CODE.match(str(error)), str(error)
        assert error.path, str(error)
        str(error).encode("utf-8")  # prints and stores whatever the file was called
    if report.read and not report.failed:
        assert report.inserted + report.updated + report.unchanged == report.read
    assert store.count_articles() >= before
    assert store.integrity_problems() == []


def _special_files(folder: Path) -> dict[str, str]:
    """Hostile inputs the command line must survive; name -> the error code each must get."""
    expected = {}
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    expected["empty.txt"] = "DL011"
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    expected["photo.txt"] = "DL012"
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")
        os.mkfifo(folder / "pipe.jsonl")
        expected |= {"pipe.txt": "DL016", "pipe.jsonl": "DL016"}
    if Path("/dev/zero").exists():
        (folder / "zero.txt").symlink_to("/dev/zero")
        expected["zero.txt"] = "DL016"
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    expected["loop.txt"] = "DL010"
    (folder / "dangling.txt").symlink_to(folder / "nowhere")
    expected["dangling.txt"] = "DL010"
    (folder / "folder.txt").mkdir()
    (folder / "folder.txt" / "inside.txt").write_text(STORY + " Inside.", encoding="utf-8")
    if hasattr(socket, "AF_UNIX") and len(str(folder)) < 90:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "sock.txt"))
        sock.close()
        expected["sock.txt"] = "DL016"
    with contextlib.suppress(OSError):
        bad = os.path.join(os.fsencode(folder), b"bad\xffbyte.txt")
        with open(bad, "wb") as fh:
            fh.write(STORY.replace("4,200", "3,100").encode())
    with contextlib.suppress(OSError):
        (folder / "new\nline.txt").write_text(STORY.replace("4,200", "2,900"), encoding="utf-8")
    wire = [json.dumps({"id": "a", "text": STORY + " One."}).encode(), b'{"text": "n\x00l"}']
    (folder / "wire.jsonl").write_bytes(b"\n".join(wire) + b"\n")
    expected["wire.jsonl#2"] = "DL012"
    cut = _warc([_page(STORY + " Crawled.")], zipped=True)
    (folder / "cut.warc.gz").write_bytes(cut[: len(cut) // 2])
    expected["cut.warc.gz"] = "DL015"
    return expected


def test_the_command_line_survives_hostile_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected = _special_files(folder)
    env = os.environ | {"DATELINE_HOME": str(tmp_path / "home")}
    env.pop("DATELINE_DB", None)
    command = [sys.executable, "-m", "dateline", "ingest", str(folder), "--workers", "1"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=300, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("ingest did not finish within 300 s on hostile inputs")
    stderr = done.stderr.decode("utf-8")  # every name printed as valid UTF-8
    assert "Traceback" not in stderr
    assert done.returncode == 1
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith(("error [DL0", "warning [DL0")) for line in lines), stderr
    for name, code in expected.items():
        named = [line for line in lines if f"/{name}'" in line or f'/{name}"' in line]
        assert len(named) == 1 and f"[{code}]" in named[0], (name, named)
    # Six articles: good, inside the folder named like a file, the two odd names, the JSONL's
    # good record (and the truncated crawl's half record is not one).
    assert "5 new" in done.stdout.decode() or "6 new" in done.stdout.decode(), done.stdout
    with open_store(tmp_path / "home" / "dateline.db", create=False) as store:
        assert store.integrity_problems() == []
        paths = {a.source_path for a in store.iter_articles()}
    assert str(folder / "good.txt") in paths and str(folder / "folder.txt" / "inside.txt") in paths
    assert f"{folder}/bad\\xffbyte.txt" in paths and f"{folder}/wire.jsonl#a" in paths
