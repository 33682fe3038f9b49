"""The bundled example corpus, against the gold tables in examples/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.ingest import ingest
from dateline.model import Article
from dateline.settings import Settings, load_settings
from dateline.store import open_store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

DATES = {
    "qna-envoy-received.txt": ("2024-03-14", "header"),
    "nahrabad-herald-envoy-visit.html": ("2024-03-13", "html-meta"),
    "meridian-post-envoy-visit.txt": (None, "unknown"),
    "wire.jsonl#cps-20240314-0412": ("2024-03-14", "record"),
    "eastern-courier-returns-committee.txt": (None, "unknown"),
    "velgorod-today-returns-committee.txt": ("2024-03-14", "header"),
    "riverlands-monitor-zarun-flow.txt": ("2024-03-12", "header"),
    "tarsana-sentinel-water-reply.txt": ("2024-03-12", "text"),
    "wire.jsonl#cps-20240315-0388": ("2024-03-15", "record"),
    "crossroads-observer-phone-call.html": ("2024-03-16", "html-meta"),
    "tarsana-sentinel-envoy-in-kesh.txt": (None, "unknown"),
    "qna-conference-preparations.txt": ("2024-03-18", "header"),
}


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Article]:
    settings: Settings = load_settings(None, data_dir=str(tmp_path_factory.mktemp("ex")))
    with open_store(settings.db_path) as store:
        report = ingest([EXAMPLES], store=store, settings=settings)
        assert report.failed == 0, report.errors
        return {Path(a.source_path).name: a for a in store.iter_articles()}


def test_every_example_is_read_with_its_date_and_origin(examples: dict[str, Article]) -> None:
    # Linking may later infer a date for an undated twin; before that, origins are as read.
    got = {
        name: (a.published.value, a.published.origin)
        for name, a in examples.items()
        if a.published.origin != "inferred-from-twin"
    }
    assert set(examples) == set(DATES)
    assert got == {k: v for k, v in DATES.items() if k in got}


def test_titles(examples: dict[str, Article]) -> None:
    assert examples["velgorod-today-returns-committee.txt"].title is None
    qna = examples["qna-envoy-received.txt"].title
    assert qna is not None and qna.startswith("President Al-Hamdani receives the Belovian")
    assert qna.endswith("QNA reports.")
    meridian = examples["meridian-post-envoy-visit.txt"]
    assert meridian.title == (
        "Belovian envoy brings Voronin's message to Al Hamdani as refugee conference nears"
    )
    assert meridian.text.count(meridian.title) == 1
    assert examples["wire.jsonl#cps-20240314-0412"].title == (
        "Qadira and Belovia sign housing and power deals at refugee returns committee"
    )


def test_cleaning_checks(examples: dict[str, Article]) -> None:
    qna = examples["qna-envoy-received.txt"]
    assert "Read Also" not in qna.text
    assert [n.kind for n in qna.notes] == ["disclaimer"]
    assert "Regional Digest has not verified" in qna.notes[0].text
    meridian = examples["meridian-post-envoy-visit.txt"]
    assert meridian.byline == "Mariam Haddad"
    for line in ("Show More", "Related Articles", "Leave a Reply", "Back to top button"):
        assert line not in meridian.text
    river = examples["riverlands-monitor-zarun-flow.txt"]
    assert "Tarsana’s" in river.text and "â€" not in river.text
    reply = examples["tarsana-sentinel-water-reply.txt"]
    assert "Share this" not in reply.text and "Facebook" not in reply.text
    for name in ("nahrabad-herald-envoy-visit.html", "crossroads-observer-phone-call.html"):
        text = examples[name].text
        assert "<script" not in text and "alert(" not in text and "onerror" not in text
    assert all("\u060c" not in a.text for a in examples.values())
