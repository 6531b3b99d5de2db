"""The HTML report with 100 stories: render time, page size and browser load time.

100 FNC-1 stories of two short bodies each (real text, grouped by `analyze`'s
own story stage, then analysed) rendered as one page, beside one of those
stories rendered alone in the same run.  The browser time is headless
Chromium (`/usr/bin/chromium`) loading the file and printing its DOM once the
page's script has run.

    PYTHONPATH=src .venv/bin/python bench/stories_html.py [--stories 100]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuse_generate import load_stories

from pressdiff import pipeline
from pressdiff.model import Article
from pressdiff.report import render_html

CHROMIUM = "/usr/bin/chromium"


def _load_seconds(page: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    args = parser.parse_args()
    bodies, groups = load_stories()
    articles = []
    for group in groups:
        short = [b for b in group if 600 < len(bodies[b]) < 1500][:2]
        if len(short) == 2:
            articles += [
                Article(id=f"b{b}", source=f"fnc1:{b}", outlet=f"outlet {b}", text=bodies[b],
                        original=bodies[b], input_id=str(b))
                for b in short
            ]  # fmt: skip
        if len(articles) == 2 * args.stories:
            break
    started = time.perf_counter()
    report = pipeline.analyse(articles, [])
    analysed = time.perf_counter() - started
    one = replace(report, stories=report.stories[:1])
    with tempfile.TemporaryDirectory() as folder:
        pages = {}
        for name, rep in (("all", report), ("one", one)):
            started = time.perf_counter()
            html = render_html(rep)
            took = time.perf_counter() - started
            page = Path(folder) / f"{name}.html"
            page.write_text(html, encoding="utf-8")
            pages[name] = (took, len(html.encode()), _load_seconds(page))
    n = len(report.stories)
    print(f"{len(articles)} articles in {n} stories (analysed in {analysed:.0f} s)")
    for name, (took, size, load) in pages.items():
        label = f"{n} stories" if name == "all" else "1 story"
        print(f"{label}: render {took:.2f} s, {size / 1e6:.2f} MB, Chromium load {load:.2f} s")


if __name__ == "__main__":
    main()
