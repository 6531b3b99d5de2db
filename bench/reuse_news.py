"""News reuse with known truth: plagdet per kind, edge P/R, MinHash-LSH baseline, scaling.

Stories come from :mod:`reuse_generate` (real FNC-1 bodies, seeded).  For
each reuse kind the script computes PAN's plagdet (Potthast et al., 2010:
character-level macro precision and recall over both sides of each case,
granularity, ``F1 / log2(1 + granularity)``) between each derived article
and its source; then article-level edge precision and recall over all pairs
in each story, the share of independent pairs given an edge, and the same
edge figures for a datasketch MinHash-LSH baseline on word 5-shingles.
Finally it times one story of 200 articles (stories pooled) at growing sizes.

    .venv/bin/python bench/reuse_news.py [n_stories] [--seed N] [--no-scale]
"""

from __future__ import annotations

import math
import sys
import time
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuse_generate import Case, GenStory, generate

from pressdiff import nlp, reuse
from pressdiff.annotate import annotate
from pressdiff.model import Article
from pressdiff.reuse.words import words

Chars = set[tuple[str, int]]


def _articles(story: GenStory) -> list[Article]:
    return [
        Article(id=d.id, source=d.id, outlet=d.id, text=d.text, original=d.text) for d in story.docs
    ]


def _chars(doc: str, start: int, end: int) -> Chars:
    return {(doc, i) for i in range(start, end)}


def plagdet(cases: list[tuple[Chars, Chars]], detections: list[tuple[Chars, Chars]]) -> dict:
    """PAN plagdet; each case and detection is (source-side chars, target-side chars)."""

    def detects(r: tuple[Chars, Chars], s: tuple[Chars, Chars]) -> bool:
        return bool(r[0] & s[0]) and bool(r[1] & s[1])

    def meet(s: tuple[Chars, Chars], r: tuple[Chars, Chars]) -> Chars:
        return (s[0] & r[0]) | (s[1] & r[1])

    rec = [
        len(set().union(*[meet(s, r) for r in detections if detects(r, s)])) / len(s[0] | s[1])
        for s in cases
    ]
    prec = [
        len(set().union(*[meet(s, r) for s in cases if detects(r, s)])) / len(r[0] | r[1])
        for r in detections
    ]
    detected = [sum(detects(r, s) for r in detections) for s in cases]
    detected = [n for n in detected if n]
    recall = sum(rec) / len(rec) if rec else 0.0
    precision = sum(prec) / len(prec) if prec else 0.0
    gran = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "granularity": gran,
        "plagdet": f1 / math.log2(1 + gran),
    }


def _passage_sides(p: reuse.Passage, source: str) -> tuple[Chars, Chars]:
    if p.a == source:
        return _chars(p.a, p.a_start, p.a_end), _chars(p.b, p.b_start, p.b_end)
    return _chars(p.b, p.b_start, p.b_end), _chars(p.a, p.a_start, p.a_end)


def _case_sides(c: Case) -> tuple[Chars, Chars]:
    return _chars(c.source, c.s_start, c.s_end), _chars(c.target, c.t_start, c.t_end)


def _minhash(text: str) -> MinHash:
    forms = words(text).forms
    m = MinHash(num_perm=128, seed=1)
    for i in range(max(0, len(forms) - 4)):
        m.update(" ".join(forms[i : i + 5]).encode())
    return m


def _lsh_edges(story: GenStory, threshold: float) -> set[frozenset[str]]:
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {d.id: _minhash(d.text) for d in story.docs}
    for doc_id, m in hashes.items():
        lsh.insert(doc_id, m)
    return {frozenset((a, b)) for a, m in hashes.items() for b in lsh.query(m) if a != b}


