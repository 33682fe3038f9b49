"""Shared byte-level checks for readers: size, binary sniffing, decoding, hashing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dateline.errors import BinaryInput, DecodeError, EmptyInput, InputTooLarge

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


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file's bytes after checking its size against the limit."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
            "(raise [read] max_file_bytes to accept it)",
            path=str(path),
        )
    return path.read_bytes()


def content_hash(data: bytes | str) -> str:
    """Return the hex SHA-256 of bytes or text (text as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, where: str) -> str:
    """Decode input bytes to text, refusing binary data and undecodable text with clear errors."""
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
