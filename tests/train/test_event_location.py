"""Training the event-location tagger: the held-out split is by document and stable, and a
few iterations on a tiny slice of the real corpus give a model the serving code can open."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dateline.train import event_location as el


@pytest.fixture(scope="module")
def records(corpora_dir: Path) -> list[el.Record]:
    path = corpora_dir / "event-location" / "train.jsonl"
    if not path.is_file():
        pytest.skip("event-location/train.jsonl is missing")
    return el.read_records(path)


def test_reads_every_record_with_its_verb_and_places(records: list[el.Record]) -> None:
    assert len(records) == 8829
    assert sum(1 for r in records if r.places) == 4988
    # The two records that carry character offsets as token ids still find their place.
    for record in records:
        for start, end in record.places:
            assert 0 <= start <= end < len(record.tokens)
        assert record.text[record.verb[0] : record.verb[1]].strip()


def test_split_is_by_document_and_stable(records: list[el.Record]) -> None:
    parts = el.split_records(records)
    assert parts == el.split_records(records)  # seeded: the same every run
    assert Counter(parts) == {"train": 7081, "heldout": 898, "dev": 850}
    sides: dict[str, set[str]] = defaultdict(set)
    for record, part in zip(records, parts, strict=True):
        sides["t:" + record.text.strip()].add(part)
        if record.doc:
            sides["d:" + record.doc].add(part)
    # No sentence and no wire story is on two sides of the split.
    assert all(len(found) == 1 for found in sides.values())
    # Another seed holds out other records: the split is not hand-picked.
    assert el.split_records(records, seed=16) != parts


def test_training_a_tiny_slice(corpora_dir: Path, tmp_path: Path) -> None:
    import pycrfsuite

    out = tmp_path / "model"
    code = el.main(
        ["--corpora", str(corpora_dir), "--out", str(out), "--limit", "60", "--iterations", "3"]
    )
    assert code == 0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "event_location" and meta["format"] == el.FORMAT
    assert set(meta["dev"]) >= {"exact_accuracy", "with_location_accuracy"}
    assert meta["split"]["seed"] == el.SPLIT_SEED
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out / "model.crfsuite"))
    assert set(tagger.labels()) <= {"O", "B-LOC", "I-LOC"}
    assert not (out / "dev-fit.crfsuite").exists()
