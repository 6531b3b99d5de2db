"""Throughput per stage on a generated corpus, embedded and on a two-worker LocalCluster.

Issue 14's benchmarks 1 and 3.  The corpus comes from ``scale_corpus.py``
(FNC-1 bodies with seeded copies, edits and times; the truth in each line).
Each measurement runs in its own process, so its peak memory (``ru_maxrss``)
is that stage's alone; wall and CPU seconds are both reported because this
machine's two cores are shared.

Stages (articles/s):

* ``clean``: read the JSON Lines file and clean every article
  (``runner.prepared``, embedded), at each size given;
* ``ingest``: the same plus storing each article in SQLite, as
  ``pressdiff ingest`` does (``--ingest-sizes``); at the smallest size also
  on the cluster, the stored articles compared with the embedded ones;
* ``assign``: ingest with story assignment (``pressdiff.stories``), the
  stories scored with BCubed against the corpus's true stories;
* ``minhash``: the baseline, datasketch MinHash-LSH near-duplicate detection
  (word 5-gram shingles, 128 permutations, Jaccard threshold 0.8) over the
  same lines, scored against the known copies;
* ``annotate``: spaCy annotation of a sample, embedded and on the cluster;
* ``analyse``: full story analyses (``results.analyse``) of a sample of
  five-article stories, embedded and on the cluster, their records compared.

    python bench/scale_throughput.py CORPUS.jsonl --sizes 10000 30000 100000 \
        --ingest-sizes 10000 100000 --annotate 200 --stories 4 --jobs 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--annotate", type=int, default=200, help="articles to annotate")
    parser.add_argument("--stories", type=int, default=4, help="five-article stories to analyse")
    parser.add_argument("--ingest-sizes", type=int, nargs="*", help="default: the smallest size")
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=list(STAGES))
    parser.add_argument("--assign-sizes", type=int, nargs="*", help="default: the smallest size")
    parser.add_argument("--jobs", type=int, default=1, help="measurements run at once")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(STAGES[args.stage](args.corpus, args.n, args.workers)))
        return
    work = Path(tempfile.mkdtemp(prefix="pressdiff-scale-"))
    prefixes = {n: _prefix(args.corpus, n, work) for n in args.sizes}
    small = min(args.sizes)
    # The cluster runs first: they take longest and are likeliest to fail.
    runs = [("analyse", args.corpus, args.stories, w) for w in (2, 0)]
    runs += [("annotate", args.corpus, args.annotate, w) for w in (2, 0)]
    runs += [("ingest", prefixes[small], small, 2)]
    runs += [("ingest", prefixes[n], n, 0) for n in args.ingest_sizes or [small]]
    runs += [("assign", prefixes[n], n, 0) for n in args.assign_sizes or [small]]
    runs += [(stage, prefixes[n], n, 0) for n in args.sizes for stage in ("clean", "minhash")]
    rows = _run_all([run for run in runs if run[0] in args.stages], args.jobs)
    _compare(work, small)
    for row in rows:
        print(json.dumps(row))


def _prefix(corpus: Path, n: int, work: Path) -> Path:
    out = work / f"corpus-{n}.jsonl"
    with corpus.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        g.writelines(islice(f, n))
    return out


def _run_all(runs: list[tuple[str, Path, int, int]], jobs: int) -> list[dict]:
    """Each measurement in its own process (its own peak memory), ``jobs`` at a time.

    On a shared machine several at once get more of it; the CPU seconds each
    reports are its own whatever runs beside it.
    """
    pending, running, rows = list(runs), [], []
    while pending or running:
        while pending and len(running) < jobs:
            stage, path, n, workers = pending.pop(0)
            command = [sys.executable, str(HERE), str(path), "--stage", stage, "--n", str(n)]
            command += ["--workers", str(workers)]
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            running.append(((stage, n, workers), time.perf_counter(), process))
        (stage, n, workers), started, process = running.pop(0)
        out, err = process.communicate()
        if process.returncode == 0:
            row = json.loads(out.strip().splitlines()[-1])
        else:  # reported, and the other measurements go on
            row = {"error": err[-2000:]}
        row.update(stage=stage, n=n, workers=workers)
        row["process_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    return rows


def _measure(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        **out,
    }


def _cpu_s() -> float:
    return time.process_time()


def _on_workers(client, measure):
    """``measure()`` plus the CPU seconds the workers spent meanwhile, and their peak memory."""
    before = client.run(_cpu_s)
    row = measure()
    after = client.run(_cpu_s)
    row["worker_cpu_s"] = round(sum(after[w] - before[w] for w in after), 2)
    row["worker_peak_mb"] = list(client.run(_peak_mb).values())
    return row


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def stage_clean(path: Path, n: int, workers: int) -> dict:
    from pressdiff import runner

    def go():
        kept = sum(1 for article, _ in runner.prepared([str(path)], runner.Cluster()) if article)
        return {"articles": kept}

    row = _measure(go)
    return row | {"per_s_wall": round(n / row["wall_s"]), "peak_mb": _peak_mb()}


def stage_ingest(path: Path, n: int, workers: int) -> dict:
    from pressdiff import runner
    from pressdiff.store import Store

    db = path.with_name(f"ingest-{n}-{workers}.db")
    db.unlink(missing_ok=True)
    cluster = runner.Cluster(workers=workers or None)
    extra: dict = {}

    def go():
        with Store(db) as store:
            for article, _rejection in runner.prepared([str(path)], cluster):
                if article is not None:
                    store.add([article])
            return {"stored": len(store), "db_mb": round(db.stat().st_size / 2**20)}

    if workers:
        # The cluster's start (and each worker loading the models) is timed apart.
        from pressdiff import distributed

        t = time.perf_counter()
        with distributed.connect(workers) as client:
            extra["cluster_start_s"] = round(time.perf_counter() - t, 1)
            cluster = runner.Cluster(scheduler=client.scheduler.address)
            row = _on_workers(client, lambda: _measure(go))
    else:
        row = _measure(go)
    return row | extra | {"per_s_wall": round(n / row["wall_s"]), "peak_mb": _peak_mb()}


def stage_assign(path: Path, n: int, workers: int) -> dict:
    """Ingest with story assignment, as ``pressdiff ingest`` does; scored against the truth."""
    from pressdiff import runner
    from pressdiff.store import Store
    from pressdiff.stories import StoryAssigner

    db = path.with_name(f"assign-{n}.db")
    db.unlink(missing_ok=True)

    def go():
        with Store(db) as store:
            read = runner.prepared([str(path)], runner.Cluster())
            for _ in StoryAssigner(store).add(a for a, _rejection in read if a is not None):
                pass  # stored, and into stories a batch at a time, as `pressdiff ingest` does
            return {"stored": len(store), "stories": len(store.stories())}

    row = _measure(go)
    with Store(db) as store:
        found = {i: s.id for s in store.stories() for i in s.input_ids}
    truth = {}
    for line in path.open(encoding="utf-8"):
        x = json.loads(line)
        truth[x["id"]] = x["story"]
    return (
        row
        | {"per_s_wall": round(n / row["wall_s"]), "peak_mb": _peak_mb()}
        | _bcubed(found, truth)
    )


def _bcubed(found: dict[str, str], truth: dict[str, str]) -> dict:
    """BCubed precision, recall and F1 of the stored articles' stories (by input id)."""
    ids = [i for i in found if i in truth]
    by_found, by_truth = defaultdict(set), defaultdict(set)
    for i in ids:
        by_found[found[i]].add(i)
        by_truth[truth[i]].add(i)
    p = sum(len(by_found[found[i]] & by_truth[truth[i]]) / len(by_found[found[i]]) for i in ids)
    r = sum(len(by_found[found[i]] & by_truth[truth[i]]) / len(by_truth[truth[i]]) for i in ids)
    p, r = p / len(ids), r / len(ids)
    return {
        "bcubed_p": round(p, 3),
        "bcubed_r": round(r, 3),
        "bcubed_f1": round(2 * p * r / (p + r), 3),
        "true_stories": len(by_truth),
    }


