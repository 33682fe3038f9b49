"""Shared fixtures: the sample articles and corpora from ../shared, settings, the parsed seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from dateline.model import Article
from dateline.settings import Settings, load_settings

# Two shared cores and a loaded machine make per-example deadlines flaky; keep runs bounded
# by example count instead.
hypothesis_settings.register_profile(
    "dateline", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("dateline")

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
SEEDS = SHARED / "samples" / "seeds"
CORPORA = SHARED / "corpora"
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; tests needing it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """The five sample articles."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/samples/seeds is missing")
    return SEEDS


@pytest.fixture(scope="session")
def corpora_dir(shared_dir: Path) -> Path:
    """The benchmark corpora."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is missing")
    return CORPORA


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Default settings with the database in a fresh temporary folder."""
    return load_settings(None, data_dir=str(tmp_path), db="test.db")


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings shared by session-scoped fixtures."""
    return load_settings(None, data_dir=str(tmp_path_factory.mktemp("dl")), db="test.db")


def seed_path(number: str) -> Path:
    """Return the sample file whose name starts with `number` (e.g. "002")."""
    matches = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not matches:
        pytest.skip(f"sample {number} not found")
    return matches[0]


@pytest.fixture(scope="session")
def seed_articles(seeds_dir: Path, session_settings: Settings) -> dict[str, Article]:
    """The five samples read, cleaned and run through the default pipeline, by number."""
    from dateline.pipeline import build_pipeline
    from dateline.readers import read_paths

    raws = [r for r in read_paths([seeds_dir], settings=session_settings)]
    pipeline = build_pipeline(settings=session_settings)
    articles = pipeline.process_many([r for r in raws if not isinstance(r, Exception)])
    return {Path(a.source_path).name[:3]: a for a in articles}
