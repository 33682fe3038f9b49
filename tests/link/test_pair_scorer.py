"""The learned pair scorer: training on a tiny slice, loading, and what it says about pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dateline.errors import ModelError
from dateline.link.cluster import TWIN_FLOOR, UNDATED_FLOOR, same_event_groups
from dateline.link.features import all_features
from dateline.link.pairs import FEATURES, PairContext, load_scorer, pair_vector
from dateline.model import Article
from dateline.pipeline.embed import event_text, load_encoder, pack, unpack
from dateline.train.grouping import main as train


@pytest.mark.slow
def test_training_on_a_tiny_slice_writes_a_model_that_loads(
    corpora_dir: Path, tmp_path: Path, seed_articles: dict[str, Article]
) -> None:
    out = tmp_path / "grouping"
    code = train(["--corpora", str(corpora_dir), "--out", str(out), "--topics", "1"])
    assert code == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["name"] == "grouping" and meta["format"] == 1
    assert 0.0 <= meta["dev"]["b3_f1"] <= 1.0 and meta["train_pairs"] > 0
    scorer = load_scorer(str(tmp_path))
    assert scorer.features == FEATURES
    # Even a one-topic model ranks the samples' twin pair above a pair a year apart.
    articles = list(seed_articles.values())
    docs = {d.id: d for d in all_features(articles)}
    ctx = PairContext.of(list(docs.values()))
    ids = {name: a.id for name, a in seed_articles.items()}
    rows = np.array(
        [
            pair_vector(docs[ids["001"]], docs[ids["002"]], ctx),
            pair_vector(docs[ids["001"]], docs[ids["000"]], ctx),
        ]
    )
    twin, apart = scorer.probabilities(rows)
    assert twin > apart


def test_shipped_scorer_is_calibrated_on_the_samples(seed_articles: dict[str, Article]) -> None:
    scorer = load_scorer()
    assert 0.0 < scorer.threshold("same_event", -1) < 1.0
    # An undated group joins a dated one only on strong evidence: the design floor or above,
    # and never below the ordinary cut.
    assert scorer.threshold("undated", -1) >= UNDATED_FLOOR
    assert scorer.threshold("undated", -1) >= scorer.threshold("same_event", -1)
    assert scorer.threshold("date_from_twin", -1) >= TWIN_FLOOR
    groups = same_event_groups(list(seed_articles.values()))
    [group] = groups
    by_id = {a.id: n for n, a in seed_articles.items()}
    assert sorted(by_id[m] for m in group.members) == ["001", "002"]
    assert 0.8 <= group.score <= 1.0
    assert group.date_span == ("2020-10-29", "2020-10-29")
    # Evidence names people and places as the articles write them, not lower-case keys.
    assert "Damascus" in group.places
    assert any("Lavrentiev" in name for name in group.entities)
    [(member, twin, probability)] = group.twins
    assert (by_id[member], by_id[twin]) == ("002", "001") and probability >= 0.8


def test_missing_model_is_a_dl003_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        load_scorer(str(tmp_path))
    assert info.value.code == "DL003"


def test_embeddings_separate_the_twins_from_the_other_samples(
    seed_articles: dict[str, Article],
) -> None:
    encoder = load_encoder()
    names = sorted(seed_articles)
    vectors = encoder.encode([event_text(seed_articles[n]) for n in names])
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sim = dict(zip(names, vectors @ vectors[names.index("001")], strict=True))
    assert sim["002"] > max(sim["000"], sim["003"], sim["004"])
    # The stored form (float16, base64) keeps the vector to three decimals.
    assert np.allclose(unpack(pack(vectors[0])), vectors[0], atol=1e-3)
    # An empty text still embeds (no crash on a blank article).
    assert encoder.encode([""]).shape == (1, 384)
