"""Load check of the web app's HTTP API: concurrent reads and writes for a bounded time.

    .venv/bin/python bench/web_load.py [--seconds 20] [--clients 8] [--writes 0.2] \
        [--seed-articles 200]

A real uvicorn server (the app of ``pressdiff serve``) runs in a subprocess
over a fresh SQLite file, seeded with FNC-1 train bodies through the API.
Then, each phase for ``--seconds`` with ``--clients`` threads each keeping
one connection:

* baseline: ``GET /healthz``, which touches neither the store nor a
  template: the cost of the HTTP stack, the guard middleware and the client;
* mixed: ``GET /api/v1/stories``, ``GET /api/v1/articles/{id}`` (a random
  stored article) and, with probability ``--writes``, ``POST
  /api/v1/articles`` with one new FNC-1 body.

Prints requests/s, p50 and p95 latency and errors per phase and per request
kind; errors (any status other than the expected one, or a transport error)
must be 0, and the script exits 1 if not.  The server's background analysis
is off: this measures the HTTP API and the store, not the analyses (whose
speed bench/bench_pipeline.py measures); with it on, every write would queue
an analysis of the grown story and the figures would be the analysis's.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
FNC1 = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
SERVER = """
import sys, uvicorn
from pathlib import Path
from pressdiff.web import Settings, create_app
app = create_app(Settings(db=Path(sys.argv[1]), analyse_in_background=False))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def bodies() -> list[str]:
    csv.field_size_limit(10**8)
    with FNC1.open(encoding="utf-8", newline="") as f:
        return [row["articleBody"] for row in csv.DictReader(f) if len(row["articleBody"]) > 400]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


Request = Callable[[httpx.Client, random.Random], tuple[str, httpx.Response, int]]


def run_phase(url: str, clients: int, seconds: float, request: Request) -> dict[str, list]:
    """Each client thread sends requests until the time is up; returns, per request kind,
    the latencies (s) of good answers and the count of errors (as a list of messages)."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    kind, answer, expected = request(http, rng)
                    ok = answer.status_code == expected
                    problem = f"HTTP {answer.status_code}: {answer.text[:200]}"
                except httpx.HTTPError as error:
                    kind, ok, problem = "transport", False, repr(error)
                elapsed = time.perf_counter() - start
                with lock:
                    (latencies[kind].append(elapsed) if ok else errors[kind].append(problem))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors}


def report(name: str, result: dict, seconds: float) -> int:
    kinds = sorted(set(result["latencies"]) | set(result["errors"]))
    every = [x for k in kinds for x in result["latencies"][k]]
    failed = sum(len(result["errors"][k]) for k in kinds)
    rows = [(name, every, failed)] + [
        (f"  {k}", result["latencies"][k], len(result["errors"][k]))
        for k in kinds
        if len(kinds) > 1
    ]
    for label, lat, err in rows:
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p95 = statistics.quantiles(lat, n=20)[-1] * 1000 if len(lat) >= 20 else float("nan")
        print(
            f"| {label:<24} | {len(lat) + err:>7} | {(len(lat) + err) / seconds:>8.1f} | "
            f"{p50:>8.1f} | {p95:>8.1f} | {err:>6} |"
        )
    for k in kinds:
        for message in result["errors"][k][:3]:
            print(f"    error ({k}): {message}", file=sys.stderr)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--writes", type=float, default=0.2, help="share of mixed requests")
    parser.add_argument("--seed-articles", type=int, default=200)
    args = parser.parse_args()

    texts = bodies()
    seed, fresh = texts[: args.seed_articles], iter(texts[args.seed_articles :])
    fresh_lock = threading.Lock()
    with tempfile.TemporaryDirectory() as folder:
        proc, url = start_server(Path(folder) / "load.db")
        try:
            with httpx.Client(base_url=url, timeout=120) as http:
                for start in range(0, len(seed), 50):
                    batch = [{"text": t} for t in seed[start : start + 50]]
                    answer = http.post("/api/v1/articles", json={"articles": batch})
                    answer.raise_for_status()
                stories: list[dict] = []
                while len(stories) < (total := http.get("/api/v1/stories?limit=1").json()["total"]):
                    page = http.get(f"/api/v1/stories?limit=100&offset={len(stories)}").json()
                    stories += page["stories"]
            ids = [i for s in stories for i in s["article_ids"]]
            print(
                f"server: {url}, {len(ids)} articles in {total} stories; {args.clients} clients, "
                f"{args.seconds:g} s per phase, {args.writes:.0%} writes in the mixed phase\n"
            )

            def health(http: httpx.Client, _rng: random.Random):
                return "GET /healthz", http.get("/healthz"), 200

            def mixed(http: httpx.Client, rng: random.Random):
                if rng.random() < args.writes:
                    with fresh_lock:
                        text = next(fresh)
                    answer = http.post("/api/v1/articles", json={"articles": [{"text": text}]})
                    return "POST /api/v1/articles", answer, 201
                if rng.random() < 0.5:
                    return "GET /api/v1/stories", http.get("/api/v1/stories"), 200
                answer = http.get(f"/api/v1/articles/{rng.choice(ids)}")
                return "GET /api/v1/articles/{id}", answer, 200

            print(
                "| phase / request          | requests |    req/s | p50 (ms) | p95 (ms) | errors |"
            )
            print(
                "| ------------------------ | -------: | -------: | -------: | -------: | -----: |"
            )
            failed = report(
                "baseline: healthz",
                run_phase(url, args.clients, args.seconds, health),
                args.seconds,
            )
            failed += report(
                "mixed API", run_phase(url, args.clients, args.seconds, mixed), args.seconds
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    if failed:
        raise SystemExit(f"{failed} errors")


if __name__ == "__main__":
    main()
