"""The TempEval-3-style scorer in bench/_timeml.py on a tiny TimeML file we wrote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from _timeml import Counts, Timex, normalise_value, read_timeml  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "data" / "timeml" / "tiny.tml"


def test_reader_strips_tags_and_keeps_offsets() -> None:
    doc = read_timeml(TINY)
    assert doc.dct == "2021-11-18"
    assert [doc.text[g.start : g.end] for g in doc.gold] == [
        "on Wednesday",
        "three days",
        "next month",
    ]
    assert "<" not in doc.text


def test_perfect_prediction_scores_100() -> None:
    doc = read_timeml(TINY)
    counts = Counts()
    counts.add(list(doc.gold), doc.gold)
    scores = counts.scores()
    assert scores["strict_f1"] == pytest.approx(100)
    assert scores["value_f1"] == pytest.approx(100)


def test_partial_prediction_known_values() -> None:
    doc = read_timeml(TINY)
    wed, days, _month = doc.gold
    system = [
        Timex(wed.start + 3, wed.end, "DATE", "2021-11-17"),  # relaxed match, right value
        Timex(days.start, days.end, "DURATION", "P4D"),  # strict match, wrong value
        Timex(0, 3, "DATE", "2021"),  # spurious
    ]
    counts = Counts()
    counts.add(system, doc.gold)
    s = counts.scores()
    assert s["strict_precision"] == pytest.approx(100 / 3)
    assert s["strict_recall"] == pytest.approx(100 / 3)
    assert s["relaxed_precision"] == pytest.approx(200 / 3)
    assert s["relaxed_recall"] == pytest.approx(200 / 3)
    assert s["value_accuracy"] == pytest.approx(50)
    assert s["value_f1"] == pytest.approx(s["relaxed_f1"] * 0.5)


def test_value_canonical_form() -> None:
    assert normalise_value("2000-W07") == normalise_value("2000-W7")
    assert normalise_value("198X") == "198"
    assert normalise_value("1998-01-08T00:00") == "1998-01-08"
