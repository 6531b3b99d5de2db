"""Ingest speed with story assignment, beside a bare ingest in the same run.

The FNC-1 bodies (all 1,683, or the first ``--limit``) as one JSON Lines file,
through read -> clean -> store:

* bare: what `pressdiff ingest` did before stories (store each article);
* with stories: what it does now (store each article; every
  `stories.INGEST_BATCH` stored articles go into their stories together,
  their leads encoded by MiniLM in one call: `StoryAssigner.assign_many`);
* with stories one at a time: the same, each article assigned as it is
  stored (`StoryAssigner.assign`, one MiniLM call an article), what ingest
  did before batching;
* reopen: building a `StoryAssigner` on the finished database, i.e. what a
  second `pressdiff ingest` pays before its first article (the index is
  rebuilt from stored features, no text is read);
* assignment alone: the same articles grouped in memory (`stories.group`),
  no store.

MiniLM's embedding cache is emptied before each timed run, so every run
encodes its leads.

    PYTHONPATH=src .venv/bin/python bench/stories_ingest.py [--runs 3] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pressdiff import nlp, pipeline, stories
from pressdiff.store import Store

ROOT = Path(__file__).resolve().parents[1]
FNC1 = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"


def _timed(fn: Callable[[], object]) -> float:
    nlp.clear_caches()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N bodies (encoding is minutes)"
    )
    args = parser.parse_args()
    csv.field_size_limit(10**8)
    with FNC1.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[: args.limit]

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        feed = tmp / "fnc1.jsonl"
        with feed.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps({"id": row["Body_ID"], "text": row["articleBody"]}) + "\n")
        articles, _ = pipeline.load([str(feed)])
        stories.group(articles[:50])  # import and warm the vectorizer outside the timings

        def bare(run: int) -> None:
            with Store(tmp / f"bare{run}.db") as store:
                for article, _rejection in pipeline.iter_clean([str(feed)]):
                    if article is not None:
                        store.add([article])

        def assigned(run: int, batch: int) -> None:
            with Store(tmp / f"stories{batch}-{run}.db") as store:
                read = pipeline.iter_clean([str(feed)])
                articles = (a for a, _rejection in read if a is not None)
                for _ in stories.StoryAssigner(store).add(articles, batch):
                    pass

        big = stories.INGEST_BATCH
        times: dict[str, list[float]] = {
            "bare": [],
            "stories": [],
            "single": [],
            "reopen": [],
            "memory": [],
        }
        for run in range(args.runs):
            times["bare"].append(_timed(lambda run=run: bare(run)))
            times["stories"].append(_timed(lambda run=run: assigned(run, big)))
            times["single"].append(_timed(lambda run=run: assigned(run, 1)))
            with Store(tmp / f"stories{big}-{run}.db") as store:
                times["reopen"].append(_timed(lambda store=store: stories.StoryAssigner(store)))
                found = len(store.stories())
            times["memory"].append(_timed(lambda: stories.group(articles)))

    n = len(articles)
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"{n} FNC-1 bodies, median of {args.runs} runs; {found} stories found")
    print(f"bare ingest:            {med['bare']:.1f} s, {n / med['bare']:.0f} articles/s")
    print(f"ingest with stories:    {med['stories']:.1f} s, {n / med['stories']:.0f} articles/s")
    print(f"  one at a time:        {med['single']:.1f} s, {n / med['single']:.0f} articles/s")
    print(f"reopen (rebuild index): {med['reopen']:.2f} s")
    print(f"grouping in memory:     {med['memory']:.1f} s, {n / med['memory']:.0f} articles/s")


if __name__ == "__main__":
    main()
