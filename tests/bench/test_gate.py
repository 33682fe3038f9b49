"""The quality gate: its floors file, its verdicts, and a broken stage failing it for real."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.gate import Benchmark, check, figure_at, load_floors, run  # noqa: E402


def gated(name: str) -> Benchmark:
    """The benchmark of that name as bench/floors.toml defines it."""
    return next(b for b in load_floors() if b.name == name)


def test_floors_file_names_data_metric_and_a_floor_below_todays_figure() -> None:
    benchmarks = load_floors()
    assert {"timerefs", "quotes", "grouping-ecbplus", "grouping-gvc", "events"} <= {
        b.name for b in benchmarks
    }
    for bench in benchmarks:
        assert (ROOT / bench.script).is_file(), bench.name
        assert "--data" in bench.args and bench.data.strip(), bench.name
        data = ROOT / bench.args[bench.args.index("--data") + 1]
        assert data.resolve().is_relative_to((ROOT / ".." / "shared").resolve()), bench.name
        for metric, floor in bench.floors.items():
            # A floor sits a small noise margin under the figure it was set from: never above
            # it (the gate would fail today), never so far below that a real loss slips by.
            measured = bench.measured[metric]
            assert 0 <= measured - floor <= 0.05 * max(measured, 1), (bench.name, metric)
        assert not set(bench.report) & set(bench.floors), "a reported figure is never gated"


def test_a_malformed_floors_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "floors.toml"
    bad.write_text('[quotes]\nscript = "bench/quotes.py"\nargs = []\ndata = "x"\n')
    with pytest.raises(ValueError, match=r"\[quotes\] lacks floors, measured"):
        load_floors(bad)
    bad.write_text(
        '[quotes]\nscript = "bench/quotes.py"\nargs = []\ndata = "x"\n'
        '[quotes.floors]\n"exact.cue" = 40.0\n[quotes.measured]\n'
    )
    with pytest.raises(ValueError, match="each with its measured figure"):
        load_floors(bad)


def test_figures_are_read_at_dotted_paths() -> None:
    figures = {"exact": {"cue": 51.4}, "b3_f1": 0.9, "note": "x"}
    assert figure_at(figures, "exact.cue") == 51.4
    assert figure_at(figures, "b3_f1") == 0.9
    assert figure_at(figures, "exact.source") is None
    assert figure_at(figures, "note") is None


def test_a_bench_that_cannot_run_fails_the_gate_by_name(tmp_path: Path) -> None:
    bench = Benchmark(
        name="quotes-nowhere", script="bench/quotes.py", args=("--data", str(tmp_path)),
        data="an empty folder", floors={"exact.cue": 40.0}, measured={"exact.cue": 41.0},
    )  # fmt: skip
    outcome = run(bench, out=tmp_path / "out")
    [failure] = check(bench, outcome)
    assert failure.startswith("quotes-nowhere: the benchmark did not run to the end: exit code")
    assert "No such file or directory" in failure  # the bench's own last words, in the verdict
    assert "attributions" in (tmp_path / "out" / "quotes-nowhere.txt").read_text()


def test_emptied_speech_lexicon_fails_the_gate_naming_bench_figure_and_floor(
    tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real quotes bench, on the first texts of the gate's own subset, stage on and off:
    the attribution model finding nothing and the rules' speech-verb lexicon emptied."""
    import dateline.pipeline._attribution_rules as quote_rules
    import dateline.pipeline.quotes as quotes_stage

    bench = gated("quotes")
    few = ("--limit", "6")  # after the gate's own --sample: 6 texts of its subset
    intact = run(bench, in_process=True, extra=few, out=tmp_path / "intact")
    monkeypatch.setattr(quotes_stage, "model_quotes", lambda doc: [])
    monkeypatch.setattr(quote_rules, "CUE_VERBS", frozenset())
    broken = run(bench, in_process=True, extra=few, out=tmp_path / "broken")
    assert intact.error is None and broken.error is None
    cue_before = figure_at(intact.figures, "exact.cue")
    cue_after = figure_at(broken.figures, "exact.cue")
    assert cue_before is not None and cue_after is not None
    assert cue_after < cue_before - 15  # the model and the lexicon carry the cues
    failures = check(bench, broken)
    cue = next(f for f in failures if f.startswith("quotes: exact.cue = "))
    assert f"exact.cue = {cue_after:g} is below its floor {bench.floors['exact.cue']:g}" in cue
    assert bench.data in cue
