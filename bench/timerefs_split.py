"""Time references on one part of a TimeML corpus, scored by the TempEval-3 reference scorer.

    python bench/timerefs_split.py --data ../shared/corpora/timeml/tbaq-cleaned --part heldout
    python bench/timerefs_split.py --data ../shared/corpora/timeml/tweets --notation tweets

The TimeBank+AQUAINT tuning split is fixed by file name: a document whose SHA-1 of its file
name is 0 mod 5 is held out (`tbaq-heldout`, 48 of 256 documents), the others are `tbaq-tune`
(208); the rules were tuned and their errors read on `tune` only. `--part` takes `whole`,
`tune` or `heldout` (the same rule splits any folder). Each document's raw text (as the
reference scorer reads it) runs through the spaCy parse (cached under bench/out/parses/) and
the timerefs stage anchored on the document creation time; the predictions are written to
`--predictions` and scored by ../shared/score/timeml.py on exactly those documents (its own
table and JSON line are printed).

`--notation tweets` rewrites values into the Tweets corpus's own notation before scoring (a
year alone as `2014-XX-XX`, a named weekday as `2014-12-12-WXX-5`, an ISO week as
`2015-03-W10`): the corpus writes them so throughout, and dateline's TIMEX3 values are kept
as they are everywhere else. Both figures are worth printing side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from dateline.model import TimeRef
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.timerefs import find_timerefs
from dateline.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT / ".." / "shared" / "score" / "timeml.py"
CACHE = ROOT / "bench" / "out" / "parses"


def part_of(name: str) -> str:
    """`heldout` or `tune`: the fixed split of a TimeML file name."""
    return "heldout" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 5 == 0 else "tune"


def tweets_notation(ref: TimeRef, text: str) -> str:
    """A TIMEX3 value written the way the Tweets corpus writes it."""
    value, span = ref.value, text[ref.start : ref.end]
    if re.fullmatch(r"\d{4}", value) and re.fullmatch(r"\s*\d{4}\s*", span):
        return value + "-XX-XX"
    m = re.match(r"(\d{4}-\d\d-\d\d)(.*)", value)
    if m and re.search(r"(?i)\b(mon|tue|wed|thu|fri|sat|sun)", span):
        try:
            weekday = dt.date.fromisoformat(m.group(1)).isoweekday()
        except ValueError:
            return value
        return f"{m.group(1)}-WXX-{weekday}{m.group(2)}"
    m = re.fullmatch(r"(\d{4})-W(\d\d)", value)
    if m:
        try:
            monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return value
        return f"{monday.year:04d}-{monday.month:02d}-W{m.group(2)}"
    return value


def _anchor(dct: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(dct[:10]) if dct else None
    except ValueError:
        return None


def _docs(nlp: Any, data: Path, texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Parses of the texts, from the cache when the same texts were parsed before."""
    from spacy.tokens import DocBin

    names = sorted(texts)
    key = hashlib.sha1(
        (nlp.meta["name"] + nlp.meta["version"] + "".join(texts[n]["text"] for n in names)).encode()
    ).hexdigest()[:16]
    path = CACHE / f"{data.name}-{key}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe([texts[n]["text"] for n in names], batch_size=16))
        bin_ = DocBin(store_user_data=True)
        for doc in docs:
            bin_.add(doc)
        CACHE.mkdir(parents=True, exist_ok=True)
        bin_.to_disk(path)
    return dict(zip(names, docs, strict=True))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of TimeML files")
    parser.add_argument("--part", choices=("whole", "tune", "heldout"), default="whole")
    parser.add_argument("--notation", choices=("timex3", "tweets"), default="timex3")
    parser.add_argument("--predictions", type=Path, default=ROOT / "bench/out/timerefs.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        dumped = Path(tmp) / "text"
        subprocess.run(
            [sys.executable, str(SCORER), str(args.data), "--dump-text", str(dumped)], check=True
        )
        texts = {p.name[: -len(".json")]: json.loads(p.read_text()) for p in dumped.glob("*.json")}
        texts = {n: t for n, t in texts.items() if args.part in ("whole", part_of(n))}
        docs = _docs(nlp_for(load_settings()), args.data, texts)
        predictions: dict[str, list[dict[str, Any]]] = {}
        for name, doc in docs.items():
            refs = find_timerefs(doc.text, _anchor(texts[name]["dct"]), doc=doc)
            predictions[name] = [
                {
                    "start": r.start,
                    "end": r.end,
                    "type": r.type,
                    "value": tweets_notation(r, doc.text) if args.notation == "tweets" else r.value,
                }
                for r in refs
            ]
        # The reference scorer reads a folder: link the part's gold files into one.
        gold = Path(tmp) / "gold"
        gold.mkdir()
        for path in args.data.rglob("*.tml"):
            if path.name in texts:
                (gold / path.name).symlink_to(path.resolve())
        args.predictions.parent.mkdir(parents=True, exist_ok=True)
        args.predictions.write_text(json.dumps(predictions))
        print(f"{args.data} part={args.part} notation={args.notation}: {len(texts)} documents")
        done = subprocess.run([sys.executable, str(SCORER), str(gold), str(args.predictions)])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
