"""Fit the TrainedChecker's logistic regression on the SummEdits domains other than news.

Training data: the evaluation splits of the seven non-news SummEdits domains (the same pairs
``bench/claims_summedits.py --tune`` tunes the rules on).  The news file is never read here
except to cache its features for the benchmark; no fit or threshold sees its labels.

The decision threshold is the one that maximises balanced accuracy of *leave-one-domain-out*
probabilities: each domain scored by a model fitted on the other six, as news will be scored by
a model that never saw news.  The script prints that cross-domain figure per domain, beside the
rules' tuned threshold measured the same way, and writes the weights as JSON into the package.

    .venv/bin/python bench/claims_train.py     # features cached in bench/out/ after the first run
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from claims_summedits import DATA, NEWS, balanced_accuracy, load, rule_predictions, tune
from experimental.trained import FEATURES, WEIGHTS_FILE, pair_features
from scipy.optimize import minimize
from sklearn.preprocessing import StandardScaler

from pressdiff.claims.check import Assessment, RuleChecker

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "out" / "claims_features.json"
WEIGHTS = ROOT / "bench" / "experimental" / WEIGHTS_FILE
C = 1.0  # inverse L2 strength; the default, not searched (too few domains to search honestly)


def code_fingerprint() -> str:
    """A hash of the modules the features come from: the rules, their words and numbers, the
    extras and the splitter."""
    digest = hashlib.sha256()
    for name in (
        "pressdiff.claims.check",
        "pressdiff.claims.passage",
        "pressdiff.claims.rules",
        "pressdiff.lexicon",
        "pressdiff.config",
        "experimental.trained",
        "experimental.rough",
    ):
        module = importlib.import_module(name)
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def cached_rows() -> list[dict]:
    """Every tuning and news pair with its domain, label, features and rule assessment.

    Parsing ~1,000 documents takes minutes on the shared CPU, so the result is cached; the
    cache is rebuilt when the code that computes the features (the rules included) changes.
    """
    code = code_fingerprint()
    if CACHE.exists():
        cached = json.loads(CACHE.read_text())
        if cached.get("code") == code:
            return cached["rows"]
    rows = []
    for path in sorted(DATA.glob("summedits_*.json")):
        domain = path.stem.removeprefix("summedits_").removesuffix("_evaluation")
        data = load(path, split="evaluation")
        assessments, x = pair_features(RuleChecker(), [(r["doc"], r["summary"]) for r in data])
        for row, a, f in zip(data, assessments, x, strict=True):
            rows.append(
                {
                    "id": row["id"],
                    "domain": domain,
                    "news": path.name == NEWS,
                    "label": row["label"],
                    "edit_types": row["edit_types"],
                    "x": [round(float(v), 6) for v in f],
                    "support": a.support,
                    "conflicts": a.conflicts,
                    "gaps": a.gaps,
                }
            )
        print(f"features: {domain} ({len(data)} pairs)", flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps({"features": FEATURES, "code": code, "rows": rows}))
    return rows


def assessment(row: dict) -> Assessment:
    """The cached rule assessment of one row (for the rule baselines)."""
    spans = [(r, tuple(s)) for r, s in row["conflicts"]], [(r, tuple(s)) for r, s in row["gaps"]]
    return Assessment(row["support"], *spans)


# The sign each feature's weight may take: what a feature means for consistency is fixed by
# what inconsistency is (a conflict, a gap, an unseen name or number, less similar evidence
# never make a claim *more* likely consistent); only the magnitudes are learned.  Without
# these bounds the fit learns the tuning domains' quirk that heavy paraphrase is consistent
# (novel words up, similarity down), which scored 0.477 on news and left a sentence
# "unclear" as evidence for itself.  0 = either sign (claim length).
SIGNS = {
    "support": +1,
    "has_conflict": -1,
    "log_gaps": -1,
    "cos_min": +1,
    "cos_mean": +1,
    "novel_words": -1,
    "novel_names": -1,
    "novel_numbers": -1,
    "unmatched_negation": -1,
    "log_claim_words": 0,
}


@dataclass
class Fitted:
    scaler: StandardScaler
    coef: np.ndarray
    intercept: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.scaler.transform(x) @ self.coef + self.intercept)))


def fit(x: np.ndarray, y: np.ndarray) -> Fitted:
    """L2-regularised logistic regression with sign-bounded weights (L-BFGS-B).

    Balanced class weights, because SummEdits is scored by balanced accuracy; the objective
    is scikit-learn's ``LogisticRegression(C=C, class_weight="balanced")`` plus the bounds.
    """
    scaler = StandardScaler().fit(x)
    z = scaler.transform(x)
    weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    sign = 2 * y - 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        margin = sign * (z @ w + b)
        value = C * np.sum(weight * np.logaddexp(0, -margin)) + 0.5 * w @ w
        g = -C * weight * sign / (1 + np.exp(margin))
        return value, np.append(z.T @ g + w, g.sum())

    bounds = [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None)
              for s in (SIGNS[f] for f in FEATURES)] + [(None, None)]  # fmt: skip
    result = minimize(loss, np.zeros(len(FEATURES) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return Fitted(scaler, result.x[:-1], float(result.x[-1]))


def best_cut(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The threshold on P(consistent) with the best balanced accuracy, and that accuracy."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    results = [(balanced_accuracy(list(gold), list((scores >= t).astype(int))), t) for t in grid]
    acc, cut = max(results)
    return float(cut), acc


def main() -> None:
    rows = [r for r in cached_rows() if not r["news"]]
    x = np.array([r["x"] for r in rows])
    y = np.array([r["label"] for r in rows])
    domains = np.array([r["domain"] for r in rows])

    # Leave one domain out: honest cross-domain probabilities for choosing the threshold.
    held_out = np.zeros(len(rows))
    for domain in sorted(set(domains)):
        test = domains == domain
        held_out[test] = fit(x[~test], y[~test]).probability(x[test])
    threshold, acc = best_cut(held_out, y)

    rules = RuleChecker()
    tune(rules, [assessment(r) for r in rows], list(y))  # the rules' knobs, as in the bench
    print(
        f"leave-one-domain-out BAcc on {len(rows)} pairs: {acc:.3f} (P(consistent) >= {threshold})"
    )
    for domain in sorted(set(domains)):
        d = domains == domain
        learned = balanced_accuracy(list(y[d]), list((held_out[d] >= threshold).astype(int)))
        ruled = rule_predictions(
            rules, [assessment(r) for r, keep in zip(rows, d, strict=True) if keep]
        )
        rule_acc = balanced_accuracy(list(y[d]), ruled)
        print(
            f"  {domain:<12} learned (held out) {learned:.3f}   rules (tuned on all) {rule_acc:.3f}"
        )

    model = fit(x, y)
    weights = {
        "about": "TrainedChecker logistic regression; regenerate with bench/claims_train.py",
        "trained_on": "SummEdits evaluation splits of the non-news domains "
        + ", ".join(sorted(set(domains))),
        "features": list(FEATURES),
        "mean": [round(float(v), 8) for v in model.scaler.mean_],
        "scale": [round(float(v), 8) for v in model.scaler.scale_],
        "coef": [round(float(v), 8) for v in model.coef],
        "intercept": round(model.intercept, 8),
        "threshold": threshold,
    }
    WEIGHTS.write_text(json.dumps(weights, indent=2) + "\n")
    coefficients = zip(FEATURES, weights["coef"], strict=True)
    print("coefficients (standardised):", ", ".join(f"{n} {c:+.2f}" for n, c in coefficients))
    print(f"wrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
