"""Shared byte-level checks for readers: file kind, size, binary sniffing, decoding, hashing."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from dateline.errors import (
    BinaryInput,
    DecodeError,
    EmptyInput,
    InputTooLarge,
    ReadError,
    UnsupportedInput,
)

# File signatures of common binary formats a user might drop into a news folder by mistake.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document (convert it to text first)"),
    (b"PK\x03\x04", "a ZIP archive (unpack it first)"),
    (b"\x1f\x8b", "a gzip file (unpack it first)"),
    (b"\x7fELF", "an executable"),
)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# Open without blocking (a FIFO with no writer would wait forever) and without taking a
# terminal as the controlling one; both flags are ignored for regular files.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def shown(path: str | os.PathLike[str]) -> str:
    """A file name as text that can always be printed and stored, whatever its bytes.

    Bytes that are not UTF-8 (kept by Python as lone surrogates) are written as ``\\xNN``,
    so `bad\\xffbyte.txt` names the file without breaking a terminal, SQLite or JSON.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe (FIFO)", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _refuse(path: str | os.PathLike[str], what: str) -> ReadError:
    return UnsupportedInput(
        f"{what}, not a regular file: only regular files are read", path=shown(path)
    )


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """Stat a path (following links) and refuse anything but a regular file (DL016)."""
    info = os.stat(path)
    what = _kind(info.st_mode)
    if what is not None:
        raise _refuse(path, what)
    return info


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading; FIFOs, devices, sockets and folders are refused (DL016).

    The kind is checked on the opened descriptor too, so a file swapped for a FIFO or a
    device between the check and the open is still refused, and the open never blocks.
    """
    check_regular(path)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        what = _kind(os.fstat(fd).st_mode)
        if what is not None:
            raise _refuse(path, what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a regular file's bytes, refusing it once more than `max_bytes` have been read.

    The size `stat` reports is only a first check: /proc files report 0 and a file may grow,
    so the limit is enforced on the bytes actually read.
    """
    size = check_regular(path).st_size
    if size > max_bytes:
        raise _too_large(path, max_bytes, size)
    with open_regular(path) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(path, max_bytes, None)
    return data


def _too_large(path: Path, max_bytes: int, size: int | None) -> InputTooLarge:
    what = f"file is {size:,} bytes, over" if size is not None else "file is larger than"
    return InputTooLarge(
        f"{what} the {max_bytes:,}-byte limit (raise [read] max_file_bytes to accept it)",
        path=shown(path),
    )


def content_hash(data: bytes | str) -> str:
    """Return the hex SHA-256 of bytes or text (text as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _refuse_or_utf16(data: bytes, where: str) -> str | None:
    """Refuse empty input and known binary signatures; decode text with a UTF-16 byte mark."""
    if not data.strip():
        raise EmptyInput("file is empty", path=where)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(f"file is {what}, not text", path=where)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"broken UTF-16 text: {exc.reason}", path=where) from exc
    return None


def decode(data: bytes, where: str) -> str:
    """Decode input bytes to text, refusing binary data and undecodable text with clear errors."""
    utf16 = _refuse_or_utf16(data, where)
    if utf16 is not None:
        return utf16
    if b"\x00" in data[:8192]:
        raise BinaryInput("file contains NUL bytes: binary data, not text", path=where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc
    # Legacy single-byte encodings are common in older news archives; accept cp1252 only when
    # the bytes look like text in it (few control characters), otherwise refuse.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if text and controls <= len(text) // 1000:
        return text
    raise DecodeError(
        f"not valid UTF-8 (byte 0x{data[bad.start]:02x} at offset {bad.start}) and not "
        "recognisable legacy text; re-save the file as UTF-8",
        path=where,
    )


# Bytes that do not occur in text (NUL and C0 controls other than tab, newlines, form feed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_SURROGATES = range(0xDC80, 0xDD00)


def _mostly_binary(sample: bytes) -> bool:
    """Whether a sample is binary data rather than text with a stray control byte or two."""
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > max(8, len(sample) // 20)


def decode_records(data: bytes, where: str) -> str:
    """Decode a corpus file (JSONL, CSV) so that one bad record cannot cost the others.

    The file as a whole is refused only when it is empty, starts with a binary signature, is
    mostly control bytes, or is broken UTF-16. Otherwise each line is decoded on its own
    (UTF-8, else legacy cp1252 text); a line that is neither keeps its bad bytes as lone
    surrogates and a NUL byte stays, so `record_problem` refuses just the records holding them.
    """
    utf16 = _refuse_or_utf16(data, where)
    if utf16 is not None:
        return utf16
    if _mostly_binary(data[:65536]):
        raise BinaryInput("file is mostly control bytes: binary data, not text", path=where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    return "".join(_decode_line(line) for line in lines)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("utf-8", "surrogateescape")
    return text


def record_problem(text: str, where: str) -> ReadError | None:
    """Why one record's text cannot be an article (NUL bytes, undecodable bytes), or None."""
    if "\x00" in text:
        return BinaryInput("record contains NUL bytes: binary data, not text", path=where)
    bad = next((ch for ch in text if ord(ch) in _SURROGATES), None)
    if bad is not None:
        return DecodeError(
            f"record is not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x}) and not legacy text; "
            "re-save the file as UTF-8",
            path=where,
        )
    return None
