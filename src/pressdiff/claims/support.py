"""The decision layer: supported, contradicted, or unclear, and how sure.

The rules (:class:`~pressdiff.claims.check.RuleChecker`) find concrete conflicts well, but they
said "supports" whenever similarity cleared one threshold, so on text they were not tuned on
they supported almost everything (QAGS CNN/DM: 10 % of unsupported sentences caught).  Here
support has to be earned: each claim sentence is aligned to its best evidence sentences
(:mod:`pressdiff.claims.align`), and a small logistic model weighs how much of what the claim
asserts the evidence asserts too.  The decision, in order:

* a conflict found by the rules in the aligned evidence (another number, name, role, a
  negation or an antonym) makes the claim ``contradicts``, with the rules' reasons and spans;
* otherwise the claim is ``supports`` when the model's probability that the evidence backs
  its *weakest* sentence reaches ``cut``;
* otherwise ``unclear``: the evidence neither backs nor contradicts it.

``score`` is how sure the verdict is: the model's probability for ``supports``, one minus it
for ``unclear`` (low when the claim is almost supported), the rules' conflict score for
``contradicts``.

The weights are plain JSON beside this module, fitted by ``bench/claims_support_train.py`` on
shipped benchmark data only (the SummEdits domains other than news, evaluation splits, and the
tune part of QAGS); the report part of QAGS and SummEdits news never train or tune it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pressdiff.claims.align import FEATURES, Judged, judge
from pressdiff.claims.check import CheckResult, RuleChecker

WEIGHTS_FILE = "support_model.json"


@dataclass(frozen=True)
class SupportModel:
    """Standardised logistic regression over some of the alignment measures:
    P(supported) = sigmoid(b + sum(coef * (x - mean) / scale))."""

    features: tuple[str, ...]  # names from ``align.FEATURES``
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    cut: float
    info: dict

    def probability(self, measures: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * (measures[f] - m) / s
            for f, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_json(cls, data: dict) -> SupportModel:
        unknown = set(data["features"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"{WEIGHTS_FILE} uses measures align.py has not: {sorted(unknown)}")
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["coef"]),
            float(data["intercept"]),
            float(data["cut"]),
            data.get("info", {}),
        )


@lru_cache(maxsize=1)
def shipped_model() -> SupportModel:
    text = resources.files("pressdiff.claims").joinpath(WEIGHTS_FILE).read_text()
    return SupportModel.from_json(json.loads(text))


class SupportChecker:
    """A :class:`~pressdiff.claims.check.Checker`: the rules' conflicts, the model's support."""

    def __init__(self, rules: RuleChecker | None = None, model: SupportModel | None = None) -> None:
        self.rules = rules or RuleChecker()
        self._model = model

    @property
    def model(self) -> SupportModel:
        """The weights given, else the shipped ones (read on first use: judging needs none)."""
        if self._model is None:
            self._model = shipped_model()
        return self._model

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        return [self.decide(j) for j in self.judge_many(pairs)]

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judged]:
        parsed, vectors = self.rules.prepare(pairs)
        return [judge(ev, cl, vectors, self.rules) for ev, cl in parsed]

    def decide(self, j: Judged) -> CheckResult:
        if not j.sentences:
            return CheckResult("unclear", 1.0, ["empty text"])
        if j.conflicts:
            # Each independent conflict makes a coincidence less likely (as the rules score it).
            score = 1.0 - 0.35 * 0.5 ** (len(j.conflicts) - 1)
            spans = sorted({s for _, s in j.conflicts})
            return CheckResult("contradicts", round(score, 3), [r for r, _ in j.conflicts], spans)
        p = self.model.probability(j.features())
        if p >= self.model.cut:
            return CheckResult("supports", round(p, 3), [r for r, _ in j.gaps])
        reasons = [r for r, _ in j.gaps] or [f"weak alignment (P(supported) {p:.2f})"]
        return CheckResult("unclear", round(1.0 - p, 3), reasons, sorted({s for _, s in j.gaps}))
