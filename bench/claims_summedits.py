"""SummEdits news: balanced accuracy of the pairwise claim checker, per-edit-type recall, speed.

The checker's thresholds are chosen on the SummEdits domains *other* than news (their
evaluation splits, to keep the run small on a shared CPU); the news file is only ever scored.
A summary counts as judged consistent when the checker says ``supports``; ``contradicts`` and
``unclear`` both count as inconsistent, as in the benchmark's binary labels.

Baseline, measured in the same run: plain MiniLM cosine (each summary sentence's best cosine
against the document's sentences, the weakest sentence decides), its threshold chosen on the
same tuning domains.

    .venv/bin/python bench/claims_summedits.py            # score news with the shipped thresholds
    .venv/bin/python bench/claims_summedits.py --tune     # also search thresholds on other domains
    .venv/bin/python bench/claims_summedits.py --support  # also check()'s decision layer
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pressdiff import nlp
from pressdiff.claims.check import Assessment, RuleChecker
from pressdiff.config import CheckerConfig

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DATA = SHARED / "data" / "summedits"
STORY = SHARED / "examples" / "rust-interview"
NEWS = "summedits_news_evaluation.json"


def load(path: Path, split: str | None = None) -> list[dict]:
    """The rows of one SummEdits file (of one split), each tagged with its domain."""
    domain = path.stem.removeprefix("summedits_")
    rows = json.loads(path.read_text())
    return [{**r, "domain": domain} for r in rows if split is None or r.get("split") == split]


def balanced_accuracy(gold: list[int], pred: list[int]) -> float:
    gold_a, pred_a = np.array(gold), np.array(pred)
    recalls = [float(np.mean(pred_a[gold_a == c] == c)) for c in (0, 1) if np.any(gold_a == c)]
    return float(np.mean(recalls))


def cosine_scores(rows: list[dict]) -> list[float]:
    """Baseline: min over summary sentences of the max cosine to any document sentence."""
    model = nlp.spacy_model()
    texts = list(dict.fromkeys(t for row in rows for t in (row["doc"], row["summary"])))
    sentences = {
        text: [s.text for s in doc.sents if s.text.strip()]
        for text, doc in zip(texts, model.pipe(texts), strict=True)
    }
    scores = []
    for row in rows:
        sims = nlp.embed(sentences[row["summary"]]) @ nlp.embed(sentences[row["doc"]]).T
        scores.append(float(sims.max(axis=1).min()))
    return scores


def best_threshold(scores: list[float], gold: list[int]) -> float:
    """The cut on a 'consistent' score that maximises balanced accuracy on tuning data."""
    grid = np.unique(np.round(scores, 3))
    return float(max(grid, key=lambda t: balanced_accuracy(gold, [int(s >= t) for s in scores])))


def rule_predictions(checker: RuleChecker, assessments: list[Assessment]) -> list[int]:
    return [int(checker.decide(a).label == "supports") for a in assessments]


def tune(checker: RuleChecker, assessments: list[Assessment], gold: list[int]) -> None:
    """Grid-search the rule checker's two knobs on tuning data (sets them on ``checker``)."""
    best = (-1.0, checker.config.support_threshold, checker.config.gap_tolerance)
    for tolerance in (0, 1, 2):
        for threshold in np.arange(0.40, 0.90, 0.01):
            checker.config = replace(
                checker.config, support_threshold=float(threshold), gap_tolerance=tolerance
            )
            score = balanced_accuracy(gold, rule_predictions(checker, assessments))
            if score > best[0]:
                best = (score, float(threshold), tolerance)
    score, threshold, tolerance = best
    checker.config = replace(checker.config, support_threshold=threshold, gap_tolerance=tolerance)
    print(f"tuned: support_threshold={threshold:.2f} gap_tolerance={tolerance} (BAcc {score:.3f})")


# How the cross-encoder's P(consistent) and the rules are joined; one is chosen per run on the
# held-out tuning domains named by --select, with its cut.  On a tie the earlier join wins.
JOINS = {
    "rules alone": lambda p, cut, a, rules_support: rules_support,
    "model": lambda p, cut, a, rules_support: p >= cut,
    "model, no rule conflict": lambda p, cut, a, rules_support: p >= cut and not a.conflicts,
    "model and rules": lambda p, cut, a, rules_support: p >= cut and rules_support,
}


