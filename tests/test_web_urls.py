"""URL fetching for the add page: private, loopback and link-local addresses are refused,
also when a host name resolves to one and when a redirect leads to one.

A real HTTP server on 127.0.0.1 stands in for a site; with the default policy
it is itself off limits (that is the point), so the redirect test narrows the
policy to "127.0.0.1 only" and checks that the hop to 127.0.0.2 is refused
by the same connection-time guard.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pressdiff.model import RawDocument, Rejection
from pressdiff.web import Settings, create_app
from pressdiff.web.inputs import read_url
from pressdiff.web.security import CSRF_COOKIE, CSRF_FIELD
from pressdiff.web.urls import FetchError, fetch, is_public


@pytest.fixture(scope="module")
def site(example_paths: list[Path], serve_http) -> str:
    """A local site: /page is an article page, /hop redirects to 127.0.0.2."""
    text = example_paths[0].read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    page = f"<html><head><title>Interview</title></head><body><article>{paragraphs}</article>"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/hop":
                self.send_response(302)
                self.send_header("location", f"http://127.0.0.2:{self.server.server_port}/page")
                self.end_headers()
                return
            body = page.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return serve_http(ThreadingHTTPServer(("127.0.0.1", 0), Handler))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata, link-local
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # loopback dressed as IPv6
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_loopback_literal_and_name_are_refused(site: str) -> None:
    port = site.rsplit(":", 1)[1]
    for url in (f"{site}/page", f"http://localhost:{port}/page", f"http://[::1]:{port}/page"):
        with pytest.raises(FetchError, match="non-public address"):
            fetch(url, allowed=is_public, timeout=5, max_bytes=10**6)


def test_redirect_to_a_refused_address_is_refused(site: str) -> None:
    only_first = {"127.0.0.1"}.__contains__
    body, _, _ = fetch(f"{site}/page", allowed=only_first, timeout=5, max_bytes=10**6)
    assert b"<article>" in body
    with pytest.raises(FetchError, match=r"non-public address \(127\.0\.0\.2\)"):
        fetch(f"{site}/hop", allowed=only_first, timeout=5, max_bytes=10**6)


def test_allowed_page_is_read_like_a_saved_page(site: str) -> None:
    (doc,) = read_url(f"{site}/page", allow_private=True)
    assert isinstance(doc, RawDocument), doc
    assert doc.source == f"{site}/page" and doc.url == f"{site}/page"
    assert "Baldwin" in doc.text and doc.outlet == "127.0.0.1"
    (refused,) = read_url(f"{site}/page", allow_private=False)
    assert isinstance(refused, Rejection) and "--allow-private-urls" in refused.reason
    (bad,) = read_url("file:///etc/passwd", allow_private=True)
    assert isinstance(bad, Rejection) and bad.reason == "not an http(s) URL"


@pytest.mark.parametrize("allow", [False, True])
def test_add_page_fetches_urls_only_when_allowed(site: str, tmp_path: Path, allow: bool) -> None:
    app = create_app(
        Settings(db=tmp_path / "web.db", allow_private_urls=allow, analyse_in_background=False)
    )
    with TestClient(app, base_url="http://localhost") as client:
        client.get("/add")
        form = {"urls": f"{site}/page\n", CSRF_FIELD: client.cookies[CSRF_COOKIE]}
        batch = client.post("/add", data=form).text
        stored = client.get("/api/v1/stories").json()["total"]
    if allow:
        assert stored == 1 and "Interview" in batch
    else:
        assert stored == 0 and "non-public address (127.0.0.1)" in batch
