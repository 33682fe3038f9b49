"""Synthetic news articles for throughput and memory benchmarks, generated lazily.

Each article reports one invented diplomatic or security event in 6-12 sentences: a dateline,
who met or accused whom, where and when ("on Tuesday"), a direct and an indirect quote with a
number, and background sentences. Names are built from syllables, so the vocabulary keeps
growing with the corpus as real news does (no fixed list of a dozen people). About one
article in twenty is a lightly edited copy of an earlier one, as agencies' copies are.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_SYLLABLES = "ka lo mir sa ve ton da ri bel nor ha zu gan el ost mar ik pre lev at".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_ROLES = [
    "Foreign Minister", "Defence Minister", "President", "Prime Minister", "special envoy",
    "army commander", "opposition leader", "police chief", "central bank governor",
]  # fmt: skip
_ACTS = [
    ("met", "to discuss"), ("held talks with", "on"), ("accused", "of undermining"),
    ("criticised", "over"), ("signed an agreement with", "on"), ("telephoned", "about"),
    ("warned", "against"), ("thanked", "for"),
]  # fmt: skip
_TOPICS = [
    "the return of refugees", "border security", "grain exports", "the ceasefire",
    "water sharing", "sanctions relief", "prisoner exchanges", "reconstruction funds",
    "the election timetable", "gas transit fees",
]  # fmt: skip
_BACKGROUND = [
    "The two sides last met in {month}, when talks ended without a joint statement.",
    "Analysts in {place} said the meeting could open the way to a wider settlement.",
    "More than {n} people have been displaced since fighting resumed, the United Nations says.",
    "Officials did not say when the next round would take place.",
    "The ministry published a short statement after the meeting.",
    "Trade between the two countries fell by {pct} percent last year.",
    "Protesters gathered outside the {place} parliament on {weekday} evening.",
]
_MONTHS = "January February March April May June July August September October".split()


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _person(rng: random.Random) -> str:
    return f"{_name(rng)} {_name(rng, 3)}"


def news_texts(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """Yield `n` (id, text) pairs of synthetic news articles, one at a time."""
    rng = random.Random(seed)
    recent: list[str] = []
    for i in range(n):
        if recent and rng.random() < 0.05:
            text = rng.choice(recent).replace(" said ", " told reporters ", 1)
            yield f"syn-{i}", text
            continue
        place, other = _name(rng, 3), _name(rng, 2)
        a, b = _person(rng), _person(rng)
        act, prep = rng.choice(_ACTS)
        topic = rng.choice(_TOPICS)
        weekday = rng.choice(_WEEKDAYS)
        number = rng.randrange(2, 900) * 1000
        sentences = [
            f"{place.upper()} - {rng.choice(_ROLES)} {a} {act} {rng.choice(_ROLES)} {b} "
            f"{prep} {topic} in {place} on {weekday}.",
            f'"We will not accept delays," {a} said after the meeting.',
            f"{b} said {number:,} people were waiting for a decision on {topic}.",
        ]
        for _ in range(rng.randrange(3, 9)):
            sentences.append(
                rng.choice(_BACKGROUND).format(
                    month=rng.choice(_MONTHS),
                    place=rng.choice((place, other)),
                    n=f"{number * 3:,}",
                    pct=rng.randrange(2, 40),
                    weekday=rng.choice(_WEEKDAYS),
                )
            )
        text = " ".join(sentences)
        recent = [*recent[-50:], text]
        yield f"syn-{i}", text
