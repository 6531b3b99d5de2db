"""The web app under a real uvicorn server: concurrent adds, a client that hangs up mid-upload,
and ``pressdiff serve``'s bind rule.

The server runs in this process's thread over a real SQLite file, with the
background analysis off (these tests are about storing, not analysing).
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from pressdiff.cli import app as cli
from pressdiff.store import Store
from pressdiff.web import Settings, create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "web.db"
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(db=db, analyse_in_background=False)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not runner.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    runner.should_exit = True
    thread.join(timeout=10)


def _variants(example_paths: list[Path], n: int, tag: str) -> list[str]:
    """``n`` distinct real articles: the example texts with a numbered last line."""
    texts = [p.read_text(encoding="utf-8") for p in example_paths]
    return [f"{texts[i % len(texts)]}\nUpdate {tag}-{i}: the story was updated." for i in range(n)]


def test_two_clients_adding_at_once_lose_nothing(server, example_paths) -> None:
    url, db = server
    texts = {tag: _variants(example_paths, 12, tag) for tag in ("tab1", "tab2")}
    stored: dict[str, list[str]] = {}
    errors: list[str] = []

    def add_all(tag: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            ids = []
            for text in texts[tag]:
                answer = client.post("/api/v1/articles", json={"articles": [{"text": text}]})
                if answer.status_code != 201:
                    errors.append(answer.text)
                ids += [a["id"] for a in answer.json()["articles"]]
            stored[tag] = ids

    threads = [threading.Thread(target=add_all, args=(tag,)) for tag in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    with Store(db) as store:
        assert {a.id for a in store.articles()} == set(stored["tab1"]) | set(stored["tab2"])
        assert len(store) == 24


def test_client_hanging_up_mid_upload_leaves_the_store_consistent(server, example_paths) -> None:
    url, db = server
    port = int(url.rsplit(":", 1)[1])
    boundary = "pd-boundary"
    part = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="000.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode() + example_paths[0].read_bytes()
    head = (
        "POST /api/v1/articles HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(part) + 100_000}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + part)  # a whole file part, then the client is gone
        time.sleep(0.5)
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/api/v1/stories").json()["total"] == 0
        files = [("files", ("000.txt", example_paths[0].read_bytes(), "text/plain"))]
        assert client.post("/api/v1/articles", files=files).status_code == 201
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_serve_refuses_other_addresses_without_token(tmp_path: Path, host: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db"), "--host", host])
    assert result.exit_code == 2
    assert f"refusing to listen on {host} without --token" in result.output
    assert not (tmp_path / "x.db").exists()


def test_serve_reports_an_unusable_database_in_words(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a database at all, just some words in a file\n" * 100)
    result = CliRunner().invoke(cli, ["serve", "--db", str(bad)])
    assert result.exit_code == 2
    assert "notes.db" in result.output and "Traceback" not in result.output
