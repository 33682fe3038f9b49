"""The brat attribution scorer in bench/_brat.py on a tiny file we wrote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from _brat import Attribution, Scorer, first_annotation, read_ann

DATA = Path(__file__).resolve().parents[1] / "data" / "brat"


def test_reader_and_perfect_score() -> None:
    ann = first_annotation(DATA, "tiny")
    assert ann is not None
    [gold] = read_ann(ann)
    text = (DATA / "tiny.txt").read_text()
    assert text[gold.source[0][0] : gold.source[0][1]] == "The envoy"
    assert text[gold.content[0][0] : gold.content[0][1]] == "that talks would resume soon"
    scorer = Scorer()
    scorer.add(text, [gold], [gold])
    scores = scorer.scores()
    assert scores["exact"]["attribution"]["f1"] == pytest.approx(100)
    assert scores["overlap"]["content"]["f1"] == pytest.approx(100)


def test_partial_content_counts_in_overlap_only() -> None:
    text = (DATA / "tiny.txt").read_text()
    [gold] = read_ann(DATA / "tiny_aaaa.ann")
    start, end = gold.content[0]
    shorter = Attribution(gold.source, gold.cue, ((start + 5, end),))  # drops "that"
    scorer = Scorer()
    scorer.add(text, [shorter], [gold])
    s = scorer.scores()
    assert s["exact"]["content"]["f1"] == 0
    assert s["exact"]["cue"]["f1"] == pytest.approx(100)
    assert s["overlap"]["content"]["precision"] == pytest.approx(100)
    assert s["overlap"]["content"]["recall"] == pytest.approx(80)  # 4 of 5 tokens
    assert s["overlap"]["attribution"]["f1"] == pytest.approx(100)