@dataclass
class CrossEncoderRun:
    """What the join needs for each pair: P(consistent), the rules' assessment and label."""

    probs: np.ndarray
    assessments: list[Assessment]
    rules_support: list[bool]

    def predict(self, join: str, cut: float) -> list[int]:
        fn = JOINS[join]
        return [
            int(fn(p, cut, a, s))
            for p, a, s in zip(self.probs, self.assessments, self.rules_support, strict=True)
        ]


def crossenc_run(checker, rules: RuleChecker, rows: list[dict]) -> CrossEncoderRun:
    pairs = [(r["doc"], r["summary"]) for r in rows]
    assessments = rules.assess_many(pairs)
    return CrossEncoderRun(
        checker.consistency(pairs),
        assessments,
        [rules.decide(a).label == "supports" for a in assessments],
    )


def best_cuts(run: CrossEncoderRun, gold: list[int]) -> dict[str, tuple[float, float]]:
    """Each join's best balanced accuracy on the selection rows, with the (lowest) cut that
    gives it."""
    out = {}
    for join in JOINS:
        best = (-1.0, 0.5)
        for cut in np.arange(0.05, 0.96, 0.01):
            score = balanced_accuracy(gold, run.predict(join, float(cut)))
            if score > best[0]:
                best = (score, round(float(cut), 2))
        out[join] = best
    return out


def crossenc_runs(
    path: str, news: list[dict] | None, select: list[dict], rules: RuleChecker
) -> dict[str, list[int]]:
    """The cross-encoder at its saved cut, and the join and cut chosen on ``select`` (tuning
    domains the checkpoint was not trained on) applied to news.  ``news`` None: selection only.
    """
    from experimental.crossenc import CrossEncoderChecker, load

    trained_on = set(load(Path(path)).info.get("summedits_domains", []))
    overlap = trained_on & {r["domain"] for r in select}
    if overlap:
        raise SystemExit(f"--select domains {sorted(overlap)} were training data of {path}")
    checker = CrossEncoderChecker(path, rules)
    cut = checker.model.threshold
    select_gold = [r["label"] for r in select]
    run = crossenc_run(checker, rules, select)
    print(f"selection rows: {len(select)} from {sorted({r['domain'] for r in select})}")
    best = best_cuts(run, select_gold)
    for join, (score, at) in best.items():
        at_saved = balanced_accuracy(select_gold, run.predict(join, cut))
        print(f"  {join:<26} BAcc {at_saved:.3f} at {cut}, best {score:.3f} at {at:.2f}")
    join = max(best, key=lambda j: best[j][0])  # the first listed wins a tie
    score, chosen = best[join]
    print(f"chosen: {join} at P(consistent) >= {chosen} (selection BAcc {score:.3f})")
    if news is None:
        return {}
    news_run = crossenc_run(checker, rules, news)
    return {
        f"cross-encoder P >= {cut}": news_run.predict("model", cut),
        f"{join} >= {chosen}": news_run.predict(join, chosen),
    }


def per_edit_recall(rows: list[dict], pred: list[int]) -> dict[str, float]:
    hits: dict[str, list[int]] = defaultdict(list)
    for row, p in zip(rows, pred, strict=True):
        if row["label"] == 0:
            for edit in row["edit_types"] or ["(none listed)"]:
                hits[edit].append(int(p == 0))
    return {edit: float(np.mean(v)) for edit, v in sorted(hits.items())}


def print_runs(news: list[dict], runs: dict[str, list[int]], n_tuning: int) -> None:
    """The results table (balanced accuracy, recall per class) and recall per edit type."""
    gold = [r["label"] for r in news]
    width = max(28, *(len(name) + 2 for name in runs))
    print(f"SummEdits news: {len(news)} pairs ({gold.count(0)} inconsistent); "
          f"tuning pairs from other domains: {n_tuning}")  # fmt: skip
    print(f"{'checker':<{width}}{'BAcc':>7}{'rec(consistent)':>17}{'rec(inconsistent)':>19}")
    g = np.array(gold)
    for name, pred in runs.items():
        q = np.array(pred)
        print(f"{name:<{width}}{balanced_accuracy(gold, pred):>7.3f}"
              f"{np.mean(q[g == 1] == 1):>17.3f}{np.mean(q[g == 0] == 0):>19.3f}")  # fmt: skip
    print("recall of inconsistent pairs by edit type (" + " | ".join(runs) + "):")
    recalls = [per_edit_recall(news, pred) for pred in runs.values()]
    for edit in recalls[0]:
        print(f"  {edit:<30}" + " | ".join(f"{r[edit]:.3f}" for r in recalls))


