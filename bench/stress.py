"""Stress benchmark: pathological inputs beside ordinary news of the same size (issue 17).

    .venv/bin/python bench/stress.py [--only NAME ...]

Each case runs ``pressdiff analyze`` (JSON out) in a fresh process on the
example's first article plus the input, and reports wall seconds and peak
memory (maximum resident set of the process, models included) beside the
same command on FNC-1 news bodies of the same size in characters, measured
in the same run.  What happened to the input is printed too: analysed, or
rejected and why (a limit, see ``src/pressdiff/limits.py``).

Cases:

* ``lines-20k`` / ``lines-200k``: issue 17's reproducer, 20,000 and 200,000
  random short lines ("a", "b.", "ok", "Hi", "x y");
* ``article-20mb``: one 20 MB plain-text article (FNC-1 bodies repeated);
* ``tiny-1000``: 1,000 tiny articles in one JSON Lines file;
* ``quotes-10k``: one article of 10,000 attributed quotes.

The baseline for ``tiny-1000`` is FNC-1 bodies of the same total size, for
the others one article of concatenated FNC-1 bodies of the same size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "rust-interview"
FNC1 = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"


def _bodies() -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with FNC1.open(encoding="utf-8", newline="") as f:
        return [row["articleBody"] for row in csv.DictReader(f)]


def _news(size: int) -> str:
    """FNC-1 bodies joined by blank lines (repeated when needed) to ``size`` characters."""
    bodies, out, total = _bodies(), [], 0
    while total < size:
        body = bodies[len(out) % len(bodies)]
        out.append(body)
        total += len(body) + 2
    return "\n\n".join(out)[:size]


def _lines(n: int) -> str:
    rng = random.Random(17)
    return "\n".join(rng.choice(["a", "b.", "ok", "Hi", "x y"]) for _ in range(n))


def _quotes(n: int) -> str:
    rng = random.Random(17)
    names = ["Baldwin", "Hutchins", "Souza", "the sheriff", "a spokesman", "she", "he"]
    return "\n".join(f"“I saw number {i} on the set,” {rng.choice(names)} said." for i in range(n))


def _tiny_jsonl(n: int) -> str:
    return "".join(json.dumps({"id": str(i), "text": f"Item {i} was ok."}) + "\n" for i in range(n))


def _news_jsonl(size: int) -> str:
    out, total = [], 0
    for body in _bodies():
        if total >= size:
            break
        line = json.dumps({"text": body}) + "\n"
        out.append(line)
        total += len(body)
    return "".join(out)


# name -> (file name, its text, baseline file name, the baseline's text)
Case = tuple[str, Callable[[], str], str, Callable[[int], str]]
CASES: dict[str, Case] = {
    "lines-20k": ("lines.txt", lambda: _lines(20_000), "news.txt", _news),
    "lines-200k": ("lines.txt", lambda: _lines(200_000), "news.txt", _news),
    "article-20mb": ("big.txt", lambda: _news(20_000_000), "news.txt", _news),
    "tiny-1000": ("tiny.jsonl", lambda: _tiny_jsonl(1_000), "news.jsonl", _news_jsonl),
    "quotes-10k": ("quotes.txt", lambda: _quotes(10_000), "news.txt", _news),
}


def run(paths: list[Path], out: Path, limit: float) -> dict[str, object]:
    """One ``pressdiff analyze`` process: seconds, peak memory, what it made of the input.

    A process still running after ``limit`` seconds is killed, and reported so.
    """
    command = [sys.executable, "-m", "pressdiff.cli", "analyze", *map(str, paths)]
    start = time.monotonic()
    process = subprocess.Popen([*command, "-f", "json", "-o", str(out)], stderr=subprocess.PIPE)
    timer = threading.Timer(limit, process.kill)
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    seconds = time.monotonic() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    report = json.loads(out.read_text()) if out.exists() else {"articles": [], "rejected": []}
    rejected = [r["reason"] for r in report["rejected"]]
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
        "articles": len(report["articles"]),
        "rejected": rejected,
        "stderr": stderr.strip().splitlines()[-1:] if not out.exists() else [],
    }


def _outcome(r: dict[str, object]) -> str:
    if r["exit"] == -9:
        return "killed: did not finish in the time limit"
    rejected = r["rejected"]
    first = f"; {len(rejected)} rejected: {rejected[0]}" if rejected else ""  # type: ignore[index]
    return f"{r['articles']} analysed{first}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=list(CASES), help="run only these cases")
    parser.add_argument(
        "--limit", type=float, default=1800, help="seconds before a run is killed (default 1800)"
    )
    args = parser.parse_args()
    anchor = sorted(EXAMPLE.glob("*.txt"))[0]
    print("| case | input | seconds | peak MB | outcome | news of the same size: seconds | "
          "peak MB | outcome |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name in args.only or CASES:
        file_name, make, base_name, make_base = CASES[name]
        with tempfile.TemporaryDirectory() as folder:
            path, base = Path(folder, file_name), Path(folder, base_name)
            text = make()
            path.write_text(text, encoding="utf-8")
            base.write_text(make_base(len(text)), encoding="utf-8")
            stress = run([anchor, path], Path(folder, "stress.json"), args.limit)
            normal = run([anchor, base], Path(folder, "news.json"), args.limit)
        size = f"{len(text):,} chars, {text.count(chr(10)) + 1:,} lines"
        print(f"| {name} | {size} | {stress['seconds']:.1f} | {stress['peak_mb']:.0f} | "
              f"{_outcome(stress)} | {normal['seconds']:.1f} | {normal['peak_mb']:.0f} | "
              f"{_outcome(normal)} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
