"""The shipped event classifier (`models/events`), scored with numpy.

Two linear models over the string features of `_event_features`: the type (``NONE`` or a
PLOVER type) and the mode (``TYPE/mode``). A candidate's score is the softmax of the summed
weight rows of its known features plus the bias. The winning type's probability is mapped to
a calibrated confidence (Platt scaling fitted on the held-out part of the training corpora).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dateline.errors import ModelError
from dateline.models import load_model_info, rebuild_hint

FORMAT = 1
LABEL_NONE = "NONE"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the classifier says about one candidate trigger."""

    type: str  # NONE or a PLOVER type
    probability: float  # of that type
    confidence: float  # calibrated probability that the type is right
    mode: str | None
    mode_probability: float
    event_probability: float  # 1 - P(NONE)


@dataclass(frozen=True, slots=True)
class _Linear:
    index: dict[str, int]
    classes: tuple[str, ...]
    coef: np.ndarray
    bias: np.ndarray

    def probabilities(self, features: list[str]) -> np.ndarray:
        cols = sorted({self.index[f] for f in features if f in self.index})
        logits = self.coef[cols].sum(axis=0, dtype=np.float32) + self.bias
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()


@dataclass(frozen=True, slots=True)
class EventModel:
    """The loaded classifier."""

    types: _Linear
    modes: _Linear
    nouns: frozenset[str]
    verbs: frozenset[str]  # verb lemmas the corpora marked as an event at least once
    calibration: tuple[float, float]
    threshold: float  # an event when P(not NONE) reaches it (chosen on the held-out part)
    rule_threshold: float  # the same for a word the trigger lexicon knows
    backoff: float = 2.0  # a sentence without events keeps a lexicon trigger from this P(event)

    def verdict(self, features: list[str]) -> Verdict:
        """Type, mode and calibrated confidence for one candidate's features."""
        probs = self.types.probabilities(features)
        none = self.types.classes.index(LABEL_NONE)
        cut = self.threshold if "rule=none" in features else self.rule_threshold
        if 1.0 - float(probs[none]) >= cut:
            typed = probs.copy()
            typed[none] = -1.0
            best = int(typed.argmax())
        else:
            best = none
        label = self.types.classes[best]
        p = float(probs[best])
        mode, mode_p = None, 0.0
        if label != LABEL_NONE:
            mode_probs = self.modes.probabilities(features)
            for i in np.argsort(-mode_probs):
                name = self.modes.classes[int(i)]
                if name.startswith(label + "/"):
                    mode, mode_p = name.split("/", 1)[1], float(mode_probs[int(i)])
                    break
        return Verdict(label, p, self.calibrate(p), mode, mode_p, 1.0 - float(probs[none]))

    def calibrate(self, probability: float) -> float:
        """The calibrated chance that a prediction made with this probability is right."""
        a, b = self.calibration
        p = min(max(probability, 1e-6), 1 - 1e-6)
        return 1 / (1 + math.exp(-(a * math.log(p / (1 - p)) + b)))


@functools.cache
def load_event_model(root: str | None = None) -> EventModel:
    """Load the shipped event classifier (DL003 when it is missing or of another format)."""
    info = load_model_info("events", expects=FORMAT, root=root)
    return read_event_model(info.path)


def read_event_model(folder: Path) -> EventModel:
    """Read the classifier's files from a folder (DL003 when they cannot be read)."""
    try:
        spec = json.loads((folder / "features.json").read_text(encoding="utf-8"))
        with np.load(folder / "weights.npz") as weights:
            arrays = {k: weights[k].astype(np.float32) for k in weights.files}
        types = _Linear(
            {f: i for i, f in enumerate(spec["type_vocab"])},
            tuple(spec["type_classes"]),
            arrays["type_coef"],
            arrays["type_bias"],
        )
        modes = _Linear(
            {f: i for i, f in enumerate(spec["mode_vocab"])},
            tuple(spec["mode_classes"]),
            arrays["mode_coef"],
            arrays["mode_bias"],
        )
        a, b = spec["calibration"]
        threshold = float(spec.get("threshold", 0.5))
        rule_threshold = float(spec.get("rule_threshold", threshold))
        backoff = float(spec.get("backoff", 2.0))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"cannot read the events model: {exc}; {rebuild_hint('events')}", path=str(folder)
        ) from exc
    return EventModel(
        types,
        modes,
        frozenset(spec["nouns"]),
        frozenset(spec.get("verbs", ())),
        (float(a), float(b)),
        threshold,
        rule_threshold,
        backoff,
    )
