"""A synthetic news store for the web load bench: N dated articles from many outlets.

The texts come from `bench/_synthetic.py` (invented diplomatic and security events with
quotes, numbers and copies). This module adds what a store served to an analyst needs and
the generator leaves out: a publication date (spread over `days` from `start`, so the time
axis has a real range; a copy keeps a date near its original's), an outlet and URL, and for
six events in ten a real city instead of the invented place name, so that geocoding finds
event locations for the map. Records go to JSONL files of `per_file` records (each under the
reader's 20 MB limit), which `dateline ingest` stores and links like any corpus.

    python bench/_web_store.py --articles 100000 --out /tmp/web/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _synthetic import news_texts

OUTLETS = (
    "Agence Levant", "Northern Wire", "Capital Herald", "Daily Meridian", "Gulf Observer",
    "Steppe News", "Balkan Courier", "Sahel Post", "Andes Report", "Pacific Ledger",
    "Evening Standard-Tribune", "Global Dispatch", "Riverside Times", "Harbour Gazette",
)  # fmt: skip
CITIES = (
    "Damascus", "Geneva", "Moscow", "Kabul", "Kyiv", "Beirut", "Baghdad", "Cairo", "Ankara",
    "Tehran", "Nairobi", "Addis Ababa", "Bogota", "Caracas", "Manila", "Jakarta", "Dhaka",
    "Islamabad", "Doha", "Riyadh", "Amman", "Tripoli", "Khartoum", "Algiers", "Lagos",
    "Kinshasa", "Brussels", "Vienna", "Berlin", "Paris", "Madrid", "Rome", "Warsaw", "Minsk",
    "Tbilisi", "Baku", "Yerevan", "Tashkent", "Beijing", "Seoul", "Tokyo", "Hanoi", "Bangkok",
    "Canberra", "Ottawa", "Washington", "Mexico City", "Havana", "Lima", "Santiago",
    "Buenos Aires", "Brasilia", "Pretoria", "Harare", "Dakar", "Bamako", "Niamey", "Sanaa",
    "Muscat", "Abu Dhabi",
)  # fmt: skip


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "big")


def records(
    n: int, *, start: dt.date = dt.date(2019, 1, 1), days: int = 5 * 365, seed: int = 7
) -> Iterator[dict[str, str]]:
    """Yield `n` JSONL records (text, title, date, source, url) of synthetic news."""
    for i, (doc_id, text) in enumerate(news_texts(n, seed=seed)):
        place = text.split(" - ", 1)[0].strip()
        name = place.capitalize()
        if place.isupper() and _stable(name) % 10 < 6:
            city = CITIES[_stable(name + "/city") % len(CITIES)]
            text = text.replace(place, city.upper(), 1).replace(name, city)
            name = city
        day = start + dt.timedelta(days=i * days // max(1, n) + _stable(doc_id) % 3)
        outlet = OUTLETS[_stable(doc_id + "/outlet") % len(OUTLETS)]
        first = text.split(" - ", 1)[-1].split(". ", 1)[0]
        title = " ".join(first.split()[:14])
        yield {
            "text": text,
            "title": title,
            "date": day.isoformat(),
            "source": outlet,
            "url": f"https://news.example/{outlet.split()[0].lower()}/{doc_id}",
        }


def write_corpus(n: int, out: Path, *, per_file: int = 5000, offset: int = 0) -> list[Path]:
    """Write `n` records to JSONL files of `per_file` records under `out`; return the files.

    `offset` skips that many records of the same generator first (for a later, new batch).
    """
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    handle = None
    for i, record in enumerate(records(offset + n)):
        if i < offset:
            continue
        k = i - offset
        if k % per_file == 0:
            if handle:
                handle.close()
            files.append(out / f"news-{offset + k:06d}.jsonl")
            handle = files[-1].open("w", encoding="utf-8")
        assert handle is not None
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if handle:
        handle.close()
    return files


def main() -> None:
    """Write the corpus files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--offset", type=int, default=0)
    args = parser.parse_args()
    for path in write_corpus(args.articles, args.out, offset=args.offset):
        print(path)


if __name__ == "__main__":
    main()
