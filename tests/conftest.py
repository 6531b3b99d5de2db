"""Shared fixtures: the real example story, the shipped invented one, the benchmark data."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressdiff.annotate import annotate
from pressdiff.cli import app
from pressdiff.model import Article
from pressdiff.pipeline import load

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "examples" / "rust-interview"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the browser tests drive it
HARBOR = ROOT / "examples" / "harbor-fire"
DATA = SHARED / "data"

_cli = CliRunner()


@pytest.fixture(scope="session")
def example_dir() -> Path:
    if not EXAMPLE.is_dir():
        pytest.fail(f"the example story is missing: {EXAMPLE} (../shared must sit beside the repo)")
    return EXAMPLE


@pytest.fixture(scope="session")
def example_paths(example_dir: Path) -> list[Path]:
    return sorted(example_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def example_line(example_dir: Path) -> Callable[[str, str], str]:
    """``example_line("004", "radio interview")``: the stripped line of an example article
    (chosen by file prefix) that contains the words — real text, never retyped."""

    def line(prefix: str, contains: str) -> str:
        text = next(example_dir.glob(f"{prefix}_*.txt")).read_text()
        return next(ln.strip() for ln in text.splitlines() if contains in ln)

    return line


@pytest.fixture(scope="session")
def harbor() -> dict[str, Article]:
    """The shipped harbor-fire example, cleaned and parsed, by file prefix (01 … 04).

    ``examples/harbor-fire.md`` lists the distortions planted in 04.
    """
    articles, rejected = load([str(p) for p in sorted(HARBOR.glob("*.txt"))])
    assert not rejected and len(articles) == 4
    annotate(articles)
    return {Path(a.source).name[:2]: a for a in articles}


# As root every file is readable; dropping these two capabilities from the
# bounding set (which bounds what root's exec'd process gets) makes file
# permissions apply to a root process too, with the same user and files.
_DROP_FILE_CAPS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
_DROP_FILE_CAPS += ["--inh-caps", "-dac_override,-dac_read_search"]


@pytest.fixture(scope="session")
def unprivileged(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A command prefix under which file permissions apply (empty when not root).

    Skips the test where that cannot be had (root without setpriv, or a
    container that refuses it), found by trying to read a chmod-000 file.
    """
    prefix = _DROP_FILE_CAPS if os.geteuid() == 0 else []
    probe = tmp_path_factory.mktemp("privileges") / "secret.txt"
    probe.write_text("secret")
    probe.chmod(0)
    try:
        applies = subprocess.run([*prefix, "cat", str(probe)], capture_output=True).returncode != 0
    except OSError:
        applies = False
    if not applies:
        pytest.skip("cannot make file permissions apply to a child process here")
    return prefix


@pytest.fixture(scope="session")
def plain_json(example_dir: Path) -> str:
    """Today's report of the example, analysed in memory without a database."""
    result = _cli.invoke(app, ["analyze", str(example_dir), "-f", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="session")
def analysed_db(example_dir: Path, tmp_path_factory) -> tuple[Path, str]:
    """A database of the example whose one story was analysed by `analyze --db`, and its JSON."""
    db = tmp_path_factory.mktemp("stored") / "news.db"
    assert _cli.invoke(app, ["ingest", str(example_dir), "--db", str(db)]).exit_code == 0
    result = _cli.invoke(app, ["analyze", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "1 missing" in result.stderr and "analysed 1, kept 0 stored" in result.stderr
    return db, result.stdout


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium for the browser tests; on CI its absence fails them, not skips."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium (Debian) to run this test"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def serve_http() -> Iterator[Callable[[ThreadingHTTPServer], str]]:
    """``serve_http(server)`` runs a local HTTP server (bound to 127.0.0.1, port 0) in a
    thread and gives its base URL; every server started is shut down with the module."""
    started: list[ThreadingHTTPServer] = []

    def serve(server: ThreadingHTTPServer) -> str:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in started:
        server.shutdown()
        server.server_close()
