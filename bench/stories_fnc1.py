"""Story clustering quality on FNC-1: one-at-a-time grouping beside a tuned batch baseline.

Stories are FNC-1's as ``../shared/data/README.md`` defines them (bodies
linked through related headlines; :func:`reuse_generate.load_stories`).
Bodies only: no titles, no dates.  The stories are split into a tune half and
a report half with a fixed seed; every choice (the baseline's threshold here,
:class:`pressdiff.stories.StoryConfig`'s ``vector_gate``/``join``/``merge``
with ``--tune``, scored over two arrival orders) is made on the tune half, and
the report half is only measured.  The bodies' MiniLM lead vectors are
encoded once (minutes on a shared CPU) and kept in ``bench/out/``.

Figures: pairwise precision/recall/F1 (over pairs of articles put in one
story), BCubed precision/recall/F1 (per article, averaged), and the number of
stories found.  pressdiff's grouping runs one article at a time, in id order
and in a shuffled order; the baseline is TF-IDF (sublinear tf, English stop
words) cosine with average-link agglomerative clustering over the whole
half at once, its distance threshold tuned on the tune half in this run.

    PYTHONPATH=src .venv/bin/python bench/stories_fnc1.py [--seed 13] [--tune]
    PYTHONPATH=src .venv/bin/python bench/stories_fnc1.py --parts [--try KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuse_generate import load_stories

from pressdiff import nlp, stories
from pressdiff.model import Article

Labels = dict[int, int]  # body id -> story number


def split(groups: list[list[int]], seed: int) -> tuple[list[list[int]], list[list[int]]]:
    """The stories in two halves (tune, report), shuffled with a fixed seed."""
    order = list(groups)
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    return order[:half], order[half:]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def scores(gold: Labels, found: Labels) -> dict[str, float]:
    """Pairwise and BCubed precision, recall and F1, and the number of stories found."""
    cells = Counter((gold[b], found[b]) for b in gold)
    gold_sizes = Counter(gold.values())
    found_sizes = Counter(found[b] for b in gold)
    together = sum(_pairs(n) for n in cells.values())
    p = together / max(1, sum(_pairs(n) for n in found_sizes.values()))
    r = together / max(1, sum(_pairs(n) for n in gold_sizes.values()))
    bp = sum(n * n / found_sizes[f] for (_, f), n in cells.items()) / len(gold)
    br = sum(n * n / gold_sizes[g] for (g, _), n in cells.items()) / len(gold)
    return {
        "pair_p": p,
        "pair_r": r,
        "pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "b3_p": bp,
        "b3_r": br,
        "b3_f1": 2 * bp * br / (bp + br) if bp + br else 0.0,
        "stories": float(len(found_sizes)),
    }


def gold_labels(groups: list[list[int]]) -> Labels:
    return {body: n for n, group in enumerate(groups) for body in group}


def cosine_distances(texts: dict[int, str]) -> tuple[list[int], np.ndarray]:
    """The baseline's TF-IDF (sublinear tf, English stop words) cosine distances, by body id."""
    ids = sorted(texts)
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [texts[i] for i in ids]
    )
    return ids, np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, None)


def baseline(distances: tuple[list[int], np.ndarray], threshold: float) -> Labels:
    """Average-link agglomerative clustering of the distances, cut at ``threshold``."""
    ids, matrix = distances
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    labels = model.fit_predict(matrix)
    return dict(zip(ids, (int(x) for x in labels), strict=True))


def _article(body: int, text: str) -> Article:
    return Article(
        id=f"fnc1-{body}", source=f"fnc1:{body}", outlet="fnc1", text=text, original=text
    )


OUT = Path(__file__).resolve().parent / "out"


def warm_lead_vectors(texts: dict[int, str], chars: int) -> None:
    """Put the bodies' MiniLM lead vectors into :func:`pressdiff.nlp.embed`'s cache.

    Encoding 1,683 leads takes minutes on a shared CPU, so the vectors are
    kept in ``bench/out/`` (gitignored) and a grid run only reads them; the
    cache is keyed by the exact lead text :func:`pressdiff.stories.features`
    embeds, so what it computes is the same either way.
    """
    if chars <= 0:
        return
    ids = sorted(texts)
    leads = [stories.lead(texts[b], chars) for b in ids]
    path = OUT / f"fnc1_lead{chars}.npz"
    if path.exists():
        kept = np.load(path)
        by_id = dict(zip(kept["ids"].tolist(), kept["vectors"], strict=True))
        if all(b in by_id for b in ids):
            vectors = {lead: by_id[b] for b, lead in zip(ids, leads, strict=True)}
            nlp._EMBED_CACHE.get_many(leads, lambda missing: [vectors[t] for t in missing])
            return
    vectors = nlp.embed(leads)
    OUT.mkdir(exist_ok=True)
    np.savez(path, ids=np.array(ids), vectors=vectors)


