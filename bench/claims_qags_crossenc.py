"""Issue 16: the cross-encoder (``experimental/crossenc.py``) on the QAGS tune part.

The cross-encoder is trained by ``claims_crossenc_train.py`` on generated corruptions of FNC-1
*tune-split* stories (and, with ``--summedits``, SummEdits' non-news domains) and has never
seen QAGS, so the whole QAGS tune part is held out for it; the report part is not read here.
Beside it, in the same run and on the same sentences: the MiniLM max-cosine baseline and the
token-alignment measures of ``claims_align_probe.py`` (``tok_idf``, ``tok_low2``).

Printed, per file (CNN/DM, XSum):

* **AUC** of each score for "supported".  For a concave ROC the best balanced accuracy any
  cut can give is at most the AUC (the ROC lies above the two chords through the best cut's
  point, whose area is that balanced accuracy), so a score whose XSum AUC stays under ~0.66
  cannot reach XSum's 0.65 target with any cut.
* **Balanced accuracy** at the cross-encoder's fixed cut P(consistent) >= 0.5; with the cut
  chosen per file by 5-fold CV by article (each fold's cut from its training folds); and the
  best cut in-sample (an upper bound, not a result).
* The cross-encoder's probability as **one more input of the decision layer's CV model**
  (``claims_support_train.cross_validate``: one model and one cut for both files, 5 folds by
  article, the cosine baseline's per-file threshold from the training folds), beside the
  shipped five measures and the token-alignment measures; with and without the rules'
  conflicts forcing "unsupported", as ``claims_align_probe.py`` prints them.

Bar (fixed before the first run, as in session 5): CV CNN/DM >= baseline + 0.02 **and** XSum
>= baseline + 0.03.  Probabilities are cached under ``bench/out/`` by weights file and pair.

    PYTHONPATH=src .venv/bin/python bench/claims_qags_crossenc.py --weights W.safetensors
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_align_probe import FIVE, PROBE, cv_designs, probe_features
from claims_qags import balanced_accuracy, best_threshold
from claims_support_train import dataset
from experimental import crossenc

from pressdiff.claims.align import FEATURES
from pressdiff.claims.support import SupportChecker

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
FIXED_CUT = 0.5  # the cross-encoder's cut, fixed before any SummEdits run (third session)
TOKEN = ["tok_idf", "tok_low2"]
DESIGNS = {
    "cross-encoder alone": ["crossenc"],
    "cross-encoder + tok_idf, tok_low2": ["crossenc", *TOKEN],
    "cross-encoder + cosine": ["crossenc", "cosine"],
    "shipped five + cross-encoder": [*FIVE, "crossenc"],
    "shipped five + tok_idf, tok_low2 + cross-encoder": [*FIVE, *TOKEN, "crossenc"],
    "cross-encoder + tok_idf, tok_low2, name_min": ["crossenc", *TOKEN, "name_min"],
    "(for reference) token: tok_idf, tok_low2": TOKEN,
    "(for reference) shipped five": FIVE,
}


def crossenc_scores(rows: list[dict], weights: Path) -> np.ndarray:
    """P(consistent) of each {evidence, claim} row (its weakest claim sentence), cached by the
    weights file's hash and the pair."""
    digest = hashlib.sha1(weights.read_bytes()).hexdigest()[:12]
    path = OUT / f"qags_crossenc_{digest}.json"
    cache: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}

    def key(r: dict) -> str:
        return hashlib.sha1(f"{r['evidence']}\x00{r['claim']}".encode()).hexdigest()

    todo = [r for r in rows if key(r) not in cache]
    if todo:
        checker = crossenc.CrossEncoderChecker(weights)
        for start in range(0, len(todo), 40):
            chunk = todo[start : start + 40]
            probs = checker.consistency([(r["evidence"], r["claim"]) for r in chunk])
            cache.update({key(r): float(p) for r, p in zip(chunk, probs, strict=True)})
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(cache))
            print(f"  cross-encoder: {start + len(chunk)}/{len(todo)}", flush=True)
    return np.array([cache[key(r)] for r in rows])


def cv_cut_bacc(score: np.ndarray, gold: np.ndarray, groups: np.ndarray) -> float:
    """Balanced accuracy of one file's score with its cut chosen by 5-fold CV by article."""
    pred = np.zeros(len(gold), dtype=int)
    for train, test in GroupKFold(5).split(score, gold, groups):
        cut = best_threshold(list(score[train]), list(gold[train]))
        pred[test] = score[test] >= cut
    return balanced_accuracy(list(gold), list(pred))


def best_in_sample(score: np.ndarray, gold: np.ndarray) -> float:
    """The best balanced accuracy any cut gives on these very sentences (an upper bound)."""
    cut = best_threshold(list(score), list(gold))
    return balanced_accuracy(list(gold), list((score >= cut).astype(int)))


def per_file_table(
    columns: dict[str, np.ndarray], y: np.ndarray, src: np.ndarray, groups, names: list[str]
) -> None:
    print("\n| score | file | AUC | BAcc, cut by 5-fold CV | best cut in-sample | at 0.5 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, score in columns.items():
        for n, name in enumerate(names):
            k = src == n
            fixed = (
                f"{balanced_accuracy(list(y[k]), list((score[k] >= FIXED_CUT).astype(int))):.3f}"
                if label == "crossenc"
                else ""
            )
            print(
                f"| {label} | {name} | {roc_auc_score(y[k], score[k]):.3f} "
                f"| {cv_cut_bacc(score[k], y[k], groups[k]):.3f} "
                f"| {best_in_sample(score[k], y[k]):.3f} | {fixed} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", type=Path, required=True, help="cross-encoder tensors")
    args = parser.parse_args()
    checker = SupportChecker()
    sources, x, y, w, src, groups = dataset(False, checker)
    names = list(sources)
    rows = [r for rs in sources.values() for r in rs]
    ce = crossenc_scores(rows, args.weights)
    info = crossenc.load(args.weights).info
    print(f"weights {args.weights}: {json.dumps(info)}")
    xp = np.hstack([x, probe_features(rows, checker), ce[:, None]])
    columns = [*FEATURES, *PROBE, "crossenc"]
    col = {c: xp[:, columns.index(c)] for c in ("cosine", "tok_idf", "tok_low2", "crossenc")}
    per_file_table(col, y, src, groups, names)
    table = cv_designs(DESIGNS, xp, columns, y, w, src, groups, names)
    base = table[0][1]
    print(
        "\n| design (logistic regression, one model and cut for both files) | CNN/DM CV "
        "| XSum CV | clears the bar | no conflict override: CNN/DM | XSum |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| baseline: MiniLM max cosine, threshold per file | {base[0][1]:.3f} "
          f"| {base[1][1]:.3f} | | | |")  # fmt: skip
    for label, res, res_free in table:
        clears = res[0][0] >= res[0][1] + 0.02 and res[1][0] >= res[1][1] + 0.03
        print(f"| {label} | {res[0][0]:.3f} | {res[1][0]:.3f} | {'yes' if clears else 'no'} "
              f"| {res_free[0][0]:.3f} | {res_free[1][0]:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
