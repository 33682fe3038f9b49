"""The bulk copy finder gives exactly the links of a datasketch MinHashLSH loop over string sets."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.link import _copyjoin, dedup
from dateline.link._copyjoin import candidate_pairs, shingle_sets
from dateline.link.dedup import (
    COPY_JACCARD,
    LSH_THRESHOLD,
    NEAR_COPY_CONTAINMENT,
    NUM_PERM,
    SHINGLE,
    find_copies,
    lsh_candidates,
    minhash,
    overlap,
    shingle_hashes,
    shingles,
)
from dateline.model import Article, ArticleLink

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi Omicron".split()


def exhaustive(articles: Sequence[Article]) -> list[ArticleLink]:
    """The reference: MinHashLSH queried for every article, every candidate verified on sets."""
    sets = {a.id: shingles(a.text) for a in articles}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    signatures = {i: minhash(s) for i, s in sets.items()}
    for i, sig in signatures.items():
        lsh.insert(i, sig)
    links = {}
    for i, sig in signatures.items():
        for other in lsh.query(sig):
            a, b = sorted((i, other))
            if a == b or (a, b) in links:
                continue
            ov = overlap(sets[a], sets[b])
            kind: Literal["copy", "near-copy"]
            if ov.jaccard >= COPY_JACCARD:
                kind = "copy"
            elif ov.containment >= NEAR_COPY_CONTAINMENT:
                kind = "near-copy"
            else:
                continue
            evidence = (f"jaccard {ov.jaccard:.2f}", f"containment {ov.containment:.2f}")
            links[(a, b)] = ArticleLink(a, b, kind, round(ov.containment, 4), evidence)
    return sorted(links.values(), key=lambda link: (link.a, link.b))


@st.composite
def corpora(draw: st.DrawFn) -> list[Article]:
    """Small corpora over a tiny vocabulary: many chance overlaps, plus edited copies."""
    texts: list[str] = []
    for _ in range(draw(st.integers(1, 25))):
        if texts and draw(st.booleans()):
            words = draw(st.sampled_from(texts)).split()
            edit = draw(st.sampled_from(["same", "append", "replace", "cut", "case"]))
            if edit == "append":
                words += draw(st.lists(st.sampled_from(WORDS), max_size=30))
            elif edit == "replace" and words:
                at = draw(st.integers(0, len(words) - 1))
                words[at] = draw(st.sampled_from(WORDS))
            elif edit == "cut":
                words = words[: draw(st.integers(0, len(words)))]
            elif edit == "case":
                words = [w.upper() for w in words]
            texts.append(" ".join(words))
        else:
            texts.append(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=60))))
    return [Article(id=f"a{i:02d}", text=t, source_path="t") for i, t in enumerate(texts)]


@settings(max_examples=80, deadline=None)
@given(corpora())
def test_bulk_links_equal_the_lsh_loop(articles: list[Article]) -> None:
    assert find_copies(articles) == exhaustive(articles)


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_candidates_are_the_lsh_index_candidates(articles: list[Article]) -> None:
    sets = [shingles(a.text) for a in articles]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for i, s in enumerate(sets):
        if s:
            lsh.insert(i, minhash(s))
    expected = {
        (min(i, j), max(i, j))
        for i, s in enumerate(sets)
        if s
        for j in lsh.query(minhash(s))
        if i != j
    }
    assert set(lsh_candidates([shingle_hashes(a.text) for a in articles])) == expected


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_hashed_sets_keep_the_sets_sizes_and_overlaps(articles: list[Article]) -> None:
    for a in articles:
        assert len(shingle_hashes(a.text)) == len(shingles(a.text))
    for a, b in itertools.pairwise(articles):
        ha, hb = shingle_hashes(a.text), shingle_hashes(b.text)
        assert len(np.intersect1d(ha, hb)) == len(shingles(a.text) & shingles(b.text))


def test_groups_of_identical_texts_link_every_pair_and_ids_given_twice_count_once() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    articles = [
        Article(id="c", text=text, source_path="t"),
        Article(id="a", text=text, source_path="t"),
        Article(id="b", text=text + " thirteen", source_path="t"),
        Article(id="a", text=text, source_path="t"),
        Article(id="e", text="", source_path="t"),
        Article(id="f", text="...", source_path="t"),
    ]
    links = find_copies(articles)
    assert [(x.a, x.b, x.kind) for x in links] == [
        ("a", "b", "near-copy"),
        ("a", "c", "copy"),
        ("b", "c", "near-copy"),
    ]
    assert links == exhaustive(articles)


def test_a_templated_corpus_is_linked_as_the_lsh_loop_links_it() -> None:
    """Shared boilerplate makes big buckets of non-copies; every candidate is still checked."""
    rng = np.random.default_rng(3)
    boiler = "reporting by the wire desk editing by the night desk all rights reserved"
    articles = []
    for i in range(300):
        body = " ".join(rng.choice(WORDS, 12).tolist())
        articles.append(Article(id=f"t{i:03d}", text=f"{body} {boiler}", source_path="t"))
    articles += [
        Article(id=f"u{i:03d}", text=a.text, source_path="t") for i, a in enumerate(articles[:20])
    ]
    links = find_copies(articles)
    assert links == exhaustive(articles)
    assert sum(link.kind == "copy" for link in links) >= 20


def test_without_the_vectorised_scheme_signatures_come_from_datasketch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    texts = [" ".join(rng.choice(WORDS, 20).tolist()) for _ in range(30)]
    articles = [Article(id=f"d{i:02d}", text=t, source_path="t") for i, t in enumerate(texts)]
    articles += [
        Article(id=f"e{i:02d}", text=t + " pi rho", source_path="t")
        for i, t in enumerate(texts[:5])
    ]
    expected = exhaustive(articles)
    monkeypatch.setattr(dedup, "_affine32", lambda: None)
    assert find_copies(articles) == expected and expected


# -- the exact join that replaced LSH bucket enumeration ---------------------------------------


def _passing_by_brute_force(articles: Sequence[Article]) -> set[tuple[int, int]]:
    """Every pair of distinct non-empty shingle sets that passes the copy rule."""
    sets = [shingles(a.text) for a in articles]
    out = set()
    for i, j in itertools.combinations(range(len(sets)), 2):
        if sets[i] and sets[j] and sets[i] != sets[j]:
            ov = overlap(sets[i], sets[j])
            if ov.jaccard >= COPY_JACCARD or ov.containment >= NEAR_COPY_CONTAINMENT:
                out.add((i, j))
    return out


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from([0, 1, 2, 32]))
def test_the_prefix_join_finds_every_pair_the_rule_accepts(
    articles: list[Article], extend_df: int
) -> None:
    distinct = list({a.text: a for a in articles}.values())
    flat, offsets = shingle_sets([a.text for a in distinct], SHINGLE)
    old = _copyjoin.EXTEND_DF
    _copyjoin.EXTEND_DF = extend_df  # how far past the prefix a set is looked up
    try:
        codes = candidate_pairs(flat, offsets, NEAR_COPY_CONTAINMENT)
    finally:
        _copyjoin.EXTEND_DF = old
    n = len(distinct)
    found = {(int(c // n), int(c % n)) for c in codes}
    assert _passing_by_brute_force(distinct) <= found
    assert all(i < j for i, j in found)


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_shingle_codes_keep_the_sets_sizes_and_overlaps(articles: list[Article]) -> None:
    flat, offsets = shingle_sets([a.text for a in articles], SHINGLE)
    codes = [flat[offsets[i] : offsets[i + 1]] for i in range(len(articles))]
    for a, c in zip(articles, codes, strict=True):
        assert len(c) == len(shingles(a.text)) and np.all(np.diff(c.astype(np.float64)) >= 0)
    for (a, ca), (b, cb) in itertools.pairwise(zip(articles, codes, strict=True)):
        assert len(np.intersect1d(ca, cb)) == len(shingles(a.text) & shingles(b.text))


def test_templated_wire_news_is_linked_as_the_lsh_loop_links_it() -> None:
    """bench/_synthetic.py's wire items share most of their text with hundreds of others."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from _synthetic import news_texts

    articles = [Article(id=i, text=t, source_path="t") for i, t in news_texts(600)]
    links = find_copies(articles)
    assert links == exhaustive(articles)
    assert sum(link.kind == "near-copy" for link in links) >= 10
