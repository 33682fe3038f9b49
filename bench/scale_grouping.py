"""Cost of grouping as the corpus grows: synthetic corpora of N articles, time and memory.

    python bench/scale_grouping.py --sizes 10000 100000

The synthetic corpus is meant to look like a news crawl to the grouping steps, not to be easy:

- vocabulary: 149 common English words, then 60,000 made-up words; article words are
  drawn from a Zipf law over the whole list (rank^-1.05), so common words and rare words
  occur as they do in news text;
- events: 1-4 outlets tell each event in their own words (a lead naming two people, a place
  and a weekday, then 3-9 paragraphs of 1-3 sentences of 8-30 words: a quarter of the words
  from the event's 40 topic words, the rest from the Zipf law). People (20,000) and places
  (3,000) recur across events with Zipf popularity, so names alone do not separate events;
  dates spread over two years;
- outlets: 400, each with its own boilerplate (a dateline and a 6-12 word credit line, e.g.
  "Reporting by ...; editing by ...; all rights reserved"), added to 80% of its articles:
  templated text shared by many articles that are not copies;
- embeddings: each event has a random direction and each report a noisy copy of it (the
  MiniLM model's own cost is per article, measured by bench/speed.py, not here);
- copies: 7% of articles copy a recent article (one of the last 2,000): a third are exact
  reprints, the rest near copies: 1-3 paragraphs added (wire copy plus), a paragraph dropped,
  2-5% of words replaced, or the credit line swapped for another outlet's, alone or combined.

Articles are about 255 words on average (wire stories and briefs); the made-up vocabulary reads
as nonsense, but word statistics, names, dates, boilerplate and copies are news-like. The
benchmark times copy detection and same-event grouping and prints the time ratio between
consecutive sizes beside the size ratio (linear growth: equal ratios), the peak resident memory
of the process, and how many articles are in a copy link.

``--generator templated`` uses `bench/_synthetic.py` instead: short wire items (about 95
words) written from a few templates, a fixed pool of places, roles, topics and numbers, 5% of
them lightly edited copies. Most of each article's text is shared with thousands of others,
as agency copy and boilerplate are, which is what made copy detection quadratic (LSH buckets
of non-copies). Copy detection is also timed in CPU seconds (the machine may be shared), and
its growth is printed against linear growth and twice linear.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import resource
import sys
import time
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))

from dateline.link.cluster import same_event_groups
from dateline.link.dedup import find_copies
from dateline.model import Article, DateInfo, Mention
from dateline.pipeline.embed import DIM, pack

COMMON = """the of and to a in that is was he for it with as his on be at by i this had not are
but from or have an they which one you were her all she there would their we him been has when
who will more no if out so said what up its about into than them can only other new some could
time these two may then do first any my now such like our over man me even most made after also
did many before must through back years where much your way well down should because each just
those people how too little state good very make world still own see men work long get here
between both life being under never day same another know while last might us great old year
off come since against go came right used take three""".split()
VERBS = [
    ("met", "held talks with"),
    ("accused", "blamed"),
    ("visited", "travelled to see"),
    ("phoned", "spoke by telephone with"),
    ("signed a deal with", "agreed terms with"),
    ("criticised", "condemned"),
    ("praised", "welcomed the stance of"),
]
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_ONSETS = "b c d f g h j k l m n p r s t v w z br ch dr fl gr kr pl sh st th tr".split()
_NUCLEI = "a e i o u ai ea io ou".split()
_CODAS = ["", "", "n", "r", "s", "l", "m", "nd", "st", "rk"]
VOCABULARY = 60_000
COPY_SHARE = 0.07


_SYLLABLES = sorted({o + v + c for o in _ONSETS for v in _NUCLEI for c in _CODAS})


def _made_up_words(count: int, rng: np.random.Generator, syllables: tuple[int, int]) -> list[str]:
    """Distinct pronounceable made-up words of a few syllables."""
    out: dict[str, None] = {}
    common = set(COMMON)
    while len(out) < count:
        lengths = rng.integers(syllables[0], syllables[1] + 1, 2 * count).tolist()
        picks = rng.integers(len(_SYLLABLES), size=(2 * count, syllables[1])).tolist()
        for length, row in zip(lengths, picks, strict=True):
            word = "".join(_SYLLABLES[j] for j in row[:length])
            if word not in common:
                out[word] = None
                if len(out) == count:
                    break
    return list(out)


@dataclass
class _World:
    """Everything synthetic articles are drawn from."""

    words: list[str]
    cdf: np.ndarray
    people: list[str]
    person_cdf: np.ndarray
    places: list[str]
    place_cdf: np.ndarray
    outlets: list[tuple[str, str]]  # (name, credit line)


def _zipf_cdf(n: int, s: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return np.cumsum(weights) / weights.sum()


def _world(rng: np.random.Generator) -> _World:
    words = COMMON + _made_up_words(VOCABULARY, rng, (1, 3))
    first = [w.capitalize() for w in _made_up_words(400, rng, (2, 3))]
    last = [w.capitalize() for w in _made_up_words(4000, rng, (2, 4))]
    given = rng.integers(len(first), size=20_000).tolist()
    family = rng.integers(len(last), size=20_000).tolist()
    full = (f"{first[i]} {last[j]}" for i, j in zip(given, family, strict=True))
    people = list(dict.fromkeys(full))
    places = [w.capitalize() for w in _made_up_words(3000, rng, (2, 4))]
    outlets = []
    for name in (w.capitalize() for w in _made_up_words(400, rng, (2, 3))):
        editors = [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(2)]
        credit = rng.choice([
            f"Reporting by {editors[0]}; editing by {editors[1]}.",
            f"Copyright {name} News {rng.integers(1990, 2024)}. All rights reserved.",
            f"Additional reporting by {editors[0]} for {name} in {rng.choice(places)}.",
            f"{name} Daily: read more news from {rng.choice(places)} every day.",
        ])  # fmt: skip
        outlets.append((name, str(credit)))
    return _World(
        words, _zipf_cdf(len(words), 1.05), people, _zipf_cdf(len(people), 0.9),
        places, _zipf_cdf(len(places), 0.9), outlets,
    )  # fmt: skip


def _pick(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(size)), len(cdf) - 1)


def _paragraphs(
    rng: np.random.Generator, world: _World, topic: np.ndarray, names: list[str], count: int
) -> list[str]:
    """Paragraphs of sentences: a quarter topic words, the rest Zipf words, names now and then."""
    lengths = rng.integers(8, 31, size=int(rng.integers(count, 3 * count + 1)))
    idx = _pick(rng, world.cdf, int(lengths.sum()))
    from_topic = rng.random(len(idx)) < 0.25
    idx[from_topic] = rng.choice(topic, int(from_topic.sum()))
    tokens = [world.words[i] for i in idx.tolist()]
    sentences, start = [], 0
    draws = rng.random((len(lengths), 3)).tolist()
    for length, (with_name, where, which) in zip(lengths.tolist(), draws, strict=True):
        sentence = tokens[start : start + length]
        start += length
        if with_name < 0.3:
            sentence.insert(int(where * length), names[int(which * len(names))])
        sentences.append(sentence[0].capitalize() + " " + " ".join(sentence[1:]) + ".")
    cuts = sorted(rng.choice(np.arange(1, len(sentences)), count - 1, replace=False).tolist())
    bounds = [0, *cuts, len(sentences)]
    return [" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds)]


def _near_copy(rng: np.random.Generator, world: _World, base: str, topic: np.ndarray) -> str:
    """An edited copy: paragraphs added or dropped, words replaced, or another credit line."""
    paragraphs = base.split("\n\n")
    edits = [e for e in ("add", "drop", "words", "credit") if rng.random() < 0.4] or ["add"]
    if "drop" in edits and len(paragraphs) > 3:
        del paragraphs[int(rng.integers(1, len(paragraphs) - 1))]
    if "words" in edits:
        for i, paragraph in enumerate(paragraphs[1:], start=1):
            tokens = paragraph.split(" ")
            for j in np.flatnonzero(rng.random(len(tokens)) < rng.uniform(0.02, 0.05)).tolist():
                tokens[j] = world.words[int(_pick(rng, world.cdf, 1)[0])]
            paragraphs[i] = " ".join(tokens)
    if "credit" in edits and len(paragraphs) > 1:
        paragraphs[-1] = world.outlets[int(rng.integers(len(world.outlets)))][1]
    if "add" in edits:
        paragraphs += _paragraphs(rng, world, topic, ["a spokesman"], int(rng.integers(1, 4)))
    return "\n\n".join(paragraphs)


def synthetic(n: int, seed: int = 1) -> list[Article]:
    """N articles: events told by 1-4 outlets, 7% copies and near copies (see the docstring)."""
    rng = np.random.default_rng(seed)
    world = _world(rng)
    articles: list[Article] = []
    recent: list[tuple[Article, np.ndarray]] = []
    day0 = dt.date(2023, 1, 1)
    while len(articles) < n:
        people = [world.people[i] for i in _pick(rng, world.person_cdf, 2).tolist()]
        if people[0] == people[1]:
            continue
        place = world.places[int(_pick(rng, world.place_cdf, 1)[0])]
        verb = VERBS[int(rng.integers(len(VERBS)))]
        date = day0 + dt.timedelta(days=int(rng.integers(730)))
        weekday = WEEKDAYS[date.weekday()]
        # Topic words: mid- and low-frequency ranks (log-uniform from 300 to the vocabulary size).
        topic = np.exp(rng.uniform(np.log(300), np.log(len(world.words)), 40)).astype(np.int64)
        # The event-text embedding: a direction per event, each outlet's a noisy copy of it
        # (running MiniLM over 100k made-up texts would time the model, not the grouping;
        # the model's own cost per article is measured by bench/speed.py).
        direction = rng.standard_normal(DIM)
        for outlet in range(int(rng.integers(1, 5))):
            if recent and rng.random() < COPY_SHARE:
                base, base_topic = recent[int(rng.integers(len(recent)))]
                text = base.text if rng.random() < 1 / 3 else _near_copy(
                    rng, world, base.text, base_topic
                )  # fmt: skip
                names, day = [m for m in base.mentions], _day(base) + dt.timedelta(
                    days=int(rng.integers(0, 2))
                )  # fmt: skip
                topic_used = base_topic
            else:
                name, credit = world.outlets[int(rng.integers(len(world.outlets)))]
                lead = (
                    f"{place.upper()} ({name}) - {people[0]} {verb[outlet % 2]} {people[1]} "
                    f"in {place} on {weekday}."
                )
                body = _paragraphs(rng, world, topic, [*people, place], int(rng.integers(3, 10)))
                text = "\n\n".join([lead, *body] + ([credit] if rng.random() < 0.8 else []))
                names, day = [], date + dt.timedelta(days=int(rng.integers(0, 2)))
                topic_used = topic
            mentions = tuple(names) or _mentions(text, people, place)
            vector = direction + 0.8 * rng.standard_normal(DIM)
            article = Article(
                id=f"s{len(articles)}", text=text, source_path="synthetic",
                published=DateInfo(day.isoformat(), "record", "day"), mentions=mentions,
                embedding=pack(vector / np.linalg.norm(vector)),
            )  # fmt: skip
            articles.append(article)
            recent.append((article, topic_used))
            if len(recent) > 2000:
                recent.pop(0)
            if len(articles) >= n:
                break
    return articles


def _day(article: Article) -> dt.date:
    return dt.date.fromisoformat(article.published.value or "2023-01-01")


def _mentions(text: str, people: list[str], place: str) -> tuple[Mention, ...]:
    """The lead's two people and place, where the text names them."""
    out = []
    for name, label in ((people[0], "PERSON"), (people[1], "PERSON"), (place, "GPE")):
        at = text.find(name, text.find(")"))
        if at >= 0:
            out.append(Mention(at, at + len(name), label))
    return tuple(out)


