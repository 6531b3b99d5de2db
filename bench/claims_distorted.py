"""Distorted copies with known truth: precision/recall of `contradiction` findings.

Stories come from FNC-1 (see ``claims_distort.py``).  Each sampled story keeps its original
articles and gains two rewritten copies of one of them: a *distorted* copy (harmless
rewrites plus one or two labelled factual changes) and a *harmless* copy (harmless rewrites
only).  The whole story then goes through ``pressdiff.claims.analyse``.

* a distortion is *found* when a contradiction finding in its copy overlaps its sentence;
* a contradiction finding is *correct* when it overlaps a distorted sentence of its copy;
  any other contradiction (in an original, in a harmless copy, elsewhere in a distorted copy)
  is a false alarm;
* false-alarm rates: the share of untouched originals, and of harmless copies, with at least
  one contradiction finding.

Baseline in the same run: MiniLM cosine alone (a claim whose best match in another article
is a near-twin, cosine in [0.85, 0.99), is called a contradiction: similar but changed).

The copies go through the reuse analysis like any input (``--no-reuse`` skips it): a copy it
recognises as spun counts half when sides are weighed, which is how pressdiff tells the
copy that changed a fact from the original it changed.

Stories are split by the parity of their first body id: ``--split tune`` (even) was used to
choose thresholds, ``--split eval`` (odd) is what the results file reports.

    .venv/bin/python bench/claims_distorted.py --split eval --stories 12
    .venv/bin/python bench/claims_distorted.py --speed   # example story and a 50-article story
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_distort import Copy, fnc_stories, make_copy

from pressdiff import claims, nlp, reuse
from pressdiff.annotate import annotate
from pressdiff.model import Article

MAX_CHARS = 2500  # bodies are cut (at a paragraph) to keep the run small on a shared CPU
BASELINE_BAND = (0.85, 0.99)


def _cut(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_CHARS)
    return text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def build(story: list[tuple[str, str]], rng: random.Random) -> tuple[list[Article], list[Copy]]:
    originals = [(b, _cut(t)) for b, t in story]
    people = sorted(
        {
            e.text
            for _, t in originals
            for e in nlp.spacy_model()(t).ents
            if e.label_ == "PERSON" and len(e.text.split()) >= 2
        }
    )
    source_id, source_text = rng.choice(originals)
    copies = [
        make_copy(f"{source_id}-distorted", source_id, source_text, people, rng, True),
        make_copy(f"{source_id}-harmless", source_id, source_text, people, rng, False),
    ]
    articles = [Article(b, b, f"fnc-{b}", t, t) for b, t in originals]
    articles += [Article(c.id, c.id, c.id, c.text, c.text) for c in copies]
    return articles, copies


def score(
    flagged: dict[str, list[tuple[int, int]]], articles: list[Article], copies: list[Copy]
) -> dict:
    changes = {c.id: [(ch.start, ch.end) for ch in c.changes] for c in copies}
    kinds = [(c.id, ch) for c in copies for ch in c.changes]
    found = Counter()
    total = Counter()
    for cid, ch in kinds:
        total[ch.kind] += 1
        if any(_overlaps(span, (ch.start, ch.end)) for span in flagged.get(cid, [])):
            found[ch.kind] += 1
    tp = fp = 0
    for aid, spans in flagged.items():
        for span in spans:
            if any(_overlaps(span, c) for c in changes.get(aid, [])):
                tp += 1
            else:
                fp += 1
    copy_ids = {c.id for c in copies}
    harmless = [c.id for c in copies if not c.changes]
    originals = [a.id for a in articles if a.id not in copy_ids]
    return {
        "tp": tp,
        "fp": fp,
        "found": found,
        "total": total,
        "orig_alarm": sum(bool(flagged.get(a)) for a in originals),
        "orig_n": len(originals),
        "harmless_alarm": sum(bool(flagged.get(a)) for a in harmless),
        "harmless_n": len(harmless),
    }


def baseline(result: claims.ClaimResult) -> dict[str, list[tuple[int, int]]]:
    """Cosine only: a claim whose nearest claim elsewhere is similar but not identical."""
    cl = result.claims
    vectors = nlp.embed([c.text for c in cl])
    sims = vectors @ vectors.T
    ids = np.array([c.article_id for c in cl])
    out: dict[str, list[tuple[int, int]]] = {}
    for i, c in enumerate(cl):
        others = ids != c.article_id
        if not others.any():
            continue
        best = float(sims[i, others].max())
        if BASELINE_BAND[0] <= best < BASELINE_BAND[1]:
            out.setdefault(c.article_id, []).append((c.start, c.end))
    return out


def _add(acc: dict, s: dict) -> None:
    for k, v in s.items():
        acc[k] = acc.get(k, Counter() if isinstance(v, Counter) else 0) + v


def _report(name: str, acc: dict) -> None:
    tp, fp = acc["tp"], acc["fp"]
    found, total = sum(acc["found"].values()), sum(acc["total"].values())
    print(
        f"{name:10} precision {tp / max(1, tp + fp):.3f} ({tp}/{tp + fp})  "
        f"recall {found / max(1, total):.3f} ({found}/{total})  "
        f"untouched FA {acc['orig_alarm'] / max(1, acc['orig_n']):.3f} "
        f"({acc['orig_alarm']}/{acc['orig_n']})  "
        f"harmless FA {acc['harmless_alarm'] / max(1, acc['harmless_n']):.3f} "
        f"({acc['harmless_alarm']}/{acc['harmless_n']})"
    )
    per_kind = ", ".join(f"{k} {acc['found'][k]}/{acc['total'][k]}" for k in sorted(acc["total"]))
    print(f"{'':10} recall by kind: {per_kind}")


def speed(example: Path) -> None:
    """Warm timings of claims + consensus: the example story, then a 50-article FNC-1 story."""
    from pressdiff import consensus
    from pressdiff.pipeline import load

    def run(articles: list[Article]) -> float:
        t0 = time.perf_counter()
        found = reuse.analyse(articles)
        result = claims.analyse(articles, reuse=found)
        consensus.analyse(articles, result, reuse=found)
        return time.perf_counter() - t0

    articles, _ = load([str(example)])
    annotate(articles)
    run(articles)  # warm: models loaded, embeddings cached as in a long-running process
    nlp._EMBED_CACHE.clear()
    print(f"example story, 5 articles: reuse + claims + consensus {run(articles):.1f} s warm")
    story = max(fnc_stories(), key=len)[:50]
    big = [Article(b, b, f"fnc-{b}", t, t) for b, t in story]
    t0 = time.perf_counter()
    annotate(big)
    parse = time.perf_counter() - t0
    print(
        f"FNC-1 story, {len(big)} articles ({sum(len(a.text) for a in big) // 1000}k chars): "
        f"annotate {parse:.1f} s, reuse + claims + consensus {run(big):.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["tune", "eval"], default="eval")
    ap.add_argument("--stories", type=int, default=12)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--min-size", type=int, default=2)
    ap.add_argument("--max-size", type=int, default=5)
    ap.add_argument(
        "--no-reuse",
        dest="reuse",
        action="store_false",
        help="run claims without the reuse analysis (copies then weigh as much as originals)",
    )
    ap.add_argument("--speed", action="store_true", help="time the example and a 50-article story")
    args = ap.parse_args()
    if args.speed:
        speed(Path(__file__).resolve().parents[2] / "shared" / "examples" / "rust-interview")
        return
    parity = 0 if args.split == "tune" else 1
    pool = [
        s
        for s in fnc_stories()
        if args.min_size <= len(s) <= args.max_size and int(s[0][0]) % 2 == parity
    ]
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.stories, len(pool)))
    ours: dict = {}
    base: dict = {}
    seconds = 0.0
    n_articles = 0
    for story in sample:
        articles, copies = build(story, rng)
        annotate(articles)
        t0 = time.perf_counter()
        result = claims.analyse(articles, reuse=reuse.analyse(articles) if args.reuse else None)
        seconds += time.perf_counter() - t0
        n_articles += len(articles)
        flagged: dict[str, list[tuple[int, int]]] = {}
        for f in result.findings:
            if f.kind == "contradiction":
                flagged.setdefault(f.article_id, []).append((f.start, f.end))
        _add(ours, score(flagged, articles, copies))
        _add(base, score(baseline(result), articles, copies))
    print(
        f"split {args.split}: {len(sample)} FNC-1 stories, {n_articles} articles "
        f"(seed {args.seed}, reuse {'on' if args.reuse else 'off'}); "
        f"reuse + claims {seconds:.1f} s in all"
    )
    _report("pressdiff", ours)
    _report("baseline", base)


if __name__ == "__main__":
    main()
