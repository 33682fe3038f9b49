"""Storage of article embedding vectors, per model, so a link run embeds each article once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dateline.store.db import Store


def load_vectors(
    store: Store, article_ids: Sequence[str], model: str
) -> dict[str, tuple[str, bytes]]:
    """Stored (text hash, float32 bytes) of these articles for `model`."""
    found: dict[str, tuple[str, bytes]] = {}
    ids = list(article_ids)
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            "SELECT article_id, text_hash, vector FROM article_vectors"
            f" WHERE model = ? AND article_id IN ({marks})",
            [model, *chunk],
        )
        found.update({r[0]: (r[1], bytes(r[2])) for r in rows})
    return found


def save_vectors(store: Store, model: str, vectors: Iterable[tuple[str, str, bytes]]) -> None:
    """Store (article id, text hash, float32 bytes) vectors for `model` in one transaction."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO article_vectors(article_id, model, text_hash, vector) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(article_id, model) DO UPDATE SET text_hash = excluded.text_hash,"
            " vector = excluded.vector",
            [(a, model, h, v) for a, h, v in vectors],
        )