def compute_features(
    texts: dict[int, str], order: Sequence[int], config: stories.StoryConfig
) -> dict[int, stories.Features]:
    """The bodies' features as ingest computes them when they arrive in ``order``
    (:func:`pressdiff.stories.featurise`): a near-duplicate of an earlier body gets no lead
    vector, since it joins that body's story without one.  Which bodies those are depends
    only on the order, not on any grouping decision, so one call covers the whole order."""
    articles = [_article(b, texts[b]) for b in order]
    made = stories.featurise(stories.StoryIndex(config), articles)
    return dict(zip(order, made, strict=True))


def pressdiff_labels(
    feats: dict[int, stories.Features], order: Sequence[int], config: stories.StoryConfig
) -> Labels:
    index = stories.StoryIndex(config)
    for body in order:
        index.add(f"fnc1-{body}", feats[body])
    return {
        int(a.removeprefix("fnc1-")): n
        for n, members in enumerate(index.groups().values())
        for a in members
    }


def _row(name: str, s: dict[str, float], extra: str = "") -> str:
    return (
        f"| {name} | {s['pair_p']:.3f} | {s['pair_r']:.3f} | {s['pair_f1']:.3f} "
        f"| {s['b3_p']:.3f} | {s['b3_r']:.3f} | {s['b3_f1']:.3f} | {int(s['stories'])} |{extra}"
    )


def _best(
    grid: Sequence[float], run: Callable[[float], dict[str, float]]
) -> tuple[float, dict[str, float]]:
    """The grid value with the highest mean of pairwise and BCubed F1 (lowest on a tie)."""
    results = [(value, run(value)) for value in grid]
    return max(results, key=lambda vs: (vs[1]["pair_f1"] + vs[1]["b3_f1"], -vs[0]))


def tune_grid(texts: dict[int, str], gold: Labels, config: stories.StoryConfig) -> None:
    """Print the tune half's scores over a grid of settings, best last.

    Each setting is scored in id order and in a shuffled order; the best is the
    highest sum of pairwise and BCubed F1 over both orders, so a setting that
    depends on the order loses.
    """
    started = time.perf_counter()
    ids = sorted(texts)
    shuffled = list(ids)
    random.Random(0).shuffle(shuffled)  # not the report run's order
    feats = {tuple(o): compute_features(texts, o, config) for o in (ids, shuffled)}
    table = []
    for gate in (0.0, 0.45, 0.5, 0.55):
        for join in (0.15, 0.175, 0.2, 0.225, 0.25):
            for merge in (0.15, 0.175, 0.2, 0.225, 0.25):
                cfg = replace(config, vector_gate=gate, join=join, merge=merge)
                runs = [
                    scores(gold, pressdiff_labels(feats[tuple(o)], o, cfg)) for o in (ids, shuffled)
                ]
                total = sum(s["pair_f1"] + s["b3_f1"] for s in runs)
                table.append((total, cfg))
                label = f"gate {gate} join {join} merge {merge}"
                gap = abs(runs[0]["pair_f1"] - runs[1]["pair_f1"])
                print(_row(label, runs[0], f" shuffled {runs[1]['pair_f1']:.3f} gap {gap:.3f}"))
    best = max(table, key=lambda t: t[0])[1]
    took = time.perf_counter() - started
    print(f"best on the tune half ({took:.0f} s): {best}")


def candidate(settings: Sequence[str]) -> stories.StoryConfig:
    """The current design with ``KEY=VALUE`` settings of :class:`StoryConfig` changed."""
    types = {f.name: type(getattr(stories.DEFAULT, f.name)) for f in fields(stories.StoryConfig)}
    changes = {}
    for setting in settings:
        key, _, value = setting.partition("=")
        if key not in types:
            raise SystemExit(f"--try {setting}: StoryConfig has no setting {key!r}")
        changes[key] = types[key](value)
    return replace(stories.DEFAULT, **changes)


def remember_names(texts: dict[int, str], config: stories.StoryConfig) -> None:
    """Run the entity recogniser once over the bodies' leads and let
    :func:`pressdiff.stories.featurise` read its answers from then on (a check of
    several arrival orders and parts would otherwise recognise each lead once per order:
    half a minute each on a shared CPU).  The answers are the recogniser's own, keyed
    by the lead it reads."""
    leads = [stories.lead(text, config.lead_chars) for text in texts.values()]
    known = dict(zip(leads, stories.entity_names(leads), strict=True))
    recognise = stories.entity_names

    def recall(found: Sequence[str]) -> list[list[str]]:
        return [known[t] if t in known else recognise([t])[0] for t in found]

    stories.entity_names = recall


