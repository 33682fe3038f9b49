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
class AttributionModel:
    """The loaded tagger and linker weights."""

    tagger: Any
    linker: np.ndarray
    config: dict[str, Any]

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
    return AttributionModel(tagger=tagger, linker=linker, config=config)


def tag_doc(doc: Any, model: AttributionModel) -> tuple[Any, list[tuple[str, int, int]]]:
    """The parse arrays and the tagged (role, first token, last token + 1) spans of a Doc."""
    parsed = analyse(doc)
    if len(doc) == 0:
        return parsed, []
    tensor = doc.tensor if getattr(doc, "tensor", None) is not None else None
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
