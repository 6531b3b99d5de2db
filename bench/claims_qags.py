"""QAGS: does the pairwise claim checker tell supported summary sentences from unsupported ones?

QAGS (``../shared/data/qags/``) pairs news articles (CNN/Daily Mail, XSum) with sentences of
model-written summaries; three crowd workers said whether the article supports each sentence.

Protocol (issue #16, fixed before the first run and not changed since):

* Each file is split **by article** on its own: the article indices are shuffled with
  ``random.Random(SEED)`` (``SEED = 16``); the first half (rounded down) is the **tune** part,
  the rest the **report** part.  Every summary sentence goes with its article.
* Gold: the majority of the three workers (``yes`` = supported = 1).
* A checker's prediction is 1 when it says ``supports``; ``contradicts`` and ``unclear`` are 0.
* Metric: balanced accuracy (mean of the recall of supported and of unsupported sentences),
  for CNN/DM and XSum separately.
* Baseline, in the same run: the largest MiniLM cosine between the sentence and any article
  sentence (spaCy sentences); its threshold is the one that maximises balanced accuracy on the
  tune part of the same file, and is applied unchanged to the report part.
* Anything tuned (thresholds, the learned decision's weights) sees the tune part only.  The
  report part is scored only with ``--report``; each such run is appended to
  ``bench/results/qags_report_runs.log`` (tracked, so the number of looks survives worktrees;
  until 30 Nov 15:50 it was the untracked ``bench/out/qags_report_runs.log``).

MiniLM sentence vectors are cached under ``bench/out/`` (gitignored) so reruns on the shared
CPU do not recompute them.

    .venv/bin/python bench/claims_qags.py            # tune part only
    .venv/bin/python bench/claims_qags.py --report   # also the report part (counted)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pressdiff import nlp
from pressdiff.claims.check import RuleChecker

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "qags"
OUT = ROOT / "bench" / "out"
REPORT_LOG = ROOT / "bench" / "results" / "qags_report_runs.log"
FILES = {"CNN/DM": "mturk_cnndm.jsonl", "XSum": "mturk_xsum.jsonl"}
SEED = 16


def load(name: str) -> list[list[dict]]:
    """Per article, its summary sentences as {article, claim, gold}."""
    out = []
    for line in (DATA / FILES[name]).read_text().splitlines():
        row = json.loads(line)
        items = []
        for s in row["summary_sentences"]:
            yes = sum(r["response"] == "yes" for r in s["responses"])
            items.append(
                {
                    "article": row["article"],
                    "claim": s["sentence"],
                    "gold": int(yes * 2 > len(s["responses"])),
                }
            )
        out.append(items)
    return out


def split(articles: list[list[dict]]) -> tuple[list[dict], list[dict]]:
    """(tune, report) pairs: articles shuffled with the fixed seed, first half tunes."""
    order = list(range(len(articles)))
    random.Random(SEED).shuffle(order)
    half = len(order) // 2
    tune = [item for i in order[:half] for item in articles[i]]
    report = [item for i in order[half:] for item in articles[i]]
    return tune, report


def balanced_accuracy(gold: list[int], pred: list[int]) -> float:
    g, p = np.array(gold), np.array(pred)
    return float(np.mean([np.mean(p[g == c] == c) for c in (0, 1) if np.any(g == c)]))


def best_threshold(scores: list[float], gold: list[int]) -> float:
    """The cut on a 'supported' score that maximises balanced accuracy (lowest on a tie)."""
    grid = np.unique(np.round(scores, 3))
    return float(max(grid, key=lambda t: balanced_accuracy(gold, [int(s >= t) for s in scores])))


class CosineCache:
    """Largest claim-to-article-sentence MiniLM cosine per pair, kept on disk by content hash."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}

    @staticmethod
    def key(article: str, claim: str) -> str:
        return hashlib.sha1(f"{article}\x00{claim}".encode()).hexdigest()

    def scores(self, items: list[dict]) -> list[float]:
        todo = [i for i in items if self.key(i["article"], i["claim"]) not in self.data]
        if todo:
            articles = list(dict.fromkeys(i["article"] for i in todo))
            sents = {
                a: [s.text for s in doc.sents if s.text.strip()]
                for a, doc in zip(articles, nlp.spacy_model().pipe(articles), strict=True)
            }
            for i in todo:
                sims = nlp.embed(sents[i["article"]]) @ nlp.embed([i["claim"]])[0]
                self.data[self.key(i["article"], i["claim"])] = float(sims.max())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.data))
        return [self.data[self.key(i["article"], i["claim"])] for i in items]


def rules_predict(items: list[dict]) -> list[int]:
    """The rule checker as it ships: 1 when it says 'supports'."""
    checker = RuleChecker()
    out: list[int] = []
    for start in range(0, len(items), 40):  # small batches keep its parse cache in bounds
        chunk = items[start : start + 40]
        results = checker.check_many([(i["article"], i["claim"]) for i in chunk])
        out += [int(r.label == "supports") for r in results]
    return out


def support_predict(items: list[dict]) -> list[int]:
    """The decision layer (claims/support.py) with its shipped weights, from cached features
    (checked against the live checker on a sample first)."""
    from claims_features import decide, features, verify

    from pressdiff.claims.support import SupportChecker, shipped_model

    rows = [{"evidence": i["article"], "claim": i["claim"]} for i in items]
    checker = SupportChecker()
    verify(rows, checker)
    return [int(v) for v in decide(features(rows, checker), shipped_model())]


CHECKERS: dict[str, Callable[[list[dict]], list[int]]] = {
    "rules (as shipped)": rules_predict,
    "align + model (support.py)": support_predict,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", action="store_true", help="also score the report part")
    args = parser.parse_args()
    cache = CosineCache(OUT / "qags_cosine.json")
    parts = ("tune", "report") if args.report else ("tune",)
    if args.report:
        with REPORT_LOG.open("a") as log:
            log.write(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} {', '.join(CHECKERS)}\n")
    print(f"{'set':<8}{'part':<8}{'n':>5}{'unsup':>7}  {'checker':<34}{'BAcc':>6}"
          f"{'rec(sup)':>10}{'rec(unsup)':>12}")  # fmt: skip
    for name in FILES:
        tune, report = split(load(name))
        cut = best_threshold(cache.scores(tune), [i["gold"] for i in tune])
        for part in parts:
            items = tune if part == "tune" else report
            gold = [i["gold"] for i in items]
            runs = {f"MiniLM max cosine >= {cut:.3f}": [int(s >= cut) for s in cache.scores(items)]}
            for label, predict in CHECKERS.items():
                started = time.perf_counter()
                runs[label] = predict(items)
                runs[label + f" [{time.perf_counter() - started:.0f}s]"] = runs.pop(label)
            g = np.array(gold)
            for label, pred in runs.items():
                q = np.array(pred)
                print(f"{name:<8}{part:<8}{len(items):>5}{gold.count(0):>7}  {label:<34}"
                      f"{balanced_accuracy(gold, pred):>6.3f}{np.mean(q[g == 1] == 1):>10.3f}"
                      f"{np.mean(q[g == 0] == 0):>12.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
