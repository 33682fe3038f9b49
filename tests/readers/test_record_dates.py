"""Record dates: absolute dates only, day/month order a setting, relative words refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dateline.cli import app
from dateline.errors import ConfigError, RecordDateWarning
from dateline.model import RawDocument
from dateline.pipeline.clean import clean_document
from dateline.readers import read_paths
from dateline.readers._dates import RecordDateError, parse_record_date
from dateline.settings import Settings

BODY = (
    "Negotiators from Qadira and Tarsana resumed talks on the Zarun River in Kesh, the "
    "foreign ministry said in a statement."
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-14", ("2024-03-14", "day")),
        ("2024-03-14T23:30:00-05:00", ("2024-03-14", "day")),  # the publisher's own day
        ("2024-03", ("2024-03", "month")),
        ("2024", ("2024", "year")),
        ("March 2024", ("2024-03", "month")),
        ("14 March 2024", ("2024-03-14", "day")),
        ("Thu, 14 Mar 2024 09:30:00 GMT", ("2024-03-14", "day")),
        ("14. März 2024", ("2024-03-14", "day")),
        ("13/03/2024", ("2024-03-13", "day")),  # only one reading: the day is 13
        ("03/13/2024", ("2024-03-13", "day")),
        ("12/12/2024", ("2024-12-12", "day")),  # both readings agree
        ("2024/03/12", ("2024-03-12", "day")),
    ],
)
def test_absolute_dates_keep_their_precision(value: str, expected: tuple[str, str]) -> None:
    got = parse_record_date(value)
    assert (got.value, got.granularity) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("gestern", "relative"),
        ("yesterday", "relative"),
        ("hier", "relative"),
        ("vor 2 Tagen", "relative"),
        ("3 days ago", "relative"),
        ("today", "relative"),
        ("Monday", "no year"),
        ("14 March", "no year"),
        ("12/03/2021", "date_order"),  # 12 March or December 3: not guessed
        ("2024-02-30", "not a calendar date"),
        ("Q1 2021", "quarter"),
        ("soon", "not a date"),
    ],
)
def test_dates_that_are_not_absolute_are_refused(value: str, why: str) -> None:
    with pytest.raises(RecordDateError, match=why):
        parse_record_date(value)


def test_day_month_order_is_a_setting() -> None:
    assert parse_record_date("12/03/2021", order="DMY").value == "2021-03-12"
    assert parse_record_date("12/03/2021", order="mdy").value == "2021-12-03"
    assert parse_record_date("12.03.21", order="DMY").value == "2021-03-12"
    with pytest.raises(ConfigError, match="date_order"):
        parse_record_date("12/03/2021", order="DYM")


@hypothesis_settings(max_examples=40)  # text English cannot read costs dateparser ~0.1 s per value
@given(st.text(max_size=40), st.sampled_from(["auto", "DMY", "MDY", "YMD"]))
def test_a_record_date_is_read_or_refused_never_anything_else(value: str, order: str) -> None:
    try:
        got = parse_record_date(value, order=order)
    except RecordDateError:
        return
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", got.value)
    assert got.granularity == {4: "year", 7: "month", 10: "day"}[len(got.value)]


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "wire.jsonl"
    records = [
        {"id": "rel", "text": BODY, "date": "gestern", "source": "CPS"},
        {"id": "month", "text": BODY + " Talks went on.", "date": "March 2024"},
        {"id": "amb", "text": BODY + " Talks went on for hours.", "date": "12/03/2024"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_refused_dates_keep_the_record_undated_with_its_reason(
    tmp_path: Path, settings: Settings
) -> None:
    items = list(read_paths([_corpus(tmp_path)], settings=settings))
    docs = {d.source_path.rsplit("#", 1)[1]: d for d in items if isinstance(d, RawDocument)}
    assert set(docs) == {"rel", "month", "amb"}
    assert docs["rel"].date is None and "gestern" in (docs["rel"].date_problem or "")
    assert "relative date" in (docs["rel"].date_problem or "")
    month = clean_document(docs["month"], settings=settings).published
    assert (month.value, month.origin, month.granularity) == ("2024-03", "record", "month")
    undated = clean_document(docs["rel"], settings=settings).published
    assert (undated.value, undated.origin) == (None, "unknown")  # never today's date
    dmy = list(read_paths([tmp_path / "wire.jsonl"], settings=settings.replace(date_order="DMY")))
    amb = next(d for d in dmy if isinstance(d, RawDocument) and d.source_path.endswith("#amb"))
    assert (amb.date, amb.date_problem) == ("2024-03-12", None)


def test_ingest_says_which_record_date_was_refused(
    tmp_path: Path,
    settings: Settings,
) -> None:
    from dateline.ingest import ingest
    from dateline.store import open_store

    corpus = _corpus(tmp_path)
    settings = settings.replace(stages=("annotate",))
    with open_store(settings.db_path) as store:
        report = ingest([corpus], store=store, settings=settings, workers=1)
        stored = {a.source_path.rsplit("#", 1)[1]: a for a in store.iter_articles()}
    assert report.failed == 0 and report.inserted == 3  # refused dates lose no article
    warnings = [w for w in report.warnings if isinstance(w, RecordDateWarning)]
    assert sorted(w.path or "" for w in warnings) == [f"{corpus}#amb", f"{corpus}#rel"]
    line = str(next(w for w in warnings if (w.path or "").endswith("#rel")))
    assert line.startswith("[DL018]") and "wire.jsonl#rel" in line and "'gestern'" in line
    assert stored["rel"].published.value is None
    assert stored["month"].published.granularity == "month"
    # The command line prints each as a warning and does not fail the run.
    result = CliRunner().invoke(
        app, ["ingest", str(corpus), "--db", str(tmp_path / "cli.db"), "--no-link", "-w", "1"]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"warning \[DL018\] '[^']*wire\.jsonl#rel'.*'gestern'", result.output)
