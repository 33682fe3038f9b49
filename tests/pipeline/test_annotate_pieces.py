"""Texts longer than `[nlp] max_chars` are parsed in pieces, never cut off."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dateline.model import Article, RawDocument
from dateline.pipeline import build_pipeline
from dateline.pipeline.annotate import split_for_parsing
from dateline.settings import Settings


def test_a_long_text_is_annotated_to_its_end(
    settings: Settings, seeds_dir: Path, seed_articles: dict[str, Article]
) -> None:
    whole = seed_articles["004"]
    limit = 600
    assert len(whole.text) > 3 * limit  # several pieces
    path = sorted(seeds_dir.glob("004_*.txt"))[0]
    raw = RawDocument(source_path="004.txt", raw_hash="h", text=path.read_text(encoding="utf-8"))
    [cut] = build_pipeline(settings=settings.replace(nlp_max_chars=limit)).process_many([raw])
    assert cut.text == whole.text
    assert cut.sentences[-1].end == len(cut.text.rstrip())  # the last sentence is parsed
    late = [m for m in cut.mentions if m.start > limit]
    assert late, "nothing past the first piece was annotated"
    spans = {(m.start, m.end, m.label) for m in cut.mentions}
    expected = {(m.start, m.end, m.label) for m in whole.mentions}
    assert len(spans ^ expected) <= 2  # pieces end at paragraph breaks: the same entities
    # Every later stage read the whole text too: claims and events past the first piece.
    assert any(c.content.start > 2 * limit for c in cut.claims)
    assert any(e.evidence.start > 2 * limit for e in cut.events)


@given(st.text(max_size=2000), st.integers(min_value=2, max_value=300))
def test_pieces_join_back_into_the_text(text: str, limit: int) -> None:
    pieces = split_for_parsing(text, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces) or len(pieces) == 1
    assert all(pieces) or pieces == [text]