def _edge_figures(name: str, stories: list[GenStory], found: list[set[frozenset[str]]]) -> None:
    tp = fp = fn = indep_pairs = indep_edges = 0
    for story, edges in zip(stories, found, strict=True):
        truth = {frozenset((c.source, c.target)) for c in story.cases}
        real = [d.id for d in story.docs if d.role == "independent"]
        for a, b in combinations([d.id for d in story.docs], 2):
            pair = frozenset((a, b))
            tp += pair in truth and pair in edges
            fp += pair not in truth and pair in edges
            fn += pair in truth and pair not in edges
            if a in real and b in real:
                indep_pairs += 1
                indep_edges += pair in edges
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    print(
        f"| {name} | {p:.3f} | {r:.3f} | {tp} | {fp} | {fn} | "
        f"{indep_edges}/{indep_pairs} ({indep_edges / max(1, indep_pairs):.1%}) |"
    )


def _scaling(stories: list[GenStory]) -> None:
    pool = [a for s in stories for a in _articles(s)]
    annotate(pool)
    print(
        "\n| articles | embedding s | alignment+edges+spin s (cached embeddings) | pairs aligned |"
    )
    print("|---|---|---|---|")
    for n in (25, 50, 100, 200):
        arts = pool[:n]
        start = time.perf_counter()
        nlp.embed([s.text for a in arts for s in a.sentences])
        embed_s = time.perf_counter() - start
        reuse.analyse(arts)  # warms the paragraph and quote embeddings too
        start = time.perf_counter()
        result = reuse.analyse(arts)
        run_s = time.perf_counter() - start
        pairs = len({(p.a, p.b) for p in result.passages})
        print(f"| {len(arts)} | {embed_s:.1f} | {run_s:.2f} | {pairs} |")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--no-scale"]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 13
    n_stories = int(args[0]) if args and args[0].isdigit() else 20
    stories = generate(n_stories, seed=seed)
    results = []
    start = time.perf_counter()
    for story in stories:
        arts = _articles(story)
        annotate(arts)
        results.append(reuse.analyse(arts))
    ours_s = time.perf_counter() - start
    n_docs = sum(len(s.docs) for s in stories)
    print(f"{len(stories)} generated stories, {n_docs} articles, seed {seed}")
    print("\n| kind | cases | plagdet | precision | recall | granularity |")
    print("|---|---|---|---|---|---|")
    for kind in ("verbatim", "edited", "reworded"):
        cases, dets = [], []
        for story, result in zip(stories, results, strict=True):
            mine = [c for c in story.cases if c.kind == kind]
            if not mine:
                continue
            target = mine[0].target
            cases += [_case_sides(c) for c in mine]
            dets += [
                _passage_sides(p, story.source)
                for p in result.passages
                if {p.a, p.b} == {story.source, target}
            ]
        m = plagdet(cases, dets)
        print(
            f"| {kind} | {len(cases)} | {m['plagdet']:.3f} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['granularity']:.2f} |"
        )
    print(
        "\n| method | edge precision | edge recall | TP | FP | FN | independent pairs with edge |"
    )
    print("|---|---|---|---|---|---|---|")
    ours = [{frozenset((e.source, e.target)) for e in r.edges} for r in results]
    _edge_figures(f"pressdiff ({ours_s:.0f} s incl. annotation and embeddings)", stories, ours)
    for threshold in (0.05, 0.1, 0.2):
        start = time.perf_counter()
        lsh = [_lsh_edges(s, threshold) for s in stories]
        _edge_figures(
            f"MinHash-LSH 5-shingles, threshold {threshold} ({time.perf_counter() - start:.2f} s)",
            stories,
            lsh,
        )
    roles = {d.id: d.role for s in stories for d in s.docs}
    flagged = [roles[i] for r in results for i in r.spun_ids]
    print(
        "\nspun_copy flags by role: "
        + ", ".join(
            f"{role} {flagged.count(role)}/{sum(r == role for r in roles.values())}"
            for role in ("independent", "verbatim", "edited", "reworded")
        )
    )
    for story, result in zip(stories, results, strict=True):
        truth = {frozenset((c.source, c.target)) for c in story.cases}
        for e in result.edges:
            if frozenset((e.source, e.target)) not in truth:
                print(f"  false edge {e.source} - {e.target}: coverage {e.coverage}")
    if "--no-scale" not in sys.argv:
        _scaling(generate(40, seed=14))


if __name__ == "__main__":
    main()
