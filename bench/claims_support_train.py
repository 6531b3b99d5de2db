"""Fit the decision layer's logistic model (``src/pressdiff/claims/support_model.json``).

Training data, all shipped under ``../shared/data/`` and none of it a report or test split:
the **tune** part of ``bench/claims_qags.py``'s fixed QAGS split (CNN/DM and XSum), and with
``--summedits`` also the SummEdits domains other than news (their ``evaluation`` splits).
The shipped weights were fitted without ``--summedits``: those domains are dialogue, meetings
and papers, and on a shared 2-core CPU their features did not finish in the session's time
(``bench/results/claims_check.md``).

Each source weighs the same in the fit, with classes balanced within it.  The cut on
P(supported) is the one that maximises the mean of the sources' balanced accuracies under the
full decision (a rule conflict means not supported).  5-fold cross-validation grouped by
document is printed beside the in-sample figures, to show how much of the fit is memory.
Features come from ``claims_features.py``'s cache.

``--features a,b,c`` fits on those measures of ``align.FEATURES`` only (default: the ones the
shipped weights name).  ``--cv`` prints, instead of fitting, 5-fold cross-validation grouped by
article in which each fold also chooses its own cut (nothing of the held-out fold is seen),
beside the MiniLM cosine baseline cross-validated the same way (its threshold per file, from
the training folds) — the figures that decide whether a design is worth a look at the report
part.

    .venv/bin/python bench/claims_support_train.py [--summedits] [--features ...] [--cv] [--dry]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_features import features
from claims_qags import balanced_accuracy, load, split

from pressdiff.claims import support
from pressdiff.claims.align import FEATURES
from pressdiff.claims.support import SupportChecker

ROOT = Path(__file__).resolve().parents[1]
SUMMEDITS = ROOT / ".." / "shared" / "data" / "summedits"
WEIGHTS = ROOT / "src" / "pressdiff" / "claims" / support.WEIGHTS_FILE
C = 1.0  # inverse regularisation strength; the default, not tuned
# The model weighs the measures the shipped weights name (never the rules' conflicts, which
# decide on their own) unless --features says otherwise.
MODEL_FEATURES = support.shipped_model().features
_USED = [FEATURES.index(f) for f in MODEL_FEATURES]


def training_rows(with_summedits: bool) -> dict[str, list[dict]]:
    """{source: [{evidence, claim, gold}]}."""
    out: dict[str, list[dict]] = {}
    for name in ("CNN/DM", "XSum"):
        tune, _ = split(load(name))
        out[f"QAGS {name} tune"] = [
            {"evidence": i["article"], "claim": i["claim"], "gold": i["gold"]} for i in tune
        ]
    if not with_summedits:
        return out
    summedits = []
    for path in sorted(SUMMEDITS.glob("summedits_*.json")):
        if "news" in path.stem:
            continue
        for r in json.loads(path.read_text()):
            if r["split"] == "evaluation":
                summedits.append({"evidence": r["doc"], "claim": r["summary"], "gold": r["label"]})
    out["SummEdits (other domains)"] = summedits
    return out


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, used: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray, LogisticRegression]:
    """Standardised logistic regression on the columns ``used`` (default: the model's)."""
    x = x[:, _USED if used is None else used]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=1000).fit((x - mean) / scale, y, sample_weight=w)
    return mean, scale, model


def predict(
    x: np.ndarray, mean, scale, model, cut: float, used: list[int] | None = None
) -> np.ndarray:
    p = model.predict_proba((x[:, _USED if used is None else used] - mean) / scale)[:, 1]
    conflict = x[:, FEATURES.index("conflicts")] > 0
    return ((p >= cut) & ~conflict).astype(int)


def _best_cut(x, y, src, mean, scale, model, used: list[int] | None = None) -> float:
    """The cut on P(supported) maximising the mean of the sources' balanced accuracies."""

    def mean_bacc(cut: float) -> float:
        pred = predict(x, mean, scale, model, cut, used)
        per_source = [balanced_accuracy(list(y[src == n]), list(pred[src == n])) for n in set(src)]
        return float(np.mean(per_source))

    return round(float(max(np.arange(0.2, 0.81, 0.01), key=mean_bacc)), 2)


