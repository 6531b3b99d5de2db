"""A learned pairwise checker: logistic regression over the rules' findings plus cheap extras.

The rules (:class:`~pressdiff.claims.check.RuleChecker`) find concrete conflicts well, but one
hand-set threshold on their ``support`` score decides everything else.  Here a logistic
regression weighs that score together with a few signals the rules do not combine: MiniLM
similarity of each claim sentence to its best evidence sentence, the share of the claim's
words, capitalised names and numbers the evidence never uses, and unmatched negations.

The weights were fitted by ``bench/claims_train.py`` on the SummEdits domains other than news
(news is held out for the benchmark) and ship as plain JSON beside this module: readable,
diffable, and loaded without pickle.  The regression only decides *supported or not*; a pair it
does not support is ``contradicts`` when the rules found a conflict (their reasons and spans
are kept, so a reader can still verify the flag) and ``unclear`` otherwise.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from experimental.rough import rough_sentences
from pressdiff import nlp
from pressdiff.claims.check import Assessment, CheckResult, RuleChecker

WEIGHTS_FILE = "trained_checker.json"

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*")
_NEGATORS = {"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor", "without"}

FEATURES = (
    "support",
    "has_conflict",
    "log_gaps",
    "cos_min",
    "cos_mean",
    "novel_words",
    "novel_names",
    "novel_numbers",
    "unmatched_negation",
    "log_claim_words",
)


def _words(text: str) -> list[str]:
    """Word and number tokens, with "n't" split off so negations count like "not"."""
    return _WORD.findall(text.replace("n't", " n't"))


def _novel_share(claim: list[str], evidence: set[str]) -> float:
    """Share of ``claim`` tokens absent from ``evidence``; 0 when the claim has none to check."""
    return sum(t not in evidence for t in claim) / len(claim) if claim else 0.0


def _negations(text: str) -> int:
    return sum(w.lower() in _NEGATORS for w in _words(text))


def lexical_features(evidence: str, claim: str, vectors: dict[str, np.ndarray]) -> list[float]:
    """The extras beside the rules' assessment, in ``FEATURES`` order from ``cos_min`` on.

    ``vectors`` maps every sentence of both texts (as split by ``rough_sentences``) to its
    MiniLM vector.  Unmatched negation counts negators in each claim sentence beyond those in
    its most similar evidence sentence: inserting a "not" is a common distortion that leaves
    every word of the claim present in the evidence.
    """
    ev_sents, cl_sents = rough_sentences(evidence), rough_sentences(claim)
    sims = np.stack([vectors[s] for s in cl_sents]) @ np.stack([vectors[s] for s in ev_sents]).T
    best = sims.max(axis=1)
    unmatched = sum(
        max(0, _negations(sent) - _negations(ev_sents[int(j)]))
        for sent, j in zip(cl_sents, sims.argmax(axis=1), strict=True)
    )
    ev_words = _words(evidence)
    ev_lower = {w.lower() for w in ev_words}
    cl_words = _words(claim)
    content = [w.lower() for w in cl_words if w.lower() not in STOP_WORDS and w[0].isalpha()]
    # Capitalised words after the first of each sentence: names, mostly.
    names = [w for s in cl_sents for w in _words(s)[1:] if w[0].isupper()]
    numbers = [w.rstrip(".,") for w in cl_words if w[0].isdigit()]
    return [
        float(best.min()),
        float(best.mean()),
        _novel_share(content, ev_lower),
        _novel_share(names, set(ev_words)),
        _novel_share(numbers, {w.rstrip(".,") for w in ev_words if w[0].isdigit()}),
        float(unmatched),
        math.log1p(len(cl_words)),
    ]


def pair_features(
    rules: RuleChecker, pairs: Sequence[tuple[str, str]]
) -> tuple[list[Assessment], np.ndarray]:
    """The rules' assessments and the feature matrix (one row per pair, ``FEATURES`` order).

    Shared by the checker and the training script, so the model sees at run time exactly
    the features it was fitted on.
    """
    assessments = rules.assess_many(pairs)
    sentences = list(dict.fromkeys(s for pair in pairs for t in pair for s in rough_sentences(t)))
    vectors = dict(zip(sentences, nlp.embed(sentences), strict=True))
    rows = [
        [
            a.support,
            float(bool(a.conflicts)),
            math.log1p(len(a.gaps)),
            *lexical_features(evidence, claim, vectors),
        ]
        for a, (evidence, claim) in zip(assessments, pairs, strict=True)
    ]
    return assessments, np.array(rows, dtype=np.float64).reshape(len(pairs), len(FEATURES))


@dataclass(frozen=True)
class Weights:
    """A fitted logistic regression on standardised features, and its decision threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(consistent) for each row of ``x``."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_json(cls, data: dict) -> Weights:
        features = tuple(data["features"])
        if features != FEATURES:
            raise ValueError(f"weights fitted on {features}, code computes {FEATURES}")
        return cls(
            features,
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["coef"]),
            float(data["intercept"]),
            float(data["threshold"]),
        )


@lru_cache(maxsize=1)
def shipped_weights() -> Weights:
    """The weights kept beside this module (written by ``bench/claims_train.py``)."""
    text = (Path(__file__).parent / WEIGHTS_FILE).read_text(encoding="utf-8")
    return Weights.from_json(json.loads(text))


class TrainedChecker:
    """The rules' analysis, with a learned model deciding when the evidence supports a claim."""

    def __init__(self, weights: Weights | None = None, rules: RuleChecker | None = None) -> None:
        self.weights = weights or shipped_weights()
        self.rules = rules or RuleChecker()

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        if not pairs:
            return []
        assessments, x = pair_features(self.rules, pairs)
        probabilities = self.weights.probability(x)
        return [self.decide(a, float(p)) for a, p in zip(assessments, probabilities, strict=True)]

    def decide(self, a: Assessment, p_consistent: float) -> CheckResult:
        """Label one pair from its assessment and the model's P(consistent)."""
        if p_consistent >= self.weights.threshold:
            return CheckResult("supports", round(p_consistent, 3), [r for r, _ in a.gaps])
        score = round(1.0 - p_consistent, 3)
        if a.conflicts:
            spans = sorted({s for _, s in a.conflicts})
            return CheckResult("contradicts", score, [r for r, _ in a.conflicts], spans)
        reasons = [r for r, _ in a.gaps] or [f"model: P(consistent) {p_consistent:.2f}"]
        return CheckResult("unclear", score, reasons, sorted({s for _, s in a.gaps}))
