"""Serving the trained attribution model: parse in, attributions (character spans) out.

The model (`dateline/models/attribution/`) is a tagger over the parse (`_attribution_model`)
and a linker (`_attribution_link`); it is loaded once per process. `find_attributions`
returns, for a parsed Doc, each attribution's cue, source and content pieces as character
offsets, in text order.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from dateline.model import Span
from dateline.models import ModelInfo, load_model_info
from dateline.pipeline._attribution_features import analyse
from dateline.pipeline._attribution_link import Linked, link
from dateline.pipeline._attribution_model import build_tagger, close_content, decode, tag_spans

FORMAT = 1
NAME = "attribution"


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution the model found: cue, source (or none) and content pieces."""

    cue: Span
    source: Span | None
    content: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class StaticVectors:
    """Word vectors by the hash of a token's NORM (a reduced copy of a spaCy vector table)."""

    keys: np.ndarray  # sorted uint64 hashes of the words
    rows: np.ndarray  # row of `table` for each key
    table: np.ndarray  # (rows, width) float16

    def lookup(self, doc: Any) -> np.ndarray:
        """One vector per token of a Doc (zeros for a word without one)."""
        from spacy.attrs import NORM

        out = np.zeros((len(doc), self.table.shape[1]), dtype=np.float32)
        if len(doc) == 0 or len(self.keys) == 0:
            return out
        norms = doc.to_array([NORM]).reshape(-1).astype(np.uint64)
        at = np.minimum(np.searchsorted(self.keys, norms), len(self.keys) - 1)
        hit = self.keys[at] == norms
        out[hit] = self.table[self.rows[at[hit]]]
        return out


@dataclass(frozen=True, slots=True)
class AttributionModel:
    """The loaded tagger and linker weights."""

    tagger: Any
    linker: np.ndarray
    config: dict[str, Any]
    vectors: StaticVectors | None = None

    def find(self, doc: Any) -> list[Found]:
        """Attributions in a parsed Doc, in text order."""
        return find_attributions(doc, self)


def _info() -> ModelInfo:
    return load_model_info(NAME, expects=FORMAT)


@functools.cache
def load_attribution_model(root: str | None = None) -> AttributionModel:
    """Load the shipped model (cached per process); ModelError (DL003) when it is missing."""
    info = load_model_info(NAME, expects=FORMAT, root=root)
    config = json.loads(info.file("config.json").read_text(encoding="utf-8"))
    return from_files(info, config)


def from_files(info: ModelInfo, config: dict[str, Any]) -> AttributionModel:
    """Build the model from its config and read its weights from the model folder."""
    tagger = build_tagger(config)
    tagger.initialize()
    tagger.from_bytes(info.file("tagger.bin").read_bytes())
    linker = np.load(info.file("linker.npy")).astype(np.float32)
    vectors = None
    if config.get("static"):
        with np.load(info.file("vectors.npz")) as table:
            vectors = StaticVectors(table["keys"], table["rows"], table["table"])
    return AttributionModel(tagger=tagger, linker=linker, config=config, vectors=vectors)


def token_vectors(doc: Any, config: dict[str, Any], vectors: StaticVectors | None) -> np.ndarray:
    """The tagger's dense input per token: spaCy's token vectors, then the static vectors."""
    width = int(config["tensor"]) - int(config.get("static", 0))
    tensor = getattr(doc, "tensor", None)
    if tensor is None or tensor.shape != (len(doc), width):
        tensor = np.zeros((len(doc), width), dtype=np.float32)
    tensor = np.asarray(tensor, dtype=np.float32)
    if vectors is None or not config.get("static"):
        return tensor
    return np.hstack([tensor, vectors.lookup(doc)])


def tag_doc(doc: Any, model: AttributionModel) -> tuple[Any, list[tuple[str, int, int]]]:
    """The parse arrays and the tagged (role, first token, last token + 1) spans of a Doc."""
    parsed = analyse(doc)
    if len(doc) == 0:
        return parsed, []
    tensor = token_vectors(doc, model.config, model.vectors)
    probs = model.tagger.predict([(parsed.features, tensor)])
    tags = decode(np.asarray(probs), stay=float(model.config.get("content_stay", 0.0)))
    spans = tag_spans(tags)
    if model.config.get("close_content"):
        spans = close_content(spans, parsed.head, parsed.sent, parsed.right, parsed.punct)
    return parsed, spans


def find_attributions(doc: Any, model: AttributionModel) -> list[Found]:
    """Tag, link and convert one Doc's attributions to character offsets."""
    parsed, spans = tag_doc(doc, model)
    linked = link(doc, parsed, spans, model.linker)
    return [_to_chars(doc, a) for a in sorted(linked, key=lambda a: a.cue)]


def _to_chars(doc: Any, found: Linked) -> Found:
    def chars(span: tuple[int, int]) -> Span:
        first, last = doc[span[0]], doc[span[1] - 1]
        return Span(first.idx, last.idx + len(last.text))

    return Found(
        cue=chars(found.cue),
        source=chars(found.source) if found.source else None,
        content=tuple(chars(c) for c in sorted(found.content)),
    )
