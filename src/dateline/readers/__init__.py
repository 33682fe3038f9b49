"""Readers: turn files and folders into `RawDocument`s, reporting bad input without stopping.

`read_paths` walks folders recursively in a stable order and dispatches on the file ending;
every failure is yielded as a `ReadError` naming the file, so a batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from dateline.errors import ReadError, UnsupportedInput
from dateline.model import RawDocument
from dateline.readers import html, tabular, text, warc
from dateline.readers._bytes import check_regular, shown
from dateline.settings import Settings

_BY_SUFFIX = {
    ".txt": text.read_text_file,
    ".text": text.read_text_file,
    ".md": text.read_text_file,
    ".html": html.read_html_file,
    ".htm": html.read_html_file,
    ".xhtml": html.read_html_file,
    ".jsonl": tabular.read_jsonl_file,
    ".ndjson": tabular.read_jsonl_file,
    ".csv": tabular.read_csv_file,
    ".warc": warc.read_warc_file,
    ".warc.gz": warc.read_warc_file,
}
# Endings of more than one suffix, matched on the whole name before `Path.suffix`.
_COMPOUND = (".warc.gz",)


def _ending(name: str) -> str:
    lower = name.lower()
    for ending in _COMPOUND:
        if lower.endswith(ending):
            return ending
    return Path(lower).suffix


def iter_files(paths: Iterable[str | os.PathLike[str]], *, settings: Settings) -> Iterator[Path]:
    """List the files under `paths` (folders recursively, sorted), skipping hidden ones."""
    wanted = {e.lower() for e in settings.extensions}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or _ending(name) not in wanted:
                        continue
                    yield Path(root) / name
        else:
            yield path


def read_file(path: Path, *, settings: Settings) -> Iterator[RawDocument | ReadError]:
    """Read one file into raw documents (several for JSONL/CSV/WARC), yielding errors as values."""
    reader = _BY_SUFFIX.get(_ending(path.name))
    if reader is None:
        # An explicitly named file with an unknown ending: sniff it as text or HTML.
        reader = text.read_text_file
    try:
        check_regular(path)  # a FIFO would block, a device never end: refused before reading
        yield from reader(path, settings=settings)
    except ReadError as exc:
        yield exc
    except OSError as exc:
        yield ReadError(f"cannot open file: {exc.strerror or exc}", path=shown(path))


def read_paths(
    paths: Iterable[str | os.PathLike[str]], *, settings: Settings
) -> Iterator[RawDocument | ReadError]:
    """Read every file under `paths`; yields documents and, for bad input, errors.

    Only regular files are read (a FIFO, device or socket is refused with DL016), and every
    error names the file in a form that prints whatever bytes its name holds.
    """
    for path in iter_files(paths, settings=settings):
        if not path.exists():
            yield ReadError("no such file or folder", path=shown(path))
            continue
        if path.is_dir():
            continue
        yield from read_file(path, settings=settings)


__all__ = ["UnsupportedInput", "iter_files", "read_file", "read_paths"]
