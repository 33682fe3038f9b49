"""The shipped-model loader and the training entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.errors import ModelError
from dateline.models import load_model_info


def _model(root: Path, name: str, fmt: object) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"name": name, "format": fmt}), encoding="utf-8")
    (folder / "weights.bin").write_bytes(b"\x00")
    return folder


def test_a_missing_model_is_dl003_with_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        load_model_info("nowhere", expects=1, root=str(tmp_path))
    assert info.value.code == "DL003"
    assert "python -m dateline.train nowhere" in str(info.value)


def test_a_model_of_another_format_is_refused(tmp_path: Path) -> None:
    _model(tmp_path, "old", 1)
    with pytest.raises(ModelError, match="format 1 but this dateline reads format 2"):
        load_model_info("old", expects=2, root=str(tmp_path))


def test_a_model_of_the_right_format_gives_its_files(tmp_path: Path) -> None:
    folder = _model(tmp_path, "good", 3)
    info = load_model_info("good", expects=3, root=str(tmp_path))
    assert info.file("weights.bin") == folder / "weights.bin"
    with pytest.raises(ModelError, match=r"no file 'missing\.bin'"):
        info.file("missing.bin")


def test_a_broken_meta_file_is_dl003(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read model 'broken'"):
        load_model_info("broken", expects=1, root=str(tmp_path))


def test_train_entry_point_refuses_an_unknown_model() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dateline.train", "no-such-model"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "unknown model 'no-such-model'" in done.stderr
    usage = subprocess.run([sys.executable, "-m", "dateline.train"], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage: python -m dateline.train NAME" in usage.stdout
