"""A date inferred from a twin keeps the twin's precision: a month stays a month."""

from __future__ import annotations

import json
from pathlib import Path

from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.settings import Settings
from dateline.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_month_dated_twin_gives_a_month(settings: Settings, tmp_path: Path) -> None:
    wire = json.loads((EXAMPLES / "wire.jsonl").read_text(encoding="utf-8").splitlines()[0])
    courier = (EXAMPLES / "eastern-courier-returns-committee.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "month.jsonl"
    records = [
        {"id": "wire", "title": wire["title"], "text": wire["text"], "date": "March 2024"},
        {"id": "courier", "text": courier},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with open_store(settings.db_path) as store:
        report = ingest([corpus], store=store, settings=settings, workers=1)
        assert report.failed == 0 and not report.warnings
        link_corpus(store, settings=settings)
        by_record = {a.source_path.rsplit("#", 1)[1]: a for a in store.iter_articles()}
    dated = by_record["wire"].published
    assert (dated.value, dated.origin, dated.granularity) == ("2024-03", "record", "month")
    inferred = by_record["courier"].published
    assert (inferred.value, inferred.origin, inferred.granularity) == (
        "2024-03",
        "inferred-from-twin",
        "month",
    )
    assert inferred.twin_id == by_record["wire"].id
