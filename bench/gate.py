"""The benchmark gate: run the fast benchmarks and fail when a figure falls past its floor.

A rule change that helps one case can quietly cost another; this gate reruns the benchmarks
that take minutes, not hours, and compares every headline figure with the floor pinned in
``bench/gate_floors.json`` (the figures of ``bench/RESULTS.md``).  "At least" figures
(recall, F1, accuracy) must not drop; "at most" figures (false-alarm rates, flags in honest
articles) must not rise.  Exit status 1 names each figure that moved the wrong way.

    .venv/bin/python bench/gate.py                  # all benchmarks
    .venv/bin/python bench/gate.py --only polnear   # one of them
    .venv/bin/python bench/gate.py --pin            # rewrite the floors from this run
    .venv/bin/python bench/gate.py --save DIR       # keep the full outputs, to diff runs
    .venv/bin/python bench/gate.py --saved DIR      # judge outputs kept earlier

Pin only after a change that is meant to move a figure, and say why in the commit and in
``bench/RESULTS.md``.  The benchmarks are the splits they report on (PolNeAR dev, altered
copies of PolNeAR dev, Clough & Stevenson) plus the tuning split of the FNC-1 distortions
and the example story: a gate for regressions, not a new result.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
FLOORS = BENCH / "gate_floors.json"
EXAMPLE = ROOT.parent / "shared" / "examples" / "rust-interview"

Figures = dict[str, float]


def _number(pattern: str, text: str) -> float:
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        raise ValueError(f"no figure matching {pattern!r} in the benchmark's output")
    return float(m.group(1))


def _polnear(out: str) -> Figures:
    row = next(line for line in out.splitlines() if line.startswith("| pressdiff |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    return {
        "exact F1": float(cells[3]),
        "token F1": float(cells[6]),
        "speaker accuracy": float(cells[7].split()[0]),
        "pronoun-source accuracy": float(cells[8].split()[0]),
    }


def _altered(out: str) -> Figures:
    ours = out.split("baseline:")[0]
    figures: Figures = {}
    for line in ours.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 4 or not cells[1].isdigit():
            continue
        change, _, rate, precision = cells
        if precision == "–":
            figures[f"{change} false alarms"] = float(rate)
        else:
            figures[f"{change} recall"] = float(rate)
            figures[f"{change} precision"] = float(precision)
    return figures


def _clough(out: str) -> Figures:
    ours = out.split("## baseline")[0]
    return {
        "F1 reused vs not (LOTO)": _number(r"leave-one-task-out threshold\): F1 ([\d.]+)", ours),
        "4-way accuracy": _number(r"4-way accuracy: ([\d.]+)", ours),
        "order cut > light > heavy > non": float("ordering cut > light > heavy > non: yes" in ours),
    }


def _distorted(out: str) -> Figures:
    line = next(line for line in out.splitlines() if line.startswith("pressdiff "))
    return {
        "precision": _number(r"precision ([\d.]+)", line),
        "recall": _number(r"recall ([\d.]+)", line),
        "untouched false alarms": _number(r"untouched FA ([\d.]+)", line),
        "harmless false alarms": _number(r"harmless FA ([\d.]+)", line),
    }


def _example(out: str) -> Figures:
    """Counts of findings in the example story: 000-002 are honest, 003 and 004 rewrites."""
    report = json.loads(out)
    prefix = {a["id"]: Path(a["source"]).name[:3] for a in report["articles"]}
    findings = [f for story in report["stories"] for f in story["findings"]]

    def count(kinds: set[str], prefixes: set[str]) -> float:
        return float(
            sum(f["kind"] in kinds and prefix[f["article_id"]] in prefixes for f in findings)
        )

    honest, rewrites = {"000", "001", "002"}, {"003", "004"}
    return {
        "contradictions in honest 000-002": count({"contradiction"}, honest),
        "contradictions in rewrites 003-004": count({"contradiction"}, rewrites),
        "reuse flags in honest 000-002": count({"copied_passage", "spun_copy"}, honest),
        "spun_copy of 004": count({"spun_copy"}, {"004"}),
        "altered quotes in rewrites 003-004": count({"altered_quote"}, rewrites),
    }


# name -> (command, parser).  Commands run from the repository root with this Python.
BENCHMARKS: dict[str, tuple[list[str], Callable[[str], Figures]]] = {
    "polnear": (["bench/quotes_polnear.py", "--split", "dev"], _polnear),
    "altered": (["bench/quotes_altered.py", "--split", "dev", "--limit", "40"], _altered),
    "clough": (["bench/reuse_clough.py"], _clough),
    "distorted": (
        ["bench/claims_distorted.py", "--split", "tune", "--stories", "12", "--seed", "13"],
        _distorted,
    ),
    "example": (["-m", "pressdiff.cli", "analyze", str(EXAMPLE), "--format", "json"], _example),
}


def _direction(figure: str) -> str:
    """False alarms and flags in honest articles must not rise; every other figure not drop."""
    return "at most" if "false alarms" in figure or "honest" in figure else "at least"


def run(name: str, save: Path | None = None, saved: Path | None = None) -> tuple[Figures, float]:
    command, parse = BENCHMARKS[name]
    if saved is not None:
        return parse((saved / f"{name}.txt").read_text(encoding="utf-8")), 0.0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"{name}: the benchmark failed (exit {done.returncode})")
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{name}.txt").write_text(done.stdout, encoding="utf-8")
    return parse(done.stdout), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--pin", action="store_true", help="write this run's figures as floors")
    parser.add_argument("--save", type=Path, help="keep each benchmark's full output in DIR")
    parser.add_argument("--saved", type=Path, help="judge the outputs kept in DIR, run nothing")
    args = parser.parse_args()
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    failed: list[str] = []
    total = 0.0
    for name in args.only or list(BENCHMARKS):
        figures, seconds = run(name, args.save, args.saved)
        total += seconds
        print(f"## {name} ({seconds:.0f} s)")
        for figure, value in figures.items():
            floor = floors.get(name, {}).get(figure)
            if args.pin:
                direction = floor["direction"] if floor else _direction(figure)
                floors.setdefault(name, {})[figure] = {"direction": direction, "value": value}
                print(f"  {figure}: {value:g} (pinned, {direction})")
                continue
            if floor is None:
                failed.append(f"{name}: {figure} has no floor in {FLOORS.name}")
                continue
            worse = (
                value < floor["value"]
                if floor["direction"] == "at least"
                else value > floor["value"]
            )
            mark = "FAIL" if worse else "ok"
            print(f"  {mark:4} {figure}: {value:g} ({floor['direction']} {floor['value']:g})")
            if worse:
                failed.append(
                    f"{name}: {figure} {value:g}, floor {floor['direction']} {floor['value']:g}"
                )
    print(f"\n{total:.0f} s in all")
    if args.pin:
        FLOORS.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")
        return
    if failed:
        print("\n".join(["", "figures past their floors:", *failed]))
        raise SystemExit(1)
    print("every figure at or past its floor")


if __name__ == "__main__":
    main()
