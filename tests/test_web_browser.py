"""The web app in a real browser: Debian's Chromium driven by Playwright, against a real
``pressdiff serve`` on a free local port.

One journey, as a user would take it: add the five example articles through
the form, watch the analysis progress, stop the server in the middle of the
analysis and start it again (nothing stored is lost, the analysis resumes),
open the story, see the findings highlighted, hover one to light its
evidence and click it for the evidence card, take a screenshot; then try to
inject script through the same browser; then the token check of a server
started with ``--token``.  Any JavaScript dialog (an ``alert`` that ran) or
Content-Security-Policy violation fails the test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANALYSIS_S = 600  # two shared CPU cores, models loaded twice (once per server start)
MARK = "document.documentElement.dataset.pwned = 1"
PAYLOADS = (
    f"<script>{MARK}; alert(1)</script>",
    f'<img src=x onerror="{MARK}; alert(1)">',
    f'<a href="javascript:{MARK}">read more</a>',
)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``pressdiff serve`` as a subprocess; ``kill()`` is a SIGKILL, as a crash would be."""

    def __init__(self, db: Path, port: int, *extra: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-m", "pressdiff.cli", "serve", "--db", str(db)]
        self.proc = subprocess.Popen(
            [*command, "--port", str(port), *extra], env=env, start_new_session=True
        )
        headers = {"authorization": f"Bearer {extra[-1]}"} if "--token" in extra else {}
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, "pressdiff serve exited"
            try:
                if httpx.get(f"{self.url}/healthz", headers=headers).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "pressdiff serve did not come up"
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records dialogs (dismissed) and CSP violations."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.dialogs = []
    page.violations = []

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


def test_add_watch_restart_explore_and_attack(page, example_paths, tmp_path) -> None:
    db, port = tmp_path / "web.db", _free_port()
    server = Server(db, port)
    try:
        # Add the five articles through the form, and watch the progress.
        page.goto(f"{server.url}/add")
        page.set_input_files("input[name=files]", [str(p) for p in example_paths])
        page.click("form.add button[type=submit]")
        page.wait_for_url("**/batches/*")
        assert page.locator("ul.stored li").count() == 5
        assert "Every input was read." in page.inner_text("section.rejected")
        stage = page.locator("ul.progress li .stage").first
        page.wait_for_function(
            "() => document.querySelector('ul.progress li')?.dataset.state === 'running'",
            timeout=120_000,
        )
        seen = stage.inner_text()
        assert seen not in ("queued", "done"), seen

        # Stop the server mid-analysis: the articles and the queued analysis survive.
        server.kill()
        with sqlite3.connect(db) as check:
            assert check.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
            (story_id,) = check.execute("SELECT story_id FROM analysis_queue").fetchone()
        server = Server(db, port)

        # The story page waits for the resumed analysis, then shows the comparison.
        page.goto(f"{server.url}/")
        page.click(f"a[href='/stories/{story_id}']")
        page.wait_for_selector("mark.hl", timeout=ANALYSIS_S * 1000)
        marks = page.locator("mark.hl")
        assert marks.count() >= 5
        kinds = page.eval_on_selector_all("mark.hl", "els => els.map(e => e.className)")
        assert any("k-altered_quote" in k for k in kinds), kinds
        assert any("k-contradiction" in k for k in kinds), kinds

        # Hover a finding whose evidence is in another article: the evidence lights up;
        # a click opens its card with the evidence quoted.
        index = page.evaluate(
            """() => [...document.querySelectorAll("mark.hl")].findIndex((mark) =>
                 document.querySelector(`.ev[data-e~="${mark.dataset.f.split(" ")[0]}"]`))"""
        )
        assert index >= 0, "no highlighted finding cites evidence in another article"
        target = marks.nth(index)
        finding = target.get_attribute("data-f").split()[0]
        target.scroll_into_view_if_needed()
        target.hover()
        lit = page.locator(f".ev.active[data-e~='{finding}']")
        assert lit.count() >= 1
        target.click()
        popover = page.locator("#pd-pop")
        assert popover.is_visible()
        assert popover.locator(".evidence blockquote").count() >= 1
        evidence_text = popover.locator(".evidence blockquote").first.inner_text()
        assert evidence_text.strip() and evidence_text.strip()[:30] in page.inner_text(".cols")
        shot = tmp_path / "story.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 50_000

        # An XSS attempt through the same browser: hostile text, title and outlet pasted in
        # the form, and a javascript: URL sent to the API.
        page.goto(f"{server.url}/add")
        text = (
            "Alec Baldwin told ABC News in a television interview that he never pulled the "
            "trigger of the revolver that killed cinematographer Halyna Hutchins on the set "
            "of Rust. " + " ".join(PAYLOADS) + " He said he was rehearsing a scene when the gun "
            "went off, and that he did not know how a live bullet came to be in it."
        )
        page.fill("textarea[name=text]", text)
        page.fill("input[name=outlet]", PAYLOADS[1])
        page.fill("input[name=title]", PAYLOADS[0])
        page.click("form.add button[type=submit]")
        page.wait_for_url("**/batches/*")
        hostile = page.locator("ul.stored li a").first.get_attribute("href")
        api = page.request.post(
            f"{server.url}/api/v1/articles",
            data={"articles": [{"text": text + " Again.", "url": f"javascript:{MARK}"}]},
        )
        assert api.status == 201
        linked = api.json()["articles"][0]["id"]
        for path in ("/", hostile, f"/articles/{linked}", "/?q=baldwin"):
            page.goto(f"{server.url}{path}")
            page.wait_for_load_state("load")
            for link in page.locator("a").all():
                if (link.get_attribute("href") or "").startswith("javascript:"):
                    pytest.fail(f"a javascript: link on {path}")
            assert page.evaluate("document.documentElement.dataset.pwned") is None, path
            if path == hostile:  # the payloads are on screen, as text
                shown = page.inner_text("body")
                assert all(payload in shown for payload in PAYLOADS), shown
        assert page.dialogs == []
        assert page.violations == []
    finally:
        server.kill()


def test_token_is_checked_in_the_browser(page, tmp_path) -> None:
    server = Server(tmp_path / "web.db", _free_port(), "--token", "browser-s3cret")
    try:
        answer = page.goto(f"{server.url}/")
        assert answer.status == 401 and "token is required" in page.inner_text("body")
        assert page.goto(f"{server.url}/add?token=wrong").status == 401
        answer = page.goto(f"{server.url}/add?token=browser-s3cret")
        assert answer.status == 200 and page.url == f"{server.url}/add"
        assert page.goto(f"{server.url}/").status == 200  # the cookie carries it on
        assert page.locator("form.search").count() == 1
        assert page.request.get(f"{server.url}/api/v1/stories").status == 200
        assert httpx.get(f"{server.url}/api/v1/stories").status_code == 401
    finally:
        server.kill()
