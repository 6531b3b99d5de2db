"""Time the whole `analyze` of the example story, and ingest throughput on FNC-1.

    .venv/bin/python bench/bench_pipeline.py [--runs 3]

Figures, each beside a baseline measured in the same run (these machines are
noisy, so the ratios are what to compare between runs):

* cold: a fresh `pressdiff analyze EXAMPLE --format json` process, models
  loaded from disk; baseline: a fresh process that only imports pressdiff and
  loads the spaCy model.
* warm: `pipeline.analyse` in this process with the models already loaded and
  every per-text cache cleared before each run; baseline: spaCy parsing the
  same five articles (the floor any analysis pays).
* ingest: FNC-1 bodies through read -> clean -> SQLite store, articles/s;
  baseline: the same JSON Lines read and inserted as raw text with no
  cleaning or hashing, one commit per article like the store, with the
  store's pragmas (WAL, synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pressdiff import nlp, pipeline
from pressdiff.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "rust-interview"
FNC1 = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
PRESSDIFF = Path(sys.executable).with_name("pressdiff")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cold(runs: int) -> tuple[float, float]:
    analyse = [str(PRESSDIFF), "analyze", str(EXAMPLE), "--format", "json", "--out", "/dev/null"]
    floor = [sys.executable, "-c", "import pressdiff.pipeline, pressdiff.nlp as n; n.spacy_model()"]
    full = statistics.median(
        _timed(lambda: subprocess.run(analyse, check=True)) for _ in range(runs)
    )
    base = statistics.median(_timed(lambda: subprocess.run(floor, check=True)) for _ in range(runs))
    return full, base


def warm(runs: int) -> tuple[float, float]:
    paths = [str(EXAMPLE)]
    articles, rejected = pipeline.load(paths)
    pipeline.analyse(articles, rejected)  # load every model once

    def one_analysis() -> None:
        nlp.clear_caches()
        fresh, rejected = pipeline.load(paths)
        pipeline.analyse(fresh, rejected)

    def parse_only() -> None:
        list(nlp.spacy_model().pipe(a.text for a in articles))

    full = statistics.median(_timed(one_analysis) for _ in range(runs))
    base = statistics.median(_timed(parse_only) for _ in range(runs))
    return full, base


def ingest(tmp: Path) -> tuple[int, float, float]:
    csv.field_size_limit(10**8)
    with FNC1.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    feed = tmp / "fnc1.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps({"id": row["Body_ID"], "text": row["articleBody"]}) + "\n")

    def ours() -> None:
        with Store(tmp / "pressdiff.db") as store:
            for article, _rejection in pipeline.iter_clean([str(feed)]):
                if article is not None:
                    store.add([article])

    def floor() -> None:
        db = sqlite3.connect(tmp / "floor.db")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # as the store: durable at each commit in WAL
        db.execute("CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, text TEXT)")
        with feed.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                with db:
                    db.execute(
                        "INSERT OR IGNORE INTO raw VALUES (?, ?)", (record["id"], record["text"])
                    )
        db.close()

    return len(rows), _timed(ours), _timed(floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    full, base = cold(args.runs)
    print(
        f"cold analyze of the example (5 articles): {full:.2f} s; "
        f"baseline import+spaCy load {base:.2f} s; ratio {full / base:.2f}"
    )
    full, base = warm(args.runs)
    print(
        f"warm analyze of the example (5 articles): {full:.2f} s (target < 5 s); "
        f"baseline spaCy parse {base:.2f} s; ratio {full / base:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        n, ours, floor = ingest(Path(tmp))
    print(
        f"ingest of {n} FNC-1 bodies: {n / ours:.0f} articles/s; "
        f"baseline raw insert {n / floor:.0f} articles/s; "
        f"ours takes {ours / floor:.2f}x the floor's time"
    )


if __name__ == "__main__":
    main()
