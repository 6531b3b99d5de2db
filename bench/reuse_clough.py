"""Graded reuse on Clough & Stevenson's short-answer corpus.

Each answer is analysed as a two-article story with its task's Wikipedia
source; its reuse score is the ``score`` of the edge from the source (0 when
pressdiff finds no edge, so "score > 0" is pressdiff's own decision).

Printed: the mean score per category (which must order cut > light > heavy
> non); F1 of reused (cut, light, heavy) vs non with one threshold for all
tasks; a 4-way confusion matrix.  Fitted thresholds are chosen by
leave-one-task-out: each task is scored with thresholds fitted on the other
four, so no answer helps choose the threshold it is judged by (the corpus
has no test split).

Baseline in the same run: datasketch MinHash estimate of the Jaccard
similarity of word 3-shingles, with the same threshold fitting.

    .venv/bin/python bench/reuse_clough.py
"""

from __future__ import annotations

import csv
import time
from itertools import combinations_with_replacement
from pathlib import Path

import numpy as np
from datasketch import MinHash

from pressdiff import reuse
from pressdiff.annotate import annotate
from pressdiff.model import Article
from pressdiff.reuse.words import words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clough-stevenson"
CATEGORIES = ("non", "heavy", "light", "cut")
"""In order of increasing reuse: the index is the grade."""


def _article(path: Path) -> Article:
    text = path.read_text(errors="replace")
    return Article(id=path.stem, source=str(path), outlet=path.stem, text=text, original=text)


def _minhash(text: str) -> MinHash:
    forms = words(text).forms
    m = MinHash(num_perm=128, seed=1)
    for i in range(len(forms) - 2):
        m.update(" ".join(forms[i : i + 3]).encode())
    return m


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = float((truth & pred).sum())
    return 2 * tp / max(1.0, float(truth.sum() + pred.sum()))


def _best_threshold(scores: np.ndarray, reused: np.ndarray) -> float:
    cuts = np.unique(scores)
    mids = (cuts[:-1] + cuts[1:]) / 2 if len(cuts) > 1 else cuts
    return float(max(mids, key=lambda t: (_f1(reused, scores > t), -t)))


def _best_grades(scores: np.ndarray, grades: np.ndarray) -> tuple[float, float, float]:
    """Three thresholds (non|heavy|light|cut) maximising accuracy, on a coarse grid."""
    grid = np.unique(np.quantile(scores, np.linspace(0, 1, 41)))
    best, best_acc = (0.0, 0.0, 0.0), -1.0
    for t in combinations_with_replacement(grid, 3):
        acc = float((np.searchsorted(np.array(t), scores, side="left") == grades).mean())
        if acc > best_acc:
            best, best_acc = t, acc
    return best


def _evaluate(name: str, scores: np.ndarray, grades: np.ndarray, tasks: np.ndarray) -> None:
    reused = grades > 0
    means = {c: float(scores[grades == g].mean()) for g, c in enumerate(CATEGORIES)}
    ordered = means["cut"] > means["light"] > means["heavy"] > means["non"]
    predicted = np.zeros(len(scores), dtype=bool)
    graded = np.zeros(len(scores), dtype=int)
    for task in np.unique(tasks):
        train, test = tasks != task, tasks == task
        t = _best_threshold(scores[train], reused[train])
        predicted[test] = scores[test] > t
        graded[test] = np.searchsorted(
            np.array(_best_grades(scores[train], grades[train])), scores[test], side="left"
        )
    print(f"\n## {name}")
    print("mean score: " + ", ".join(f"{c} {means[c]:.3f}" for c in reversed(CATEGORIES)))
    print(f"ordering cut > light > heavy > non: {'yes' if ordered else 'NO'}")
    tp = int((reused & predicted).sum())
    print(
        f"reused vs non (leave-one-task-out threshold): F1 {_f1(reused, predicted):.3f} "
        f"(precision {tp / max(1, predicted.sum()):.3f}, recall {tp / max(1, reused.sum()):.3f})"
    )
    if name.startswith("pressdiff"):
        edge = scores > 0
        tp = int((reused & edge).sum())
        print(
            f"reused vs non, pressdiff's own edge decision (no fitting): "
            f"F1 {_f1(reused, edge):.3f} "
            f"(precision {tp / max(1, edge.sum()):.3f}, recall {tp / max(1, reused.sum()):.3f})"
        )
    one = _best_threshold(scores, reused)
    print(
        f"reused vs non, one threshold fitted on all tasks ({one:.3f}): "
        f"F1 {_f1(reused, scores > one):.3f}"
    )
    print("4-way confusion (rows truth, columns predicted; LOTO thresholds):")
    print("| truth \\ pred | " + " | ".join(reversed(CATEGORIES)) + " |")
    print("|---|" + "---|" * len(CATEGORIES))
    for g in reversed(range(len(CATEGORIES))):
        row = [int(((grades == g) & (graded == p)).sum()) for p in reversed(range(len(CATEGORIES)))]
        print(f"| {CATEGORIES[g]} | " + " | ".join(map(str, row)) + " |")
    print(f"4-way accuracy: {(graded == grades).mean():.3f}")


def main() -> None:
    rows = [
        r for r in csv.DictReader((DATA / "file_information.csv").open()) if r["Category"] != "orig"
    ]
    sources = {t: _article(DATA / f"orig_task{t}.txt") for t in "abcde"}
    answers = [_article(DATA / r["File"]) for r in rows]
    annotate([*sources.values(), *answers])
    grades = np.array([CATEGORIES.index(r["Category"]) for r in rows])
    tasks = np.array([r["Task"] for r in rows])

    start = time.perf_counter()
    ours = []
    for row, answer in zip(rows, answers, strict=True):
        result = reuse.analyse([sources[row["Task"]], answer])
        ours.append(max((e.score for e in result.edges), default=0.0))
    ours_s = time.perf_counter() - start

    start = time.perf_counter()
    hashes = {t: _minhash(a.text) for t, a in sources.items()}
    base = [hashes[r["Task"]].jaccard(_minhash(a.text)) for r, a in zip(rows, answers, strict=True)]
    base_s = time.perf_counter() - start

    print(f"Clough & Stevenson: {len(rows)} answers, 5 tasks")
    _evaluate(
        f"pressdiff reuse ({ours_s:.1f} s, embeddings included)", np.array(ours), grades, tasks
    )
    _evaluate(
        f"baseline: MinHash Jaccard of word 3-shingles ({base_s:.2f} s)",
        np.array(base),
        grades,
        tasks,
    )


if __name__ == "__main__":
    main()
