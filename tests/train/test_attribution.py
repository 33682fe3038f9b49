"""Training the attribution model: the path runs on a tiny slice, labels and scores are right."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType

import pytest

from dateline.train._attribution_score import score
from dateline.train._polnear import read_split


def _reference(shared: Path) -> ModuleType:
    """The reference scorer ../shared/score/polnear.py, imported from its file."""
    path = shared / "score" / "polnear.py"
    if not path.is_file():
        pytest.skip("../shared/score/polnear.py is missing")
    spec = importlib.util.spec_from_file_location("polnear_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _perturbed(gold: list[dict[str, list[list[int]] | None]], rng: random.Random) -> list:
    """Predictions made from gold: some kept, some cut short, shifted, dropped or doubled."""
    out = []
    for att in gold:
        roll = rng.random()
        if roll < 0.15:
            continue  # missed
        pred = {k: [list(p) for p in v] if v else None for k, v in att.items()}
        if roll < 0.3 and pred["content"]:
            s, e = pred["content"][-1]
            pred["content"][-1] = [s, max(s + 1, e - 4)]  # stops early
        elif roll < 0.4:
            pred["source"] = None
        elif roll < 0.5:
            s, e = pred["cue"][0]
            pred["cue"] = [[s, e + 1]]  # one character too far (may be punctuation)
        elif roll < 0.55:
            out.append(pred)  # a duplicate counts once
        out.append(pred)
    return out


def test_scores_agree_with_the_reference_scorer(corpora_dir: Path, shared_dir: Path) -> None:
    reference = _reference(shared_dir)
    folder = corpora_dir / "polnear" / "dev"
    gold = reference.read_gold(str(folder))
    names = sorted(gold)[:12]
    rng = random.Random(7)
    preds = {}
    for name in names:
        atts = [
            {r: a[r] and [list(p) for p in a[r]] for r in ("source", "cue", "content")}
            for a in gold[name]["attributions"]
        ]
        preds[name] = _perturbed(atts, rng)
    subset = {n: gold[n] for n in names}
    theirs = reference.score(
        subset,
        {n: [{r: a[r] and [tuple(p) for p in a[r]] for r in a} for a in preds[n]] for n in names},
    )["exact"]
    texts = read_split(folder)
    by_name = {t.name: t for t in texts}
    ours = score(
        [by_name[n].text for n in names],
        [
            [
                {"cue": a.cue, "source": a.source, "content": a.content}
                for a in by_name[n].attributions
            ]
            for n in names
        ],
        [preds[n] for n in names],
    )
    for kind in ("source", "cue", "content", "attribution"):
        for k in ("p", "r", "f1"):
            assert ours[kind][k] == pytest.approx(theirs[kind][k]), (kind, k)
    assert 0.3 < ours["content"]["f1"] < 0.95  # the perturbations did bite


def test_token_labels_rebuild_the_gold_spans(corpora_dir: Path) -> None:
    from dateline.pipeline._attribution_model import tag_spans
    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings
    from dateline.train._polnear import token_labels

    [text] = read_split(corpora_dir / "polnear" / "train", limit=1)
    doc = nlp_for(load_settings())(text.text)
    tags, owner = token_labels(doc, text.attributions)
    spans = tag_spans(tags)
    cues = {(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for r, s, e in spans if r == "cue"}
    gold_cues = {a.cue[0] for a in text.attributions if len(a.cue) == 1}
    assert len(cues & gold_cues) >= 0.9 * len(gold_cues)
    # Every tagged span belongs to one attribution.
    for _, s, e in spans:
        assert len(set(owner[s:e].tolist()) - {-1}) == 1


def test_training_runs_on_a_tiny_slice(corpora_dir: Path, tmp_path: Path) -> None:
    from dateline.pipeline._attribution import find_attributions, load_attribution_model
    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings
    from dateline.train.attribution import main

    out = tmp_path / "attribution"
    code = main(
        ["--corpora", str(corpora_dir), "--limit", "2", "--epochs", "1", "--out", str(out),
         "--width", "16", "--depth", "1", "--seed", "3"]
    )  # fmt: skip
    assert code == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["name"] == "attribution" and meta["format"] == 1 and meta["train_texts"] == 2
    assert set(meta["dev_exact"]) == {"source", "cue", "content", "attribution"}
    card = (out / "MODEL_CARD.md").read_text()
    assert "research use" in card
    # The card names the command that rebuilds this very model.
    assert "attribution --epochs 1 --width 16 --depth 1` " in card and "(seed 3)" in card
    assert "--lstm" not in card and "--vectors" not in card
    model = load_attribution_model(str(tmp_path))
    text = "The senator said that the vote would be held on Tuesday, according to aides."
    for found in find_attributions(nlp_for(load_settings())(text), model):
        for span in (found.cue, found.source, *found.content):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)


def _vector_folder(folder: Path, words: dict[str, list[float]]) -> Path:
    """A spaCy vocab folder (vectors, key2row, strings.json) holding the given words."""
    import numpy as np
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    strings = StringStore(list(words))
    table = Vectors(strings=strings, shape=(len(words), 3))
    for word, vector in words.items():
        table.add(word, vector=np.array(vector, dtype="f"))
    folder.mkdir(parents=True)
    table.to_disk(folder)
    strings.to_disk(folder / "strings.json")
    return folder


def test_static_vectors_are_looked_up_by_norm(tmp_path: Path) -> None:
    import numpy as np
    import spacy

    from dateline.train._attribution_vectors import load_vectors

    words = {"said": [1.0, 0.0, 0.0], "claimed": [0.9, 0.1, 0.0], "Paris": [0.0, 0.0, 1.0],
             "table": [0.0, 1.0, 0.2]}  # fmt: skip
    vectors = load_vectors(_vector_folder(tmp_path / "vocab", words), width=2)
    assert vectors.table.shape == (4, 2) and len(vectors.keys) == 3  # "Paris" is not lower-case
    doc = spacy.blank("en")("She SAID it, he claimed, in Paris.")
    out = vectors.lookup(doc)
    assert out.shape == (len(doc), 2)
    found = {t.text for t, row in zip(doc, out, strict=True) if np.abs(row).sum() > 0}
    assert found == {"SAID", "claimed"}  # by NORM: "SAID" is "said"; no vector for "Paris"
    # Close words stay close after the reduction: "said" nearer "claimed" than "table".
    said, claimed = out[1], out[4]
    table = vectors.table[vectors.rows[np.searchsorted(vectors.keys, doc.vocab.strings["table"])]]
    assert np.linalg.norm(said - claimed) < np.linalg.norm(said - table.astype("f"))


def test_training_with_static_vectors_ships_them(corpora_dir: Path, tmp_path: Path) -> None:
    from dateline.pipeline._attribution import find_attributions, load_attribution_model
    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings
    from dateline.train.attribution import main

    folder = _vector_folder(tmp_path / "vocab", {"said": [1, 0, 0], "told": [0.8, 0.2, 0.1]})
    out = tmp_path / "models" / "attribution"
    code = main(
        ["--corpora", str(corpora_dir), "--limit", "1", "--epochs", "1", "--out", str(out),
         "--width", "16", "--depth", "1", "--vectors", str(folder), "--vector-width", "2"]
    )  # fmt: skip
    assert code == 0
    config = json.loads((out / "config.json").read_text())
    assert config["static"] == 2 and config["tensor"] == 96 + 2
    assert (out / "vectors.npz").is_file()
    assert "static word vectors" in (out / "MODEL_CARD.md").read_text()
    model = load_attribution_model(str(tmp_path / "models"))
    assert model.vectors is not None and len(model.vectors.keys) == 2
    text = "The senator told reporters that the vote would be held on Tuesday."
    for found in find_attributions(nlp_for(load_settings())(text), model):
        assert 0 <= found.cue.start < found.cue.end <= len(text)


def test_decode_is_the_best_valid_tag_sequence() -> None:
    """Viterbi against every sequence of up to 4 tags: the valid one of highest score."""
    import itertools

    import numpy as np

    from dateline.pipeline._attribution_model import TAGS, decode

    def valid(seq: tuple[int, ...]) -> bool:
        for k, t in enumerate(seq):
            if TAGS[t].startswith("I-") and (k == 0 or TAGS[seq[k - 1]][2:] != TAGS[t][2:]):
                return False
        return True

    def total(seq: tuple[int, ...], logp: np.ndarray, stay: float) -> float:
        bonus = sum(stay for k in range(1, len(seq)) if TAGS[seq[k]] == "I-content")
        return float(sum(logp[k, t] for k, t in enumerate(seq))) + bonus

    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(1, 5))
        probs = rng.dirichlet(np.full(len(TAGS), 0.4), size=n)
        stay = float(rng.choice([0.0, 1.0, 3.0]))
        logp = np.log(np.clip(probs, 1e-9, 1.0))
        seqs = [s for s in itertools.product(range(len(TAGS)), repeat=n) if valid(s)]
        want = max(total(s, logp, stay) for s in seqs)
        got = tuple(int(t) for t in decode(probs, stay))
        assert valid(got) and abs(total(got, logp, stay) - want) < 1e-9
    assert decode(np.zeros((0, len(TAGS))), 1.0).shape == (0,)
