"""The HTML report in a real browser: Debian's headless Chromium.

The parser-level checks in ``test_report.py`` say what the markup *is*; this
says what a browser *does* with it: the page's own script runs under its
Content-Security-Policy, the highlights are in the live DOM, and hostile
article text executes nothing.  The hostile payloads both call ``alert`` and
write a marker into the DOM, so if either ever ran, the dumped DOM shows it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import struct
import subprocess
from pathlib import Path

import pytest

from pressdiff import pipeline
from pressdiff.report import render_html

pytestmark = pytest.mark.slow

TIMEOUT_S = 60
MARK = "document.documentElement.setAttribute('data-pwned', 1)"
PAYLOADS = (
    f"<script>alert(1);{MARK}</script>",
    f'<img src=x onerror="alert(1);{MARK}">',
    f'<svg onload="alert(1);{MARK}"></svg>',
)
HOSTILE = {
    "text": (
        "Alec Baldwin told ABC News in a television interview that he never pulled the trigger "
        "of the revolver that killed cinematographer Halyna Hutchins on the set of Rust. "
        + " ".join(PAYLOADS)
        + " He said he was rehearsing a scene when the gun went off, and that he did not know "
        "how a live bullet came to be in it. Investigators in New Mexico are still looking "
        "into how the ammunition reached the set."
    ),
    "title": PAYLOADS[0],
    "outlet": PAYLOADS[1],
    "url": "javascript:alert(1)",
}


@pytest.fixture(scope="module")
def page(example_paths: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    articles, rejected = pipeline.load([*map(str, example_paths), str(hostile)])
    assert any(a.outlet == HOSTILE["outlet"] for a in articles), "hostile input was not read"
    out = folder / "report.html"
    out.write_text(
        render_html(pipeline.analyse(articles, rejected, one_story=True)), encoding="utf-8"
    )
    return out


def _chromium(chromium: Path, tmp: Path, *args: str) -> str:
    """One headless run, isolated from the network and from any profile; returns stdout.

    A JavaScript dialog blocks a headless page for good, so an ``alert`` that
    fires shows up as a run that never ends: that is reported as executed
    markup, after killing the whole browser process group.
    """
    command = [
        str(chromium),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"Chromium hung for {TIMEOUT_S} s: a dialog (alert) probably opened")
    assert proc.returncode == 0, err[-2000:]
    return out


def test_dom_has_highlights_and_no_injected_element(
    chromium: Path, page: Path, tmp_path: Path
) -> None:
    dom = _chromium(chromium, tmp_path, "--dump-dom", page.as_uri())
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag, dom[:500]
    assert 'class="js"' in html_tag.group(0), "the page's own script did not run (CSP hash?)"
    assert "data-pwned" not in html_tag.group(0), "hostile markup executed"
    assert len(re.findall(r'<mark class="hl k-', dom)) > 0
    assert "<img" not in dom
    # The only SVG is the provenance graph the report draws; the hostile <svg onload> is text.
    assert all("Provenance graph" in tag for tag in re.findall(r"<svg[^>]*>", dom))
    assert "&lt;svg onload=" in dom
    assert len(re.findall(r"<script", dom)) == 1
    assert "&lt;script&gt;alert(1);" in dom and "&lt;img src=x onerror=" in dom
    # The strongest reuse pair is chosen on load: its passages are lit and numbered in
    # both articles' columns, and only that pair's.
    lit: dict[str, set[str]] = {}
    for column in re.split(r'<article class="col', dom)[1:]:
        col = re.search(r'data-col="(\d+)"', column)
        for tag in re.findall(r"<(?:mark|span) [^>]*>", column):
            if re.search(r'class="[^"]*\bpp\b', tag):
                ids = re.search(r'data-p="([^"]*)"', tag)
                lit.setdefault(col.group(1), set()).update(ids.group(1).split() if ids else ())
    assert len(lit) == 2, f"passages lit in columns {sorted(lit)}, expected one pair"
    assert set.intersection(*lit.values()), "no passage is lit on both sides"
    assert len(re.findall(r'class="col[^"]*\bpair-[ab]\b', dom)) == 2
    assert re.search(r'class="[^"]*\bpp\b[^"]*"[^>]*data-n="1"', dom) or re.search(
        r'data-n="1"[^>]*class="[^"]*\bpp\b', dom
    )


def test_screenshot(chromium: Path, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1400, 1000)
    assert shot.stat().st_size > 50_000, "a near-empty screenshot: the page did not render"


def test_confidence_filter_hides_low_flags(chromium: Path, page: Path) -> None:
    """Moving the confidence bar hides exactly the finding cards below it, uncolours the
    highlights whose findings are all hidden, and moving it back shows everything again."""
    from playwright.sync_api import sync_playwright

    cards = ".finding[data-conf][id]"
    state = "cs => cs.map(c => [Number(c.dataset.conf), c.hidden])"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri())
            confs = [c for c, _ in tab.eval_on_selector_all(cards, state)]
            assert confs and min(confs) < max(confs), "needs mixed confidences"
            # The first step of the bar above the weakest finding hides it and keeps the strongest.
            bar = (int(min(confs) * 20) + 1) / 20
            assert bar <= max(confs)
            tab.locator("#pd-min-conf").fill(str(bar))
            after = tab.eval_on_selector_all(cards, state)
            assert all(hidden == (conf < bar) for conf, hidden in after)
            assert tab.inner_text("#pd-min-conf-value") == f"{bar:.2f}"
            low = tab.eval_on_selector_all("mark.hl.low", "ms => ms.length")
            coloured = tab.eval_on_selector_all("mark.hl:not(.low)", "ms => ms.length")
            assert low > 0 and coloured > 0
            tab.locator("#pd-min-conf").fill("0")
            assert not any(h for _, h in tab.eval_on_selector_all(cards, state))
            assert tab.eval_on_selector_all("mark.hl.low", "ms => ms.length") == 0
        finally:
            browser.close()
