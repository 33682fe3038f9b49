"""The attribution model's MODEL_CARD.md, written by training so its figures stay true."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dateline.train._common import git_commit

_CARD = """# attribution: who said what (source, cue, content)

Written by `python -m dateline.train attribution{options}` on {date} from commit {commit}
(seed {seed}).

## What it does
Finds attributions in news text: the **cue** (verbal, nominal, "according to", colon and dash
signatures), the **source** and the **content** (in one or more pieces: "“A,” he said, “B.”"),
tied together, as PolNeAR annotates them. Used by the `quotes` stage
(`dateline/pipeline/quotes.py`), which resolves the source to a speaker and decides whether
the content is direct speech.

## How
1. A tagger: per token, hashed embeddings of the token and of its place in the spaCy parse
   (the verbs above it and the relation under each, the verb argument it starts or ends,
   inside a quotation or not, sentence and paragraph edges) joined to spaCy's own token
   vectors (`doc.tensor`, already computed by the parse){static}, a window CNN (width
   {width}, depth {depth}){lstm} and a softmax over BIO tags for source, cue and content,
   decoded with Viterbi (an I tag only after its B).
2. A linker: logistic regression over hashed (span, cue) features (side, distance in tokens
   and sentences, cues between, the parse path between their heads, the cue's lemma,
   quotation marks, paragraph breaks) ties each source and content span to a cue.

Inference is numpy (thinc, which spaCy ships); no torch.

## Training data and licence
PolNeAR v1.0.0 (Newell, Margolin and Ruths, LREC 2018), political news from seven US
publishers, 2015-2016: {n_train} train texts for training, the 84 dev texts for choosing
the epoch. **PolNeAR states no data licence: research use only.** The weights are derived from
it; check that your use fits before you redistribute them. No test split was used or seen.

## Dev figures (PolNeAR dev, exact match, Citron's definitions, percent)
| | P | R | F1 |
|---|---|---|---|
{rows}

Best epoch {epoch}; training took {minutes:.0f} minutes on 2 shared CPU cores.
The reference scorer (`../shared/score/polnear.py`) gives the same figures on the same
predictions (`tests/train/test_attribution.py`).

## Known failure modes
- Cues outside what PolNeAR's annotators call attribution (and the reverse): PolNeAR counts
  votes, resolutions and placards as attributions; the model follows it.
- Exact content boundaries: a content that starts or stops one word away from the
  annotator's (a trailing "he said" clause, an adverbial inside or outside) counts as wrong.
- Text far from US political news (other registers, translated state media) is out of domain;
  the quotes stage keeps its rules for quotations and signatures the model leaves out.
- Sources are spans, not people: speaker resolution (pronouns, roles) is done by the stage.

## Inference cost
One tagger pass per article over the parse's tokens plus a few pair scores per span, in numpy.
Measured 2026-12-03 with the width-64 CNN on 200 ECB+ articles (1,870 characters each), CPU
seconds on a loaded 2-core machine: tagging and linking 2.95 s beside 20.29 s of spaCy parse
(15% of the parse, 15 ms per article); the whole quotes stage (model, rules, speakers) in
`bench/speed.py --workers 1` 12.7 s beside 82.4 s of parse, wall clock (15%). A BiLSTM or
static vectors add to this; measure again with `bench/speed.py` after such a retrain.
"""
_STATIC = """
   and static word vectors (en_core_web_md's table, MIT licence, reduced to its first {width}
   principal axes and to lower-case words: `vectors.npz`, looked up by the token's NORM)"""
_LSTM = ", a bidirectional LSTM"


def write_card(
    out: Path,
    figures: dict[str, dict[str, float]],
    *,
    epoch: int,
    epochs: int,
    seed: int,
    minutes: float,
    n_train: int,
    config: dict[str, Any],
) -> Path:
    """Write MODEL_CARD.md beside the weights."""
    options = f" --epochs {epochs} --width {config['width']} --depth {config['depth']}"
    if config.get("lstm"):
        options += " --lstm"
    if config.get("static"):
        options += f" --vectors <en_core_web_md> --vector-width {config['static']}"
    rows = "\n".join(
        f"| {kind} | {f['p']:.1f} | {f['r']:.1f} | {f['f1']:.1f} |" for kind, f in figures.items()
    )
    text = _CARD.format(
        date=dt.date.today().isoformat(), commit=git_commit() or "unknown", rows=rows,
        epoch=epoch, minutes=minutes, options=options, seed=seed, n_train=n_train,
        width=config["width"], depth=config["depth"], lstm=_LSTM if config.get("lstm") else "",
        static=_STATIC.format(width=config["static"]) if config.get("static") else "",
    )  # fmt: skip
    path = out / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path