def templated(n: int, seed: int = 7) -> list[Article]:
    """N short templated wire items (`_synthetic.news_texts`), dated over two years."""
    from _synthetic import news_texts

    rng = np.random.default_rng(seed)
    day0 = dt.date(2023, 1, 1)
    days = rng.integers(730, size=n).tolist()
    dates = [DateInfo((day0 + dt.timedelta(days=d)).isoformat(), "record", "day") for d in days]
    return [
        Article(id=article_id, text=text, source_path="synthetic", published=date)
        for (article_id, text), date in zip(news_texts(n, seed), dates, strict=True)
    ]


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--generator", choices=("realistic", "templated"), default="realistic",
        help="realistic: this module's news-like corpus; templated: bench/_synthetic.py",
    )  # fmt: skip
    parser.add_argument(
        "--copies-only", action="store_true", help="time copy detection alone (no same-event)"
    )
    args = parser.parse_args()
    generate = synthetic if args.generator == "realistic" else templated
    results = []
    for n in args.sizes:
        started = time.perf_counter()
        articles = generate(n)
        words = sum(len(a.text.split()) for a in articles) / max(1, n)
        t0, c0 = time.perf_counter(), time.process_time()
        copies = find_copies(articles)
        t1, c1 = time.perf_counter(), time.process_time()
        groups = [] if args.copies_only else same_event_groups(articles)
        t2 = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append(
            {
                "n": n,
                "generator": args.generator,
                "copies_s": round(t1 - t0, 2),
                "copies_cpu_s": round(c1 - c0, 2),
                "group_s": round(t2 - t1, 2),
                "groups": len(groups),
                "copy_links": len(copies),
                "copied_articles": len({x for link in copies for x in (link.a, link.b)}),
                "words_per_article": round(words),
                "generate_s": round(t0 - started, 2),
                "peak_rss_mib": round(rss),
            }
        )
        same = "not timed" if args.copies_only else f"{t2 - t1:7.1f}s"
        print(
            f"{n:>8} articles: copies {t1 - t0:7.1f}s ({c1 - c0:.1f} CPU-s), same-event {same}, "
            f"{len(groups)} groups, {len(copies)} copy links, peak RSS {rss:.0f} MiB "
            f"(generated in {t0 - started:.1f}s, {words:.0f} words an article)",
            flush=True,
        )
    for small, big in itertools.pairwise(results):
        size_ratio = big["n"] / small["n"]
        time_ratio = (big["copies_s"] + big["group_s"]) / max(
            1e-9, small["copies_s"] + small["group_s"]
        )
        copy_ratio = big["copies_cpu_s"] / max(1e-9, small["copies_cpu_s"])
        print(f"  {small['n']} -> {big['n']}: size x{size_ratio:.1f}, time x{time_ratio:.1f}")
        verdict = "within" if copy_ratio <= 2 * size_ratio else "beyond"
        print(
            f"  copy detection, CPU time: x{copy_ratio:.1f} for x{size_ratio:.1f} articles "
            f"({verdict} twice linear, x{2 * size_ratio:.0f})"
        )
        results[-1]["growth_time_ratio"] = round(time_ratio, 2)
        results[-1]["copies_growth_cpu_ratio"] = round(copy_ratio, 2)
    print(json.dumps(results[-1]))


if __name__ == "__main__":
    main()
