"""SummEdits news: the shipped TrainedChecker beside the rules, measured in the same run.

The TrainedChecker's weights and threshold were fitted on the other SummEdits domains
(``bench/claims_train.py``); the rules' baseline thresholds are tuned here on those same domains
(as ``bench/claims_summedits.py --tune`` does).  News labels are only scored.  Features come from
the cache ``claims_train.py`` writes under bench/out/ (computed on the first run); ``--live``
instead runs ``TrainedChecker.check_many`` on the news pairs end to end, to confirm the cached
path scores what the package does.

    .venv/bin/python bench/claims_summedits_trained.py [--live]
"""

from __future__ import annotations

import argparse

import numpy as np
from claims_summedits import DATA, NEWS, load, print_runs, tune
from claims_train import assessment, cached_rows
from experimental.trained import TrainedChecker

from pressdiff.claims.check import RuleChecker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="run the checker on news end to end")
    args = parser.parse_args()

    rows = cached_rows()
    news = [r for r in rows if r["news"]]
    tuning = [r for r in rows if not r["news"]]

    rules = RuleChecker()
    shipped = [int(rules.decide(assessment(r)).label == "supports") for r in news]
    tune(rules, [assessment(r) for r in tuning], [r["label"] for r in tuning])
    tuned = [int(rules.decide(assessment(r)).label == "supports") for r in news]

    trained = TrainedChecker()
    p = trained.weights.probability(np.array([r["x"] for r in news]))
    labels = [trained.decide(assessment(r), float(q)).label for r, q in zip(news, p, strict=True)]
    runs = {
        f"RuleChecker tuned (>= {rules.config.support_threshold:.2f})": tuned,
        "RuleChecker shipped (0.62)": shipped,
        "TrainedChecker (cached)": [int(lab == "supports") for lab in labels],
    }
    if args.live:
        pairs = [(r["doc"], r["summary"]) for r in load(DATA / NEWS)]
        runs["TrainedChecker (live)"] = [
            int(res.label == "supports") for res in trained.check_many(pairs)
        ]

    print_runs(news, runs, len(tuning))
    print("TrainedChecker labels:", {lab: labels.count(lab) for lab in sorted(set(labels))})


if __name__ == "__main__":
    main()
