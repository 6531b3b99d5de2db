"""Reading every input kind, and one clear Rejection per bad input, on real text."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pressdiff.ingest import detect_title, read_inputs
from pressdiff.model import RawDocument, Rejection

DATA = Path(__file__).parent / "data"
FNC1_BODIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1" / "train_bodies.csv"
HARBOUR_HTML = (DATA / "harbour.html").read_bytes()


def read(*paths: str | Path, **kw: float) -> list[RawDocument | Rejection]:
    return list(read_inputs([str(p) for p in paths], **kw))


def only_rejection(items: list[RawDocument | Rejection]) -> Rejection:
    assert len(items) == 1, items
    assert isinstance(items[0], Rejection), items[0]
    return items[0]


# --- plain text ---------------------------------------------------------------


def test_folder_of_text_files_reads_each_file_whole_in_sorted_order(example_paths):
    docs = read(example_paths[0].parent)
    assert [d.source for d in docs] == [str(p) for p in example_paths]
    for doc, path in zip(docs, example_paths, strict=True):
        assert isinstance(doc, RawDocument)
        assert doc.text == path.read_text(encoding="utf-8")  # nothing cut: the cleaner needs it all
        assert doc.outlet == path.stem
        assert doc.url is None and doc.published is None


def test_title_is_a_headline_like_first_line_only(example_paths):
    texts = [p.read_text(encoding="utf-8") for p in example_paths]
    assert detect_title(texts[1]) == (
        "Alec Baldwin Says He Didn't Pull The Trigger During The Tragic Accident On 'Rust' Set "
        "Which Killed Halyna Hutchins"
    )
    assert detect_title(texts[0]) is None  # a lead paragraph, not a headline
    assert detect_title(texts[2]) is None  # "US News" is a section label
    assert detect_title(texts[4]) is None  # a first sentence ending in a full stop


def test_hidden_files_and_folders_are_skipped(tmp_path, example_paths):
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "a.txt").write_text(example_paths[0].read_text())
    (tmp_path / ".b.txt").write_text(example_paths[1].read_text())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(example_paths[2].read_text())
    assert [d.source for d in read(tmp_path)] == [str(tmp_path / "sub" / "c.txt")]


def test_windows_newlines_and_byte_order_mark_are_normalised(tmp_path, example_paths):
    text = example_paths[3].read_text(encoding="utf-8")
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    [doc] = read(path)
    assert doc.text == text


# --- HTML -----------------------------------------------------------------------


def test_html_page_gives_main_text_and_metadata():
    [doc] = read(DATA / "harbour.html")
    assert isinstance(doc, RawDocument)
    assert doc.title == "Storm closes harbour for three days"
    assert doc.published == "2024-03-05"
    assert doc.outlet == "Coastal Herald"
    assert "harbour master Ruth Calder told reporters" in doc.text
    assert "Home" not in doc.text and "Copyright" not in doc.text  # page furniture is gone


# --- JSON Lines -------------------------------------------------------------------


def test_jsonl_broken_lines_are_rejected_one_each_and_the_rest_read(tmp_path, example_paths):
    texts = [p.read_text(encoding="utf-8") for p in example_paths]
    lines = [
        json.dumps({"id": "a1", "text": texts[0], "outlet": "The Hill", "published": "2021-12-02"}),
        '{"id": "a2", "text": "cut off in the mid',
        json.dumps({"text": texts[1], "url": "https://www.cinemablend.com/news/baldwin"}),
        "",
        json.dumps({"id": "a4", "title": "no body"}),
        json.dumps({"id": 5, "text": texts[2]}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [(i.source, type(i).__name__) for i in items] == [
        (f"{path}:1", "RawDocument"),
        (f"{path}:2", "Rejection"),
        (f"{path}:3", "RawDocument"),
        (f"{path}:5", "Rejection"),
        (f"{path}:6", "RawDocument"),
        (f"{path}:7", "Rejection"),
    ]
    first, broken, second, no_text, third, not_object = items
    assert (first.id, first.outlet, first.published, first.text) == (
        "a1",
        "The Hill",
        "2021-12-02",
        texts[0],
    )
    assert second.outlet == "cinemablend.com"  # no outlet field: the URL's site
    assert third.outlet == "batch" and third.id == "5"  # neither: the file name
    assert broken.reason.startswith("invalid JSON: Unterminated string")
    assert no_text.reason == 'missing or empty "text" field'
    assert not_object.reason == "expected a JSON object, got list"


def test_jsonl_file_is_capped_per_line_not_as_a_whole(tmp_path, example_paths):
    """A batch file may exceed the size limit; an oversized or undecodable line is one Rejection."""
    texts = [p.read_text(encoding="utf-8") for p in example_paths]
    lines = [json.dumps({"text": t}, ensure_ascii=False).encode() for t in texts]
    lines[1] = json.dumps({"text": texts[2]}, ensure_ascii=False).encode("cp1252")
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines))
    assert path.stat().st_size > 4000 > max(len(line) for line in lines[:4])
    items = read(path, max_bytes=4000)
    assert [isinstance(i, RawDocument) for i in items] == [True, False, True, True, False]
    column = json.dumps({"text": texts[2]}, ensure_ascii=False).index("‘") + 1
    assert items[1] == Rejection(f"{path}:2", f"invalid UTF-8: byte 0x91 at column {column}")
    assert items[4] == Rejection(f"{path}:5", "line too large: more than 3.9 kB")
    assert (items[0].text, items[2].text, items[3].text) == (texts[0], texts[2], texts[3])


# --- bad input ----------------------------------------------------------------------


def test_nonexistent_path(tmp_path):
    missing = tmp_path / "nowhere.txt"
    assert only_rejection(read(missing)) == Rejection(str(missing), "no such file or folder")


def test_empty_and_whitespace_only_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n  \n\t\n")
    items = read(tmp_path / "empty.txt", tmp_path / "blank.txt")
    assert [i.reason for i in items] == ["empty (0 bytes)", "empty (only whitespace)"]


def test_binary_file_is_rejected(tmp_path, example_paths):
    compressed = gzip.compress(example_paths[0].read_bytes())
    (tmp_path / "a.txt").write_bytes(compressed)
    (tmp_path / "b.txt").write_bytes(compressed.replace(b"\x00", b""))
    nul, controls = read(tmp_path / "a.txt", tmp_path / "b.txt")
    assert nul.reason == "binary file (contains NUL bytes), not text"
    assert controls.reason.startswith("binary file (") and "control characters" in controls.reason


def test_utf16_with_byte_order_mark_is_read(tmp_path, example_paths):
    text = example_paths[1].read_text(encoding="utf-8")
    path = tmp_path / "notepad.txt"
    path.write_bytes(text.encode("utf-16"))  # Python writes the byte-order mark
    [doc] = read(path)
    assert doc.text == text


def test_invalid_utf8_says_where(tmp_path, example_paths):
    # A real-world case: the article saved as Windows-1252.
    text = example_paths[2].read_text(encoding="utf-8")
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    first_bad = min(i for i, c in enumerate(text) if ord(c) > 127)
    line = text.count("\n", 0, first_bad) + 1
    column = first_bad - (text.rfind("\n", 0, first_bad) + 1) + 1
    reason = only_rejection(read(path)).reason
    assert reason.startswith(f"invalid UTF-8: byte 0x{text[first_bad].encode('cp1252')[0]:02x}")
    assert f"at line {line}, column {column}" in reason


def test_50_mb_html_page_is_rejected_by_size_before_reading(tmp_path):
    path = tmp_path / "huge.html"
    paragraph = b"<p>" + b"The harbour stayed closed for a third day. " * 20 + b"</p>\n"
    with path.open("wb") as f:
        f.write(b"<!DOCTYPE html><html><body>")
        while f.tell() < 50 * 1024 * 1024:
            f.write(paragraph)
        f.write(b"</body></html>")
    started = time.perf_counter()
    reason = only_rejection(read(path)).reason
    assert reason.startswith("too large: 50.0 MB, the limit is 20.0 MB")
    assert time.perf_counter() - started < 1.0  # stat only, no parsing


@pytest.mark.parametrize("name", ["french.txt", "german.txt", "spanish.txt"])
def test_non_english_article_is_rejected(name):
    assert only_rejection(read(DATA / name)).reason.startswith("not English")


def test_language_check_rejects_only_the_non_english_fnc1_bodies(tmp_path, example_paths):
    """All 1,683 FNC-1 bodies as JSON Lines: exactly the three non-English ones are rejected.

    1686 and 2515 are French articles; 624 is a Chinese "page no longer exists" notice.
    """
    csv.field_size_limit(sys.maxsize)
    with FNC1_BODIES.open(encoding="utf-8", newline="") as f:
        bodies = [(row["Body_ID"], row["articleBody"]) for row in csv.DictReader(f)]
    path = tmp_path / "fnc1.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in bodies))
    items = read(path)
    rejected = {
        bodies[int(i.source.rsplit(":", 1)[1]) - 1][0] for i in items if isinstance(i, Rejection)
    }
    assert rejected == {"624", "1686", "2515"}
    assert sum(isinstance(i, RawDocument) for i in items) == len(bodies) - 3
    assert all(isinstance(d, RawDocument) for d in read(*example_paths))


def test_folder_with_no_readable_files(tmp_path, example_paths):
    reason = only_rejection(read(tmp_path)).reason  # empty
    assert reason.startswith("folder has no readable files (looked for .txt, ")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / ".notes.txt").write_text(example_paths[0].read_text())
    reason = only_rejection(read(tmp_path)).reason
    assert reason.startswith("folder has no readable files")
    assert only_rejection(read(tmp_path / "photo.png")).reason.startswith("binary file")


def test_bad_inputs_do_not_stop_the_batch(tmp_path, example_paths):
    (tmp_path / "empty.txt").write_bytes(b"")
    items = read(tmp_path / "missing.txt", tmp_path / "empty.txt", example_paths[0], DATA)
    read_ok = [isinstance(i, RawDocument) for i in items]
    # missing, empty, the article, then the data folder: french, german, harbour, spanish
    assert read_ok == [False, False, True, False, False, True, False]


# --- standard input ----------------------------------------------------------------------


def test_stdin_bytes(monkeypatch, example_paths):
    raw = example_paths[1].read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    [doc] = read("-")
    assert doc.source == "<stdin>" and doc.outlet == "stdin"
    assert doc.text == raw.decode("utf-8") and doc.title is not None


def test_stdin_html_and_jsonl_are_sniffed(monkeypatch, example_paths):
    monkeypatch.setattr(sys, "stdin", io.StringIO(HARBOUR_HTML.decode("utf-8")))
    [doc] = read("-")
    assert doc.outlet == "Coastal Herald"
    line = json.dumps({"text": example_paths[0].read_text(), "outlet": "The Hill"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
    [doc] = read("-")
    assert (doc.source, doc.outlet) == ("<stdin>:1", "The Hill")


def test_empty_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert only_rejection(read("-")) == Rejection("<stdin>", "empty (0 bytes)")
    monkeypatch.setattr(sys, "stdin", None)  # as under pythonw, or a closed descriptor 0
    assert only_rejection(read("-")) == Rejection("<stdin>", "no standard input to read")


# --- URLs ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    article = b""

    def do_GET(self) -> None:
        routes = {
            "/news/storm.html": (200, "text/html; charset=utf-8", HARBOUR_HTML),
            "/plain": (200, "text/plain; charset=utf-8", self.article),
            "/photo.jpg": (200, "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(200)),
        }
        if self.path == "/old-link":
            self.send_response(301)
            self.send_header("Location", "/news/storm.html")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, "text/plain", self.article)
        elif self.path == "/unsized":  # no Content-Length: the body ends when the socket closes
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(self.article)
        elif self.path in routes:
            self._send(*routes[self.path])
        else:
            self._send(404, "text/plain", b"not here")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
        # else: the client gave up (timeout, size limit), as those tests intend


@pytest.fixture(scope="module")
def server(example_paths, serve_http) -> str:
    _Handler.article = example_paths[2].read_bytes()
    return serve_http(_Server(("127.0.0.1", 0), _Handler))


def test_url_html_page_with_redirect(server):
    [doc] = read(f"{server}/old-link")
    assert isinstance(doc, RawDocument)
    assert doc.source == f"{server}/old-link"  # as given
    assert doc.url == f"{server}/news/storm.html"  # where the article actually is
    assert doc.outlet == "Coastal Herald" and doc.published == "2024-03-05"
    assert "breakwater" in doc.text


def test_url_plain_text_outlet_is_the_site(server, example_paths):
    [doc] = read(f"{server}/plain")
    assert doc.text == example_paths[2].read_text(encoding="utf-8")
    assert doc.outlet == "127.0.0.1"


def test_url_404(server):
    assert only_rejection(read(f"{server}/gone")).reason == "HTTP 404 Not Found"


def test_url_timeout(server):
    started = time.perf_counter()
    reason = only_rejection(read(f"{server}/slow", timeout=0.3)).reason
    assert reason == "timed out after 0.3 s"
    assert time.perf_counter() - started < 1.2


def test_url_size_limit_with_and_without_content_length(server):
    assert only_rejection(read(f"{server}/plain", max_bytes=1000)).reason.startswith("too large")
    reason = only_rejection(read(f"{server}/unsized", max_bytes=1000)).reason
    assert reason == "too large: more than 1000 bytes"


def test_url_unsupported_content_type(server):
    reason = only_rejection(read(f"{server}/photo.jpg")).reason
    assert reason == "unsupported content type image/jpeg"


def test_url_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port any more.
    reason = only_rejection(read(f"http://127.0.0.1:{port}/article")).reason
    assert reason.startswith("could not connect")


# --- folders, links and permissions (issue 17) ------------------------------------------

# read_inputs in a child process, as a list of (kind, source, reason): the
# permission cases need a process that file permissions apply to.
_READ_CHILD = (
    "import json, sys; from pressdiff.ingest import read_inputs; "
    "print(json.dumps([[type(i).__name__, i.source, getattr(i, 'reason', None)] "
    "for i in read_inputs(sys.argv[1:])]))"
)


def read_as(prefix: list[str], *paths: Path) -> list[tuple[str, str, str | None]]:
    done = subprocess.run(
        [*prefix, sys.executable, "-c", _READ_CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [tuple(item) for item in json.loads(done.stdout)]


def test_unreadable_inputs_are_rejected_by_name_and_the_rest_read(
    tmp_path, example_paths, unprivileged
):
    """A file in a folder that cannot be entered, a folder that cannot be listed (given,
    or met inside another) and a file that cannot be opened each get their own reason."""
    good = tmp_path / "good.txt"
    good.write_text(example_paths[0].read_text())
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "a.txt").write_text("Text.")
    batch = tmp_path / "batch"
    (batch / "sub").mkdir(parents=True)
    (batch / "sub" / "x.txt").write_text(example_paths[1].read_text())
    (batch / "y.txt").write_text(example_paths[2].read_text())
    secret = tmp_path / "secret.txt"
    secret.write_text(example_paths[3].read_text())
    for path in (closed, batch / "sub", secret):
        path.chmod(0)
    try:
        items = read_as(unprivileged, good, closed / "a.txt", closed, batch, secret)
    finally:
        for path in (closed, batch / "sub", secret):
            path.chmod(0o755)
    assert items == [
        ("RawDocument", str(good), None),
        (
            "Rejection",
            str(closed / "a.txt"),
            "cannot read: permission denied on a folder in its path",
        ),
        ("Rejection", str(closed), "cannot read folder: permission denied"),
        ("RawDocument", str(batch / "y.txt"), None),
        ("Rejection", str(batch / "sub"), "cannot read folder: permission denied"),
        ("Rejection", str(secret), "cannot read: permission denied"),
    ]


def test_links_and_special_files_in_a_folder_are_named_not_skipped(tmp_path, example_paths):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(example_paths[0].read_text())
    (folder / "broken.txt").symlink_to("gone.txt")
    (folder / "loop1").symlink_to("loop2")
    (folder / "loop2").symlink_to("loop1")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # back to the folder above: read once, not forever
    (folder / "photo.png").symlink_to("gone.png")  # a kind we never read: no word
    os.mkfifo(folder / "pipe.txt")
    items = [(type(i).__name__, i.source, getattr(i, "reason", None)) for i in read(folder)]
    assert items == [
        ("RawDocument", str(folder / "a.txt"), None),
        ("Rejection", str(folder / "broken.txt"),
         "broken symbolic link (its target gone.txt does not exist)"),
        ("Rejection", str(folder / "loop1"), "symbolic link loop (the links point at each other)"),
        ("Rejection", str(folder / "loop2"), "symbolic link loop (the links point at each other)"),
        ("Rejection", str(folder / "pipe.txt"), "not a regular file"),
        ("Rejection", str(folder / "sub" / "up"),
         f"symbolic link to a folder already read ({folder})"),
    ]  # fmt: skip
    assert only_rejection(read(folder / "loop1")).reason.startswith("symbolic link loop")
    assert only_rejection(read(folder / "broken.txt")).reason.startswith("broken symbolic link")


def test_deeply_nested_html_falls_back_to_its_text(tmp_path, example_paths):
    """libxml2 gives up at 255 levels; 5,000 nested divs give what one div gives."""
    body = example_paths[4].read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    for depth in (1, 5000):
        (tmp_path / f"{depth}.html").write_text(
            "<html><head><title>Baldwin speaks</title></head><body>"
            + "<div>" * depth + paragraphs + "</div>" * depth + "</body></html>"
        )  # fmt: skip
    shallow, deep = read(tmp_path / "1.html", tmp_path / "5000.html")
    assert isinstance(deep, RawDocument), deep
    assert (
        (deep.title, deep.text) == (shallow.title, shallow.text) == ("Baldwin speaks", shallow.text)
    )
    assert "We both assumed the gun was empty" in deep.text


def test_json_error_message_reads_as_a_sentence(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_text('{"text": "cut off\n')
    reason = only_rejection(read(path)).reason
    assert reason == "invalid JSON: Unterminated string starting at column 10"


# --- compressed and archived batches (issue 13) ------------------------------------------


def test_gzipped_jsonl_reads_like_the_plain_file(tmp_path, example_paths):
    lines = [
        json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) for p in example_paths
    ]
    plain = tmp_path / "batch.jsonl"
    plain.write_text("\n".join(lines) + "\n")
    packed = tmp_path / "batch.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    docs = read(packed)
    assert [(d.source, d.id, d.outlet, d.text) for d in docs] == [
        (f"{packed}:{n}", d.id, "batch", d.text) for n, d in enumerate(read(plain), start=1)
    ]
    assert len(read(tmp_path)) == 2 * len(lines)  # a folder reads both


def test_truncated_gzip_keeps_the_lines_before_the_break(tmp_path, example_paths):
    lines = [json.dumps({"text": p.read_text(encoding="utf-8")}) for p in example_paths]
    packed = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 3 // 4])
    items = read(path)
    assert all(isinstance(i, RawDocument) for i in items[:-1]) and len(items) > 1
    assert items[-1].source == str(path)
    assert items[-1].reason.startswith("cannot read: compressed file ended before")


def _warc_record(writer, uri: str, kind: str, body: bytes, status: str = "200 OK",
                 content_type: str = "text/html; charset=utf-8"):  # fmt: skip
    from warcio.statusandheaders import StatusAndHeaders

    headers = None
    if kind in ("response", "request"):
        line = f"GET {uri} HTTP/1.1" if kind == "request" else status
        headers = StatusAndHeaders(line, [("Content-Type", content_type)], protocol="HTTP/1.1",
                                   is_http_request=kind == "request")  # fmt: skip
    return writer.create_warc_record(uri, kind, payload=io.BytesIO(body), http_headers=headers)


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_warc_html_responses_become_articles_and_other_records_are_counted(
    tmp_path, example_paths, gzipped
):
    from warcio.warcwriter import WARCWriter

    article = example_paths[4].read_text(encoding="utf-8")
    second_page = (
        "<html><head><title>Baldwin speaks to ABC</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in article.split("\n") if p.strip())
        + "</article></body></html>"
    ).encode("utf-8")
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        records = [
            ("https://www.coastalherald.example/storm", "request", b""),
            ("https://www.coastalherald.example/storm", "response", HARBOUR_HTML),
            ("https://cdn.example/photo.jpg", "response", b"\xff\xd8\xff\xe0", "200 OK",
             "image/jpeg"),
            ("https://news.example/gone", "response", b"<html>Not found</html>", "404 Not Found"),
            ("https://news.example/baldwin", "response", second_page),
        ]  # fmt: skip
        for uri, kind, body, *http in records:
            writer.write_record(_warc_record(writer, uri, kind, body, *http))
    items = read(path)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [(d.source, d.url, d.title) for d in docs] == [
        (f"{path}:3", "https://www.coastalherald.example/storm",
         "Storm closes harbour for three days"),
        (f"{path}:6", "https://news.example/baldwin", "Baldwin speaks to ABC"),
    ]  # fmt: skip
    assert docs[0].text == read(DATA / "harbour.html")[0].text  # the same extraction as a page
    assert docs[1].outlet == "news.example"
    assert "We both assumed the gun was empty" in docs[1].text
    assert items[-1] == Rejection(
        str(path),
        "skipped 4 of 6 records, not HTML pages: 1 warcinfo, 1 request, "
        "1 image/jpeg response, 1 HTTP 404 response",
    )


def test_a_file_that_is_not_a_warc_is_one_rejection(tmp_path, example_paths):
    fake = tmp_path / "fake.warc"
    fake.write_text(example_paths[0].read_text())
    assert only_rejection(read(fake)).reason == "not a WARC file (it does not start with WARC/)"
    fake.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + bytes(range(256))))
    assert only_rejection(read(fake)).reason.startswith("cannot read as WARC (not a WARC file): ")


def test_gzipped_jsonl_is_streamed(tmp_path):
    """Reading ten times the lines (1.2 MB, then 12 MB unpacked) takes no more memory."""

    def peak(lines: int) -> int:
        path = tmp_path / f"{lines}.jsonl.gz"
        body = "".join(
            json.dumps({"text": f"Item {i}. " + "x" * 4000}) + "\n" for i in range(lines)
        )
        path.write_bytes(gzip.compress(body.encode()))
        tracemalloc.start()
        try:
            assert sum(isinstance(i, RawDocument) for i in read_inputs([str(path)])) == lines
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(300), peak(3_000)
    assert large < small * 1.2, (small, large)