def cross_validate(
    x, y, w, src, groups, names: list[str], used: list[int] | None = None, label: str = ""
) -> list[tuple[float, float]]:
    """5-fold CV by article: the model, its cut and the cosine baseline's per-file threshold
    are all chosen on the training folds.  ``x``'s first columns are ``FEATURES`` (further
    columns, e.g. ``claims_align_probe.py``'s, may follow); ``used`` picks the model's
    columns.  Prints, and returns (model, baseline) balanced accuracy per source."""
    model_cv = np.zeros(len(y), dtype=int)
    cosine_cv = np.zeros(len(y), dtype=int)
    cos = x[:, FEATURES.index("cosine")]
    for train, test in GroupKFold(5).split(x, y, groups):
        m, s, mdl = fit(x[train], y[train], w[train], used)
        cut = _best_cut(x[train], y[train], src[train], m, s, mdl, used)
        model_cv[test] = predict(x[test], m, s, mdl, cut, used)
        for n in np.unique(src):
            tr, te = train[src[train] == n], test[src[test] == n]
            grid = np.unique(np.round(cos[tr], 3))
            t = max(grid, key=lambda t: balanced_accuracy(list(y[tr]), list((cos[tr] >= t) * 1)))
            cosine_cv[te] = cos[te] >= t
    print(f"measures: {label or ', '.join(MODEL_FEATURES)}")
    out = []
    for n, name in enumerate(names):
        k = src == n
        ours = balanced_accuracy(list(y[k]), list(model_cv[k]))
        base = balanced_accuracy(list(y[k]), list(cosine_cv[k]))
        out.append((ours, base))
        print(f"  {name:<28} 5-fold by article: model {ours:.3f}   cosine baseline {base:.3f}")
    return out


def dataset(with_summedits: bool, checker: SupportChecker):
    """The training rows' measures and labels: (rows by source, x, y, w, src, groups)."""
    sources = training_rows(with_summedits)
    xs, ys, ws, groups, src = [], [], [], [], []
    for n, (name, rows) in enumerate(sources.items()):
        x = features(rows, checker)
        y = np.array([r["gold"] for r in rows])
        # Equal total weight per source, balanced classes within it.
        w = np.where(y == 1, 0.5 / max(1, (y == 1).sum()), 0.5 / max(1, (y == 0).sum()))
        xs.append(x), ys.append(y), ws.append(w * 1000)
        groups += [r["evidence"] for r in rows]
        src += [n] * len(rows)
        print(f"{name}: {len(rows)} pairs, {int((y == 0).sum())} unsupported")
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    return sources, x, y, w, np.array(src), np.array(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summedits", action="store_true", help="also fit on SummEdits")
    parser.add_argument("--dry", action="store_true", help="print the fit, write nothing")
    parser.add_argument("--features", help="comma-separated measures to fit on")
    parser.add_argument("--cv", action="store_true", help="nested cross-validation only")
    args = parser.parse_args()
    if args.features:
        global MODEL_FEATURES, _USED
        MODEL_FEATURES = tuple(args.features.split(","))
        _USED = [FEATURES.index(f) for f in MODEL_FEATURES]
    sources, x, y, w, src_a, groups_a = dataset(args.summedits, SupportChecker())
    if args.cv:
        cross_validate(x, y, w, src_a, groups_a, list(sources))
        return
    mean, scale, model = fit(x, y, w)

    def score(pred: np.ndarray) -> list[float]:
        return [
            balanced_accuracy(list(y[src_a == n]), list(pred[src_a == n]))
            for n in range(len(sources))
        ]

    cut = max(
        np.arange(0.2, 0.81, 0.01), key=lambda c: np.mean(score(predict(x, mean, scale, model, c)))
    )
    cut = round(float(cut), 2)
    cv = np.zeros(len(y), dtype=int)
    for train, test in GroupKFold(5).split(x, y, groups_a):
        m, s, mdl = fit(x[train], y[train], w[train])
        cv[test] = predict(x[test], m, s, mdl, cut)
    print(f"cut {cut}")
    for n, name in enumerate(sources):
        print(f"  {name:<28} in-sample BAcc {score(predict(x, mean, scale, model, cut))[n]:.3f}"
              f"   5-fold by document {score(cv)[n]:.3f}")  # fmt: skip
    for f, c in zip(MODEL_FEATURES, model.coef_[0], strict=True):
        print(f"  {f:<16}{c:+.3f}")
    if args.dry:
        return
    WEIGHTS.write_text(
        json.dumps(
            {
                "features": list(MODEL_FEATURES),
                "mean": [round(float(v), 6) for v in mean],
                "scale": [round(float(v), 6) for v in scale],
                "coef": [round(float(v), 6) for v in model.coef_[0]],
                "intercept": round(float(model.intercept_[0]), 6),
                "cut": cut,
                "info": {
                    "trained_by": "bench/claims_support_train.py",
                    "trained_on": {name: len(rows) for name, rows in sources.items()},
                },
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
