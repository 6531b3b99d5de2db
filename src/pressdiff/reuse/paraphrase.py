"""Paraphrased reuse: monotone alignment of sentences by MiniLM similarity.

A rewrite keeps the order of its source's sentences, so the alignment is a
maximum-weight monotone matching (a weighted LCS over sentences): a sentence
may only pair with one far out of order when the two are near-identical in
meaning (``out_of_order``).  Articles on the same story share many facts, and
one similar sentence is what independent reports look like; a paraphrase
passage is therefore a run of consecutive aligned sentences, or one sentence
pair that is close enough to be a rewrite on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pressdiff.config import settings


@dataclass(frozen=True)
class Run:
    """Consecutive aligned sentences ``a_first..a_last`` and ``b_first..b_last``."""

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    similarity: float


def _monotone(sim: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight monotone matching of rows to columns with weights ``sim - cfg.similar``."""
    cfg = settings().reuse
    n, m = sim.shape
    gain = np.where(sim >= cfg.similar, sim - cfg.similar + 1e-3, -np.inf)
    best = np.zeros((n + 1, m + 1))
    # best[i, j] = max(best[i-1, j], best[i, j-1], best[i-1, j-1] + gain): the terms from
    # row i-1 for all j at once, then the running maximum along the row (max is exact, so
    # this is the cell-by-cell recurrence, value for value).
    for i in range(1, n + 1):
        from_above = np.maximum(best[i - 1, 1:], best[i - 1, :-1] + gain[i - 1])
        best[i, 1:] = np.maximum.accumulate(np.maximum(from_above, best[i, 0]))
    return _trace(best)


def _trace(best: np.ndarray) -> list[tuple[int, int]]:
    """The matched (row, column) pairs, read back from the filled table of best totals."""
    pairs = []
    i, j = best.shape[0] - 1, best.shape[1] - 1
    while i and j:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def align_sentences(sim: np.ndarray, usable: np.ndarray) -> list[Run]:
    """Paraphrase runs from a sentence similarity matrix.

    ``usable`` masks out sentence pairs that lexical alignment already
    explains (they are copies, not paraphrases).
    """
    cfg = settings().reuse
    sim = np.where(usable, sim, -1.0)
    pairs = _monotone(sim)
    taken_a = {i for i, _ in pairs}
    taken_b = {j for _, j in pairs}
    for i, j in zip(*np.nonzero(sim >= cfg.out_of_order), strict=True):
        if i not in taken_a and j not in taken_b:
            pairs.append((int(i), int(j)))
            taken_a.add(int(i))
            taken_b.add(int(j))
    pairs.sort()
    runs: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        if runs and runs[-1][-1] == (i - 1, j - 1):
            runs[-1].append((i, j))
        else:
            runs.append([(i, j)])
    out = []
    for run in runs:
        sims = [float(sim[i, j]) for i, j in run]
        if len(run) >= 2 or sims[0] >= cfg.single_similar:
            out.append(Run(run[0][0], run[-1][0], run[0][1], run[-1][1], float(np.mean(sims))))
    return out
