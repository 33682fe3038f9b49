"""Cost of grouping as the corpus grows: synthetic corpora of N articles, time and memory.

    python bench/scale_grouping.py --sizes 10000 100000

Each synthetic event is told by 1-4 outlets in different words (shared names, place and date,
different wording); the benchmark times copy detection and same-event grouping and prints the
time ratio between consecutive sizes beside the size ratio (linear growth: equal ratios).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import resource
import time

from dateline.link.cluster import same_event_groups
from dateline.link.dedup import find_copies
from dateline.model import Article, DateInfo, Mention

FIRST = "Amina Boris Chen Dara Elif Farid Gita Hugo Ines Jonas Kemal Lina Marek Nadia Omar".split()
LAST = "Haddad Ivanov Okafor Silva Novak Rahimi Costa Moreau Kaya Berg Torres Lund Sato".split()
PLACES = "Valmora Kesh Nahrabad Velgorod Sarnbridge Marentia Kellport Duneholm Ostrava".split()
VERBS = [
    ("met", "held talks with"),
    ("accused", "blamed"),
    ("visited", "travelled to see"),
    ("phoned", "spoke by telephone with"),
    ("signed a deal with", "agreed terms with"),
]
FILLER = (
    "officials said the talks covered water, trade, refugees, security and the border "
    "while analysts expected further rounds in the coming weeks"
).split()


def _letters(number: int) -> str:
    """A name suffix made of letters, so each synthetic person has a distinct surname."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[digit]
        if number == 0:
            return out


def synthetic(n: int, seed: int = 1) -> list[Article]:
    """N articles: events told by 1-4 outlets each, with names, places and dates."""
    rng = random.Random(seed)
    articles: list[Article] = []
    day0 = dt.date(2024, 1, 1)
    event = 0
    while len(articles) < n:
        event += 1
        a = f"{rng.choice(FIRST)} {rng.choice(LAST)}{_letters(event)}"
        b = f"{rng.choice(FIRST)} {rng.choice(LAST)}{_letters(event * 7 + 3)}"
        place = rng.choice(PLACES)
        verb = rng.choice(VERBS)
        date = day0 + dt.timedelta(days=rng.randrange(365))
        for outlet in range(rng.randint(1, 4)):
            words = rng.sample(FILLER, 12)
            text = (
                f"{a} {verb[outlet % 2]} {b} in {place} on Monday. " + " ".join(words) + ". "
                f"Event {event} drew comment from {place} residents, outlet {outlet} reported."
            )
            mentions = (
                Mention(0, len(a), "PERSON"),
                Mention(text.index(b), text.index(b) + len(b), "PERSON"),
                Mention(text.index(place), text.index(place) + len(place), "GPE"),
            )
            articles.append(Article(
                id=f"s{len(articles)}", text=text, source_path="synthetic",
                published=DateInfo((date + dt.timedelta(days=outlet)).isoformat(), "record", "day"),
                mentions=mentions,
            ))  # fmt: skip
            if len(articles) >= n:
                break
    return articles


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        articles = synthetic(n)
        t0 = time.perf_counter()
        copies = find_copies(articles)
        t1 = time.perf_counter()
        groups = same_event_groups(articles)
        t2 = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append(
            {
                "n": n,
                "copies_s": round(t1 - t0, 2),
                "group_s": round(t2 - t1, 2),
                "groups": len(groups),
                "copy_links": len(copies),
                "peak_rss_mib": round(rss),
            }
        )
        print(
            f"{n:>8} articles: copies {t1 - t0:7.1f}s, same-event {t2 - t1:7.1f}s, "
            f"{len(groups)} groups, peak RSS {rss:.0f} MiB",
            flush=True,
        )
    for small, big in itertools.pairwise(results):
        size_ratio = big["n"] / small["n"]
        time_ratio = (big["copies_s"] + big["group_s"]) / max(
            1e-9, small["copies_s"] + small["group_s"]
        )
        print(f"  {small['n']} -> {big['n']}: size x{size_ratio:.1f}, time x{time_ratio:.1f}")
        results[-1]["growth_time_ratio"] = round(time_ratio, 2)
    print(json.dumps(results[-1]))


if __name__ == "__main__":
    main()