def _shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))}


def stage_minhash(path: Path, n: int, workers: int) -> dict:
    from datasketch import MinHash, MinHashLSH

    lines = [json.loads(line) for line in path.open(encoding="utf-8")]

    def go():
        lsh = MinHashLSH(threshold=0.8, num_perm=128)
        hashes = MinHash.bulk((_shingles(x["text"]) for x in lines), num_perm=128)
        for x, h in zip(lines, hashes, strict=True):
            lsh.insert(x["id"], h)
        found = {x["id"]: set(lsh.query(h)) - {x["id"]} for x, h in zip(lines, hashes, strict=True)}
        return {"candidates": found}

    row = _measure(go)
    found = row.pop("candidates")
    body = {x["id"]: x["body"] for x in lines}
    copies = defaultdict(int)
    for x in lines:
        copies[x["body"]] += 1
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pairs = right = 0
    for x in lines:
        if copies[x["body"]] > 1:
            hit = any(body[c] == x["body"] for c in found[x["id"]])
            recall[x["kind"]][0] += hit
            recall[x["kind"]][1] += 1
        pairs += len(found[x["id"]])
        right += sum(body[c] == x["body"] for c in found[x["id"]])
    return row | {
        "per_s_wall": round(n / row["wall_s"]),
        "peak_mb": _peak_mb(),
        "recall_by_kind": {k: round(h / t, 3) for k, (h, t) in sorted(recall.items())},
        "pair_precision_same_body": round(right / pairs, 3) if pairs else None,
    }


def _sample_articles(corpus: Path, n: int):
    """The first ``n`` distinct articles of the corpus, cleaned (every 50th line, for variety)."""
    from pressdiff import pipeline

    with corpus.open(encoding="utf-8") as f:
        lines = list(islice(islice(f, 0, None, 50), n))
    tmp = Path(tempfile.mkdtemp()) / "sample.jsonl"
    tmp.write_text("".join(lines), encoding="utf-8")
    articles, _ = pipeline.load([str(tmp)])
    return articles


