"""The shipped event classifier: it loads, refuses broken files, and its training path runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dateline.errors import ModelError
from dateline.models import models_root
from dateline.pipeline._event_features import trigger_features
from dateline.pipeline._event_model import FORMAT, LABEL_NONE, load_event_model, read_event_model
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.events import _match
from dateline.settings import load_settings


def _verdict(text: str, word: str) -> tuple[str, float]:
    doc = nlp_for(load_settings())(text)
    token = next(t for t in doc if t.text == word)
    verdict = load_event_model().verdict(trigger_features(token, _match(token)))
    return verdict.type, verdict.confidence


def test_shipped_model_types_clear_cases() -> None:
    assert _verdict("Israeli jets bombed targets in Gaza on Monday.", "bombed")[0] == "ASSAULT"
    assert _verdict("Police arrested 40 protesters in Cairo.", "arrested")[0] == "COERCE"
    assert _verdict("The minister said the plan was ready.", "said")[0] == LABEL_NONE
    kind, confidence = _verdict("The envoy met the Syrian president in Damascus.", "met")
    assert kind == "CONSULT" and 0.5 < confidence < 1.0


def test_shipped_model_has_its_card_and_meta() -> None:
    folder = models_root() / "events"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == FORMAT and meta["name"] == "events"
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "research use only" in card and "plover-gsr" in card
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 10_000_000


def test_a_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    shutil.copytree(models_root() / "events", folder)
    (folder / "weights.npz").write_bytes(b"not a numpy file")
    with pytest.raises(ModelError, match="DL003"):
        read_event_model(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "meta.json").write_text(json.dumps(meta | {"format": 99}), encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        load_event_model(str(tmp_path))


def test_training_runs_on_a_tiny_slice(corpora_dir: Path, tmp_path: Path) -> None:
    from dateline.train.events import main

    out = tmp_path / "events"
    code = main(
        [
            "--corpora",
            str(corpora_dir),
            "--limit",
            "15",
            "--out",
            str(out),
            "--cache",
            str(tmp_path),
        ]
    )
    assert code == 0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == FORMAT and meta["limit"] == 15 and "dev" in meta
    model = read_event_model(out)
    assert LABEL_NONE in model.types.classes and 0.0 < model.threshold < 1.0
    assert (out / "MODEL_CARD.md").is_file()