def sentence_throughput() -> tuple[int, float, float]:
    """Pairs/s on the story-sized case the pipeline runs: every sentence of each example
    article checked against every sentence of the next one (cold caches, then warm)."""
    model = nlp.spacy_model()
    articles = [
        [s.text for s in model(p.read_text()).sents if s.text.strip()]
        for p in sorted(STORY.glob("*.txt"))
    ]
    pairs = [
        (evidence, claim)
        for a, b in zip(articles, articles[1:] + articles[:1], strict=True)
        for claim in a
        for evidence in b
    ]
    checker = RuleChecker(replace(CheckerConfig(), cache_size=10_000))
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        checker.check_many(pairs)
        timings.append(time.perf_counter() - start)
    return len(pairs), len(pairs) / timings[0], len(pairs) / timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="search thresholds on other domains")
    parser.add_argument(
        "--crossenc",
        metavar="WEIGHTS",
        help="also score a cross-encoder written by bench/claims_crossenc_train.py",
    )
    parser.add_argument(
        "--select",
        default="ectsum,podcast",
        help="tuning domains (not trained on) where the cross-encoder's join and cut are chosen",
    )
    parser.add_argument(
        "--select-only", action="store_true", help="choose the join and stop before news"
    )
    parser.add_argument(
        "--support",
        action="store_true",
        help="also score check()'s default, the decision layer of claims/support.py",
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput runs")
    args = parser.parse_args()

    tuning = [r for p in sorted(DATA.glob("summedits_*.json")) if p.name != NEWS
              for r in load(p, split="evaluation")]  # fmt: skip
    tune_gold = [r["label"] for r in tuning]
    select = [r for r in tuning if r["domain"] in args.select.split(",")]
    if args.select_only:
        if not args.crossenc:
            parser.error("--select-only needs --crossenc")
        rules = RuleChecker()
        tune(rules, rules.assess_many([(r["doc"], r["summary"]) for r in tuning]), tune_gold)
        crossenc_runs(args.crossenc, None, select, rules)
        return

    news = load(DATA / NEWS)
    cos_threshold = best_threshold(cosine_scores(tuning), tune_gold)

    checker = RuleChecker()
    start = time.perf_counter()
    assessments = checker.assess_many([(r["doc"], r["summary"]) for r in news])
    elapsed = time.perf_counter() - start
    runs = {
        f"MiniLM cosine >= {cos_threshold:.3f}": [
            int(s >= cos_threshold) for s in cosine_scores(news)
        ],
        "RuleChecker (shipped)": rule_predictions(checker, assessments),
    }
    labels = [checker.decide(a).label for a in assessments]
    if args.tune or args.crossenc:  # the joins use the rules as tuned, not a post-hoc cut
        tune(checker, checker.assess_many([(r["doc"], r["summary"]) for r in tuning]), tune_gold)
        runs["RuleChecker (tuned)"] = rule_predictions(checker, assessments)

    if args.crossenc:
        runs.update(crossenc_runs(args.crossenc, news, select, checker))
    if args.support:
        from pressdiff.claims.support import SupportChecker

        results = SupportChecker().check_many([(r["doc"], r["summary"]) for r in news])
        runs["SupportChecker (check's default)"] = [int(r.label == "supports") for r in results]

    print_runs(news, runs, len(tuning))
    print("shipped labels:", {lab: labels.count(lab) for lab in sorted(set(labels))})
    doc_chars = np.mean([len(r["doc"]) for r in news])
    print(f"throughput: {len(news) / elapsed:.1f} pairs/s (documents ~{doc_chars:.0f} chars, cold)")
    if args.no_speed:
        return
    n, cold, warm = sentence_throughput()
    print(
        f"throughput: {cold:.0f} pairs/s cold, {warm:.0f} warm ({n} example-story sentence pairs)"
    )


if __name__ == "__main__":
    main()
