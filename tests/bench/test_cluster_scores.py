"""B³, ARI and V-measure in bench/_clusters.py on labelings with known scores."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from _clusters import adjusted_rand, b_cubed, v_measure

GOLD = {"a": "1", "b": "1", "c": "2", "d": "2"}


def test_perfect() -> None:
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert b_cubed(pred, GOLD) == (1.0, 1.0, 1.0)
    assert adjusted_rand(pred, GOLD) == pytest.approx(1.0)
    assert v_measure(pred, GOLD) == pytest.approx(1.0)


def test_all_in_one_cluster() -> None:
    pred = dict.fromkeys(GOLD, "x")
    p, r, f = b_cubed(pred, GOLD)
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    assert adjusted_rand(pred, GOLD) == pytest.approx(0.0)


def test_singletons() -> None:
    pred = {k: k for k in GOLD}
    p, r, _ = b_cubed(pred, GOLD)
    assert (p, r) == (1.0, 0.5)
    assert v_measure(pred, GOLD) == pytest.approx(2 * 1 * 0.5 / 1.5)
