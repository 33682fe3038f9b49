"""Readers on files we wrote: text header, JSONL/CSV records, folders, and bad bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.errors import BinaryInput, DecodeError, EmptyInput, InputTooLarge, ReadError
from dateline.model import RawDocument
from dateline.readers import read_paths
from dateline.readers._bytes import decode
from dateline.readers.tabular import normalise_date
from dateline.readers.text import split_header
from dateline.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"


def _read(paths: list[Path], settings: Settings) -> tuple[list[RawDocument], list[ReadError]]:
    docs, errors = [], []
    for item in read_paths(paths, settings=settings):
        (errors if isinstance(item, ReadError) else docs).append(item)
    return docs, errors  # type: ignore[return-value]


def test_header_runs_into_first_line() -> None:
    assert split_header(" date 2021-11-18 President Assad received") == (
        "2021-11-18",
        "President Assad received",
    )
    assert split_header("date 2020-10-29\nBody") == ("2020-10-29", "Body")
    assert split_header("The date 2020-10-29 was set") == (None, "The date 2020-10-29 was set")


@given(st.text(max_size=200))
def test_split_header_never_loses_text(text: str) -> None:
    date, rest = split_header(text)
    if date is None:
        assert rest == text
    else:
        assert len(date) == 10 and text.endswith(rest)


def test_folder_is_read_recursively_skipping_hidden_and_other_files(settings: Settings) -> None:
    docs, errors = _read([DATA / "corpus"], settings)
    paths = {d.source_path for d in docs}
    assert any(p.endswith("nested/talks.txt") for p in paths)
    assert not any("secret" in p or p.endswith("README.md") for p in paths)
    talks = next(d for d in docs if d.source_path.endswith("talks.txt"))
    assert (talks.date, talks.date_origin) == ("2024-02-07", "header")
    assert talks.text is not None and talks.text.startswith("Talks resume in Sarnbridge")
    # wire.jsonl: two good records, one empty, one broken line; briefs.csv: one good, one empty.
    by_id = {d.source_path.rsplit("#", 1)[-1]: d for d in docs if "#" in d.source_path}
    assert set(by_id) == {"w1", "w3", "c1"}
    assert (by_id["w1"].date, by_id["w1"].date_origin) == ("2024-02-02", "record")
    assert by_id["w1"].outlet == "Coastal Wire" and by_id["w1"].url == "https://example.org/a"
    assert by_id["w3"].date == "2024-02-03"
    assert by_id["c1"].title == "Ministers meet on grain corridor"
    codes = sorted(e.code for e in errors)
    assert codes == ["DL011", "DL011", "DL015"]
    assert all(e.path and ("wire.jsonl#" in e.path or "briefs.csv#" in e.path) for e in errors)


def test_missing_path_is_an_error_not_a_crash(settings: Settings, tmp_path: Path) -> None:
    docs, errors = _read([tmp_path / "nope.txt"], settings)
    assert docs == [] and len(errors) == 1 and "nope.txt" in str(errors[0])


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInput),
        (b"   \n\n  ", EmptyInput),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryInput),
        (b"%PDF-1.7\n", BinaryInput),
        (b"hello\x00world" * 10, BinaryInput),
    ],
)
def test_decode_refuses_bad_bytes(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        decode(data, "bad.txt")
    assert "'bad.txt'" in str(info.value)


def test_decode_accepts_utf16_and_legacy_text() -> None:
    assert decode("Talks in Sarnbridge".encode("utf-16"), "x") == "Talks in Sarnbridge"
    assert decode("Caf\u00e9 talks \u2013 day two".encode("cp1252"), "x") == "Café talks – day two"
    assert decode("\ufeffBOM text".encode(), "x") == "BOM text"


def test_decode_refuses_control_soup() -> None:
    soup = bytes(range(1, 32)) * 40 + b"\xff\xfe\x81"
    with pytest.raises((DecodeError, BinaryInput)):
        decode(soup, "soup.txt")


@given(st.binary(max_size=300))
def test_decode_either_returns_text_or_raises_read_error(data: bytes) -> None:
    try:
        assert isinstance(decode(data, "fuzz.bin"), str)
    except ReadError as exc:
        assert "fuzz.bin" in str(exc) and exc.code.startswith("DL01")


def test_oversized_file_is_refused_by_size(settings: Settings, tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB, sparse: cheap to make
    docs, errors = _read([big], settings)
    assert docs == [] and isinstance(errors[0], InputTooLarge)
    assert "huge.txt" in str(errors[0]) and "max_file_bytes" in str(errors[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-11-18T10:00:00Z", "2021-11-18"),
        ("WARC-Date 2021-11-18T10:00:00Z", "2021-11-18"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_timestamps_normalise_to_their_day(value: str | None, expected: str | None) -> None:
    assert normalise_date(value) == expected


@given(st.text(max_size=40))
def test_normalise_date_never_raises(value: str) -> None:
    result = normalise_date(value)
    assert result is None or (len(result) == 10 and result[4] == "-")