SHUFFLES = 8
"""Shuffled orders a design is scored in by ``--parts`` (seeds 0-7): one shuffle's F1 moves
by 0.01-0.02 with the seed, as much as the gains being checked."""


def _orders(
    groups: list[list[int]], texts: dict[int, str], config: stories.StoryConfig
) -> tuple[dict[str, float], dict[str, float]]:
    """Scores of one-at-a-time grouping in id order, and their means over ``SHUFFLES``
    shuffled orders."""
    gold = gold_labels(groups)
    ids = sorted(gold)
    orders = [ids]
    for seed in range(SHUFFLES):
        orders.append(list(ids))
        random.Random(seed).shuffle(orders[-1])
    runs = [
        scores(gold, pressdiff_labels(compute_features(texts, order, config), order, config))
        for order in orders
    ]
    return runs[0], {key: float(np.mean([r[key] for r in runs[1:]])) for key in runs[0]}


def _sum(runs: tuple[dict[str, float], dict[str, float]]) -> float:
    return sum(s["pair_f1"] + s["b3_f1"] for s in runs)


def check_parts(
    tune: list[list[int]], texts: dict[int, str], tried: stories.StoryConfig | None
) -> None:
    """The check a new design must pass before it earns a report-half run (bench/RESULTS.md,
    issue 13): the current design, and the ``tried`` one, on the tune half and on the tune
    half re-split in two parts A and B (seed 1), each in id order and in ``SHUFFLES``
    shuffled orders; a part's sum is its pairwise and BCubed F1 in id order plus their
    means over the shuffles, and must rise by 0.02 on both parts."""
    part_a, part_b = split(tune, 1)
    designs = [("current", stories.DEFAULT)] + ([("tried", tried)] if tried else [])
    for label, config in designs:
        runs = _orders(tune, texts, config)
        sums = [_sum(_orders(part, texts, config)) for part in (part_a, part_b)]
        print(_row(f"{label}, id order", runs[0]))
        print(_row(f"{label}, mean of {SHUFFLES} shuffled orders", runs[1]))
        print(f"{label}: sums, tune {_sum(runs):.3f}, part A {sums[0]:.3f}, part B {sums[1]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=13, help="seed of the tune/report split")
    parser.add_argument(
        "--tune", action="store_true", help="grid-search join/merge on the tune half"
    )
    parser.add_argument(
        "--parts",
        action="store_true",
        help="the current design (and one --try) on the tune half and its two parts",
    )
    parser.add_argument(
        "--try",
        dest="tried",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="with --parts: a StoryConfig setting of a design to check beside the current",
    )
    args = parser.parse_args()

    bodies, groups = load_stories()
    tune, report = split(groups, args.seed)
    halves = {"tune": tune, "report": report}
    texts = {name: {b: bodies[b] for g in half for b in g} for name, half in halves.items()}
    gold = {name: gold_labels(half) for name, half in halves.items()}
    for name in halves:
        print(f"{name} half: {len(halves[name])} stories, {len(gold[name])} bodies")
    config = stories.DEFAULT
    warm_lead_vectors({b: bodies[b] for g in groups for b in g}, config.lead_chars)

    # Baseline: threshold tuned on the tune half, then measured on the report half.
    grid = [round(0.5 + 0.025 * i, 3) for i in range(19)]
    distances = {name: cosine_distances(texts[name]) for name in halves}
    threshold, tuned = _best(grid, lambda t: scores(gold["tune"], baseline(distances["tune"], t)))
    print(f"baseline threshold tuned on the tune half: {threshold}")

    if args.tune:
        tune_grid(texts["tune"], gold["tune"], config)
        return
    if args.parts:
        remember_names(texts["tune"], config)
        check_parts(tune, texts["tune"], candidate(args.tried) if args.tried else None)
        return

    print()
    print(
        "| half | method | pair P | pair R | pair F1 | BCubed P | BCubed R | BCubed F1 | stories |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in halves:
        truth = len(halves[name])
        base = tuned if name == "tune" else scores(gold[name], baseline(distances[name], threshold))
        print(_row(f"{name} | baseline (t={threshold})", base))
        ids = sorted(texts[name])
        shuffled = list(ids)
        random.Random(args.seed).shuffle(shuffled)
        for label, order in (("id order", ids), ("shuffled", shuffled)):
            started = time.perf_counter()
            feats = compute_features(texts[name], order, config)
            made = time.perf_counter() - started
            started = time.perf_counter()
            found = pressdiff_labels(feats, order, config)
            took = time.perf_counter() - started
            print(_row(f"{name} | pressdiff, {label}", scores(gold[name], found)))
            print(
                f"<!-- {name} {label}: features {made:.1f} s, grouping {took:.1f} s, "
                f"{truth} true stories -->"
            )


if __name__ == "__main__":
    main()
