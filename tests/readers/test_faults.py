"""Readers against input that used to hang, exhaust memory, crash a batch or lose records.

Reads that could block or run away (a FIFO, /dev/zero) run in a child process with a time
limit and a memory cap, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.errors import BinaryInput, InputTooLarge, UnsupportedInput
from dateline.ingest import ingest
from dateline.model import RawDocument
from dateline.readers import read_paths
from dateline.readers._bytes import read_bytes
from dateline.settings import Settings
from dateline.store import open_store

needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")

STORY = (
    "Officials in Sarnbridge said on Monday that 4,200 families had returned to the northern "
    "district since March, and that the bridge over the river would reopen next month."
)

# Reads `paths` with the default settings in a child with 1 GiB of address space; prints one
# JSON line per document or error.
_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from dateline.errors import ReadError
from dateline.readers import read_paths
from dateline.settings import load_settings
settings = load_settings(None, data_dir=sys.argv[1])
for item in read_paths(sys.argv[2:], settings=settings):
    if isinstance(item, ReadError):
        print(json.dumps({"error": item.code, "path": item.path, "message": item.message}))
    else:
        print(json.dumps({"doc": item.source_path}))
"""


def _read_in_child(tmp_path: Path, *paths: Path) -> list[dict[str, str]]:
    """Read in a child process bounded to 60 s and 1 GiB; fail on a hang, crash or traceback."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(tmp_path), *map(str, paths)],
            capture_output=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading did not finish within 60 s (blocked on a special file?)")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


@needs_posix
def test_a_fifo_is_refused_at_once_and_the_folder_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-story.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(folder / "b-pipe.txt")  # nobody ever writes to it
    os.mkfifo(folder / "c-pipe.jsonl")
    items = _read_in_child(tmp_path, folder, folder / "b-pipe.txt")
    errors = [i for i in items if "error" in i]
    assert [i["doc"] for i in items if "doc" in i] == [str(folder / "a-story.txt")]
    assert [(Path(e["path"]).name, e["error"]) for e in errors] == [
        ("b-pipe.txt", UnsupportedInput.code),
        ("c-pipe.jsonl", UnsupportedInput.code),
        ("b-pipe.txt", UnsupportedInput.code),
    ]
    assert all("named pipe" in e["message"] for e in errors)


@needs_posix
def test_devices_are_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # endless, and stat says 0 bytes
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    items = _read_in_child(tmp_path, tmp_path / "zero.txt", tmp_path / "zero.jsonl", "/dev/null")
    assert [(Path(i["path"]).name, i["error"]) for i in items] == [
        ("zero.txt", UnsupportedInput.code),
        ("zero.jsonl", UnsupportedInput.code),
        ("null", UnsupportedInput.code),
    ]
    assert all("character device" in i["message"] for i in items)


def test_the_size_limit_counts_the_bytes_read_not_what_stat_says(tmp_path: Path) -> None:
    proc = Path("/proc/self/maps")  # a regular file whose stat size is 0 but which has content
    if not proc.exists() or proc.stat().st_size != 0:
        pytest.skip("needs a /proc file that stat reports as empty")
    with pytest.raises(InputTooLarge, match="larger than the 100-byte limit"):
        read_bytes(proc, 100)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 100)
    assert read_bytes(small, 100) == b"x" * 100
    with pytest.raises(InputTooLarge, match="101 bytes"):
        small.write_bytes(b"x" * 101)
        read_bytes(small, 100)


@needs_posix
def test_a_file_name_that_is_not_utf8_is_stored_and_shown_safely(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"bad\xffbyte.txt")
    try:
        with open(bad, "wb") as fh:
            fh.write(STORY.encode())
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    (folder / "good.txt").write_text(STORY.replace("4,200", "3,900"), encoding="utf-8")
    with open_store(settings.db_path) as store:
        report = ingest([folder], store=store, settings=settings, workers=1)
        assert (report.inserted, report.failed) == (2, 0)
        paths = sorted(a.source_path for a in store.iter_articles())
    assert paths == [str(folder) + "/bad\\xffbyte.txt", str(folder / "good.txt")]
    from dateline.readers._bytes import shown

    assert shown(os.fsdecode(bad)) == paths[0]
    paths[0].encode("utf-8")  # printable and storable as it is


def test_a_nul_byte_refuses_its_jsonl_record_only(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": f"{STORY} Item {i}."}).encode() for i in range(4)]
    lines[2] = lines[2].replace(b"Item", b"It\x00em")
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(read_paths([path], settings=settings))
    docs = [i.source_path for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if not isinstance(i, RawDocument)]
    assert docs == [f"{path}#r0", f"{path}#r1", f"{path}#r3"]
    assert [(type(e), e.path) for e in errors] == [(BinaryInput, f"{path}#3")]
    assert "NUL" in errors[0].message


def test_a_nul_byte_refuses_its_csv_record_only(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.csv"
    rows = [b"id,title,text"] + [f'c{i},Report {i},"{STORY} Item {i}."'.encode() for i in range(4)]
    rows[2] = rows[2].replace(b"Item", b"It\x00em")
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    items = list(read_paths([path], settings=settings))
    docs = [i.source_path for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if not isinstance(i, RawDocument)]
    assert docs == [f"{path}#c0", f"{path}#c2", f"{path}#c3"]
    assert [(type(e), e.path) for e in errors] == [(BinaryInput, f"{path}#c1")]


def test_a_bad_encoding_refuses_its_record_only(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "wire.jsonl"
    good = [json.dumps({"text": f"{STORY} Item {i}."}, ensure_ascii=False) for i in range(3)]
    latin = json.dumps({"text": f"{STORY} Café {3}."}, ensure_ascii=False).encode("cp1252")
    broken = b'{"text": "' + STORY.encode() + b' \x81\x8d\x8f."}'  # in neither UTF-8 nor cp1252
    path.write_bytes(b"\n".join([g.encode() for g in good] + [latin, broken]) + b"\n")
    items = list(read_paths([path], settings=settings))
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if not isinstance(i, RawDocument)]
    assert len(docs) == 4 and "Café" in (docs[3].text or "")
    assert [(e.code, e.path) for e in errors] == [("DL014", f"{path}#5")]


def test_a_binary_file_named_jsonl_is_still_one_error(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "noise.jsonl"
    path.write_bytes(bytes(range(256)) * 64)
    items = list(read_paths([path], settings=settings))
    assert [(i.code, i.path) for i in items] == [(BinaryInput.code, str(path))]  # type: ignore[union-attr]


def _repeated_page(paragraphs: int) -> str:
    para = (
        "<p>The committee met on Tuesday to review the reconstruction of homes in the northern "
        "districts, where thousands of families have returned since the spring and where the "
        "water network still fails most afternoons, residents told reporters.</p>\n"
    )
    return (
        "<html><head><title>Repeated</title></head><body><article>"
        + para * paragraphs
        + "</article></body></html>"
    )


def test_a_large_page_mostly_dropped_by_extraction_gets_a_warning(
    tmp_path: Path, settings: Settings
) -> None:
    big = tmp_path / "repeated.html"
    big.write_text(_repeated_page(600), encoding="utf-8")  # 22,000 words shown, 1 paragraph kept
    normal = tmp_path / "normal.html"
    normal.write_text(_repeated_page(1).replace("<p>", f"<p>{STORY} ", 1), encoding="utf-8")
    with open_store(settings.db_path) as store:
        report = ingest([big, normal], store=store, settings=settings, workers=1)
        assert (report.inserted, report.failed) == (2, 0)  # a warning, not a failure
        assert store.ingest_errors() == []
    assert [(w.code, w.path) for w in report.warnings] == [("DL017", str(big))]
    assert "kept 36 of the page's 21,601 words (0.17%)" in report.warnings[0].message
