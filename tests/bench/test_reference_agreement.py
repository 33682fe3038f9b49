"""Each quality bench's figures are the reference scorer's on the predictions it writes.

Every bench runs on a small folder in the shared format (our own tiny files plus a few corpus
documents linked in), writes its predictions, and the reference scorer in ../shared/score,
run as its own program, must print the very figures the bench printed.
"""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
DATA = ROOT / "tests" / "data"
PICK = runpy.run_path(str(BENCH / "_reference.py"))["pick"]


def run_bench(name: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Run bench/NAME.py's main(argv) here and return its last line (the JSON figures)."""
    module = runpy.run_path(str(BENCH / f"{name}.py"), run_name=f"bench_{name}")
    assert module["main"](argv) == 0
    out = capsys.readouterr().out
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return figures


def reference(shared: Path, scorer: str, *args: str) -> dict[str, Any]:
    """Run ../shared/score/SCORER.py as its own program; its last line of JSON."""
    proc = subprocess.run(
        [sys.executable, str(shared / "score" / f"{scorer}.py"), *args],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def pct(x: float) -> float:
    """A reference fraction as the bench prints it (percent, two decimals)."""
    return round(100 * x, 2)


def test_timerefs_agrees_with_tempeval3_scorer(
    tmp_path: Path, shared_dir: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "tiny.tml").symlink_to(DATA / "timeml" / "tiny.tml")
    for name in ("APW19980807.0261.tml", "APW19980818.0515.tml"):
        (gold / name).symlink_to(corpora_dir / "timeml" / "tbaq-cleaned" / "AQUAINT" / name)
    pred = tmp_path / "pred.json"
    ours = run_bench("timerefs", ["--data", str(gold), "--predictions", str(pred)], capsys)
    predictions = json.loads(pred.read_text())
    assert set(predictions) == {"tiny.tml", "APW19980807.0261.tml", "APW19980818.0515.tml"}
    found = {p["value"] for p in predictions["tiny.tml"]}
    # "on Wednesday" in a Thursday article, "three days", "next month"
    assert {"2021-11-17", "P3D", "2021-12"} <= found
    ref = reference(shared_dir, "timeml", str(gold), str(pred))
    for key in ("strict_f1", "relaxed_f1", "value_f1", "type_f1", "value_accuracy"):
        assert ours[key] == pct(ref[key]), key
    assert 0 < ours["value_f1"] < 100


def test_quotes_agrees_with_citron_metrics(
    tmp_path: Path, shared_dir: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold"
    (gold / "text").mkdir(parents=True)
    (gold / "attributions").mkdir()
    (gold / "text" / "tiny.txt").symlink_to(DATA / "polnear" / "text" / "tiny.txt")
    (gold / "attributions" / "tiny_aaaa.ann").symlink_to(
        DATA / "polnear" / "attributions" / "tiny_aaaa.ann"
    )
    dev = corpora_dir / "polnear" / "dev"
    for text in sorted((dev / "text").glob("*.txt"))[:2]:
        (gold / "text" / text.name).symlink_to(text)
        for ann in (dev / "attributions").glob(f"{text.stem}_*.ann"):
            (gold / "attributions" / ann.name).symlink_to(ann)
    pred = tmp_path / "pred.json"
    ours = run_bench("quotes", ["--data", str(gold), "--predictions", str(pred)], capsys)
    tiny = (DATA / "polnear" / "text" / "tiny.txt").read_text()
    [said] = [p for p in json.loads(pred.read_text())["tiny"] if p["cue"]]
    assert [tiny[s:e] for s, e in said["cue"]] == ["said"]
    assert [tiny[s:e] for s, e in said["source"]] == ["The envoy"]
    ref = reference(shared_dir, "polnear", str(gold), str(pred))
    for measure in ("exact", "overlap"):
        for role in ("source", "cue", "content", "attribution"):
            assert ours[measure][role] == pct(ref[measure][role]["f1"]), (measure, role)
    assert 0 < ours["exact"]["cue"] <= 100


def test_grouping_agrees_with_bcubed_scorer(
    tmp_path: Path, shared_dir: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = corpora_dir / "gvc-dev" / "docs.jsonl"
    pred = tmp_path / "pred.json"
    argv = ["--data", str(gold), "--gold-key", "incident_id", "--no-ner"]
    ours = run_bench("grouping", [*argv, "--predictions", str(pred)], capsys)
    assert len(json.loads(pred.read_text())) == 78
    ref = reference(shared_dir, "bcubed", str(gold), str(pred), "--gold-key", "incident_id")
    assert ours["b3_f1"] == round(ref["b3_f1"], 4)
    assert (ours["b3_precision"], ours["b3_recall"]) == (
        round(ref["b3"]["p"], 4),
        round(ref["b3"]["r"], 4),
    )
    for key in ("conll_f1", "ari", "v_measure"):
        assert ours[key] == round(ref[key], 4), key
    # Not a degenerate clustering: neither all singletons nor one big cluster (GVC dev has 37
    # incidents among its 78 documents), and better than either.
    clusters = set(json.loads(pred.read_text()).values())
    assert 1 < len(clusters) < 78
    assert 0.5 < ours["b3_f1"] <= 1


def test_printed_ecbplus_peer_is_the_reference_figure_of_its_predictions(
    shared_dir: Path, corpora_dir: Path
) -> None:
    ecb = corpora_dir / "ecbplus"
    peer = ecb / "peer_predictions" / "barhom2019_predicted_topics.json"
    ref = reference(
        shared_dir, "bcubed", str(ecb / "docs.jsonl"), str(peer), "--gold-key", "subtopic",
        "--split", "test",
    )  # fmt: skip
    peers = runpy.run_path(str(BENCH / "grouping.py"), run_name="bench_grouping")["PEERS"]
    _who, where, split, value = peers["ecbplus"]
    assert (where, split) == ("ECB+ test", "test")
    assert value == round(ref["b3_f1"], 3)


def test_events_predictions_give_the_printed_accuracy(
    tmp_path: Path, corpora_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = corpora_dir / "plover-gsr" / "PLOVER_GSR_CAMEO.txt"
    pred = tmp_path / "pred.json"
    ours = run_bench(
        "events", ["--data", str(data), "--sample", "24", "--predictions", str(pred)], capsys
    )
    predictions = json.loads(pred.read_text())
    assert len(predictions) == 24
    old_to_new = runpy.run_path(str(BENCH / "events.py"), run_name="bench_events")["OLD_TO_NEW"]
    gold = {r["id"]: old_to_new.get(r["event"], r["event"]) for r in json.loads(data.read_text())}
    right = sum(gold[key.split("#")[0]] == p["event"] for key, p in predictions.items())
    assert ours["type_accuracy"] == round(right / 24, 4)


@given(st.lists(st.integers(), max_size=60, unique=True), st.integers(0, 70), st.integers(0, 70))
def test_subsets_are_deterministic_and_ordered(items: list[int], limit: int, sample: int) -> None:
    chosen = PICK(items, limit, sample)
    assert chosen == PICK(items, limit, sample)
    spread = min(sample, len(items)) if sample else len(items)
    assert len(chosen) == (min(limit, spread) if limit else spread)
    assert chosen == [i for i in items if i in chosen]  # a subsequence: order kept, no repeats
    if chosen:
        assert chosen[0] == items[0]
    if sample and limit:
        assert chosen == PICK(items, 0, sample)[:limit]