def _annotate_batch(articles) -> int:
    from pressdiff.annotate import annotate

    return sum(len(a.sentences) for a in annotate(articles))


def stage_annotate(corpus: Path, n: int, workers: int) -> dict:
    articles = _sample_articles(corpus, n)
    batches = [articles[i : i + 16] for i in range(0, len(articles), 16)]
    extra: dict = {}
    if workers:
        from pressdiff import distributed

        t = time.perf_counter()
        with distributed.connect(workers) as client:
            extra["cluster_start_s"] = round(time.perf_counter() - t, 1)

            def go():
                done = distributed.run_ordered(client, _annotate_batch, batches, 2 * workers, 120)
                return {"sentences": sum(r for _, r, _ in done)}

            row = _on_workers(client, lambda: _measure(go))
    else:
        _annotate_batch(_sample_articles(corpus, 1))  # load the model outside the timing
        row = _measure(lambda: {"sentences": sum(map(_annotate_batch, batches))})
    return (
        row
        | extra
        | {
            "articles": len(articles),
            "per_s_wall": round(len(articles) / row["wall_s"], 1),
            "peak_mb": _peak_mb(),
        }
    )


def _sample_stories(corpus: Path, n: int):
    """``n`` five-article stories: the first five distinct texts of ``n`` true stories."""
    from pressdiff import pipeline
    from pressdiff.model import Story

    chosen: dict[str, list[str]] = {}
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            x = json.loads(line)
            group = (
                chosen.setdefault(x["story"], [])
                if len(chosen) < n or x["story"] in chosen
                else None
            )
            if (
                group is not None
                and len(group) < 5
                and all(json.loads(g)["text"] != x["text"] for g in group)
            ):
                group.append(line)
            if len(chosen) == n and all(len(g) == 5 for g in chosen.values()):
                break
    tmp = Path(tempfile.mkdtemp()) / "stories.jsonl"
    tmp.write_text("".join(line for g in chosen.values() for line in g), encoding="utf-8")
    articles, _ = pipeline.load([str(tmp)])
    by_input = {a.input_id: a for a in articles}
    stories = [
        Story(name, [by_input[json.loads(line)["id"]].id for line in group])
        for name, group in chosen.items()
    ]
    return stories, articles


def stage_analyse(corpus: Path, n: int, workers: int) -> dict:
    from pressdiff import results, runner

    stories, articles = _sample_stories(corpus, n)
    out = Path(os.environ.get("PRESSDIFF_BENCH_OUT", tempfile.gettempdir()))
    extra: dict = {}
    if workers:
        from pressdiff import distributed

        t = time.perf_counter()
        with distributed.connect(workers) as client:
            extra["cluster_start_s"] = round(time.perf_counter() - t, 1)
            cluster = runner.Cluster(scheduler=client.scheduler.address)
            row = _on_workers(
                client,
                lambda: _measure(
                    lambda: {"records": runner.analyse_records(stories, articles, cluster)}
                ),
            )
    else:
        from pressdiff import nlp

        nlp.spacy_model(), nlp.embed(["warm-up"]), nlp.clear_caches()
        row = _measure(
            lambda: {"records": runner.analyse_records(stories, articles, runner.Cluster())}
        )
    records, failed = row.pop("records")
    (out / f"scale-analyse-{workers}.json").write_text(
        json.dumps([r.story for r in records], ensure_ascii=False), encoding="utf-8"
    )
    findings = sum(len(r.story["findings"]) for r in records)
    return (
        row
        | extra
        | {
            "stories": len(records),
            "failed": len(failed),
            "articles": len(articles),
            "findings": findings,
            "story_s": [r.seconds for r in records],
            "articles_per_s_wall": round(len(articles) / row["wall_s"], 2),
            "peak_mb": _peak_mb(),
            "version": results.analysis_version(),
        }
    )


def _compare(work: Path, n: int) -> None:
    out = Path(os.environ.get("PRESSDIFF_BENCH_OUT", tempfile.gettempdir()))
    analysed = [out / f"scale-analyse-{workers}.json" for workers in (0, 2)]
    if all(p.exists() for p in analysed):
        same = analysed[0].read_bytes() == analysed[1].read_bytes()
        print(json.dumps({"analyse_identical": same}))
    import sqlite3

    rows = []
    for workers in (0, 2):
        if not (work / f"ingest-{n}-{workers}.db").exists():
            return
        db = sqlite3.connect(work / f"ingest-{n}-{workers}.db")
        rows.append(
            db.execute(
                "SELECT id, source, outlet, published, input_id, text, original, removed "
                "FROM articles ORDER BY rowid"
            ).fetchall()
        )
    print(json.dumps({"ingest_identical": rows[0] == rows[1], "articles": len(rows[0])}))


STAGES = {
    "clean": stage_clean,
    "ingest": stage_ingest,
    "assign": stage_assign,
    "minhash": stage_minhash,
    "annotate": stage_annotate,
    "analyse": stage_analyse,
}

if __name__ == "__main__":
    main()
