"""The decision layer's features for (evidence, claim) pairs, cached on disk for the benchmarks.

Computing them parses and embeds every text (minutes on a shared CPU), while fitting and
scoring take seconds; so they are cached under ``bench/out/`` by pair and by a hash of the code
that computes them: changing that code starts a new cache instead of mixing old and new
features.  The decision itself is a pure function of these features (see ``decide``), which
``verify`` checks against the checker.

The hash covers ``align.py`` (which computes them), not the rules' ``check.py``, whose parse and
conflict rules the features also read: that file is shared with other work and changes for
reasons that leave the features alone (comments, moves), so ``verify`` guards against drift
there, and ``rm bench/out/support_features_*`` forces a fresh run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from pressdiff.claims.align import FEATURES
from pressdiff.claims.support import SupportChecker, SupportModel

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"


def version() -> str:
    """Hash of the code that computes features: a change to it invalidates the cache."""
    h = hashlib.sha1()
    # By sys.modules: the package re-exports names that shadow its submodules (``check``).
    h.update(Path(sys.modules["pressdiff.claims.align"].__file__).read_bytes())
    return h.hexdigest()[:12]


def _key(r: dict) -> str:
    return hashlib.sha1(f"{r['evidence']}\x00{r['claim']}".encode()).hexdigest()


def features(rows: list[dict], checker: SupportChecker) -> np.ndarray:
    """One row of measures (``FEATURES`` order) per {evidence, claim} row, computed once per
    code version."""
    path = OUT / f"support_features_{version()}.json"
    cache: dict[str, list[float]] = json.loads(path.read_text()) if path.exists() else {}
    todo = [r for r in rows if _key(r) not in cache]
    for start in range(0, len(todo), 40):  # small batches keep the parse cache in bounds
        chunk = todo[start : start + 40]
        judged = checker.judge_many([(r["evidence"], r["claim"]) for r in chunk])
        for r, j in zip(chunk, judged, strict=True):
            measures = j.features()
            cache[_key(r)] = [measures[f] for f in FEATURES]
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache))
    return np.array([cache[_key(r)] for r in rows])


def decide(x: np.ndarray, model: SupportModel) -> np.ndarray:
    """1 where ``SupportChecker.decide`` says 'supports': no rule conflict, P >= cut."""
    conflict = x[:, FEATURES.index("conflicts")] > 0
    p = np.array([model.probability(dict(zip(FEATURES, row, strict=True))) for row in x])
    return ((p >= model.cut) & ~conflict).astype(int)


def verify(rows: list[dict], checker: SupportChecker, n: int = 12) -> None:
    """Fail loudly if the cached decision and the checker's own verdict ever disagree."""
    sample = rows[:n]
    cached = decide(features(sample, checker), checker.model)
    live = [
        int(r.label == "supports")
        for r in checker.check_many([(r["evidence"], r["claim"]) for r in sample])
    ]
    if list(cached) != live:
        raise SystemExit(f"cached features disagree with the checker: {list(cached)} vs {live}")
