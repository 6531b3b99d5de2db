"""Read inputs of every supported kind into raw documents; bad input becomes a Rejection.

An input is a file, a folder (read recursively, in sorted order, hidden files
and folders skipped, symbolic links followed but never in a loop), ``-`` for
standard input, or an ``http(s)://`` URL.
Formats, chosen by file suffix (or by the response's content type for URLs;
standard input and unknown suffixes are sniffed from their first characters):

* plain text (``.txt``, ``.text``, ``.md``, no suffix): ``text`` is the whole
  file as read (newlines normalised to ``\\n``, a UTF-8 byte-order mark
  dropped), because the cleaner reports removed debris by offsets into it.
  The first line is also taken as the ``title`` when it looks like a headline
  (see :func:`detect_title`); it is *not* cut from ``text``.
* HTML (``.html``, ``.htm``): trafilatura extracts the main text, title,
  date and site name; page furniture never reaches the cleaner.
* JSON Lines (``.jsonl``, ``.ndjson``): one article per line, ``text``
  required, ``id``, ``title``, ``url``, ``outlet``, ``published`` optional.
  A broken line is rejected as ``path:line``; the other lines still count.
  A JSON Lines file is streamed, and the size limit applies to each line.
  Gzipped (``.jsonl.gz``, ``.ndjson.gz``) is decompressed as it streams.
* WARC (``.warc``, ``.warc.gz``, read with warcio): each successful HTML
  response is read as an HTML page (``path:record``, its URL the record's
  target); every other record is skipped and counted in one Rejection on the
  file.  Streamed one record at a time, each body capped like a file.

The outlet comes from the metadata (a JSON ``outlet`` field, the HTML site
name), else the URL's site (host name without ``www.``), else the file name
without its suffix.

Readers never raise on bad input: an empty, binary, oversized, undecodable,
non-English or unreachable input yields one :class:`Rejection` whose reason a
user can act on, and the batch goes on.  Sizes are checked before anything is
read (``stat`` for files, ``Content-Length`` and a running count for URLs),
so a 50 MB page costs nothing.  A folder, link or file that cannot be read
(permissions, a broken or looping link, a special file) is one Rejection
naming it and saying why.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import importlib.util
import json
import os
import re
import stat
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal
from urllib.parse import urlsplit

import httpx
import trafilatura

from pressdiff.model import RawDocument, Rejection

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

Item = RawDocument | Rejection
Kind = Literal["text", "html", "jsonl", "warc"]

MAX_BYTES = 20 * 1024 * 1024
"""Largest input read; real article pages are well under 5 MB."""

DEFAULT_TIMEOUT = 10.0
"""Seconds a URL may take in total (connect, wait and download)."""

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    "": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}
"""What each file name ending is read as; ``.gz`` is decompressed as it is read."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")

STDIN_SOURCE = "<stdin>"

TITLE_MAX_CHARS = 200
TITLE_MIN_WORDS = 3

# Language check: share of word tokens that are English function words
# (spaCy's English stop-word list).  Measured: FNC-1's English bodies run at
# 27-62 % (median 47 %), the example story's at 47-53 %; FNC-1's two French
# bodies at 1-2 %, and French, German and Spanish news paragraphs at 2-6 %
# (only shared words such as "a", "me", "die" count).  Text mostly in another
# script (FNC-1 has one Chinese body) fails the Latin-letter check first.
# Below LANGUAGE_MIN_WORDS words the share says too little to reject anything.
ENGLISH_MIN_SHARE = 0.15
LANGUAGE_MIN_WORDS = 30
LANGUAGE_SAMPLE_CHARS = 20_000

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CONTROL_BYTES = bytes(b for b in [*range(32), 127] if b not in b"\t\n\r\f\v")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\x00-\u024f]")
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_SENTENCE_END = ".:;,"
_CLOSERS = "\"'”’)]»"


def read_inputs(
    paths: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES
) -> Iterator[Item]:
    """Yield one RawDocument per article read, or one Rejection per input that failed.

    ``timeout`` bounds each URL fetch as a whole; ``max_bytes`` caps every
    input (file, response or standard input), and each line of a JSON Lines
    file, which as a batch may be any size.
    """
    for path in paths:
        if path == "-":
            yield from _read_stdin(max_bytes)
        elif path.lower().startswith(("http://", "https://")):
            yield from _read_url(path, timeout, max_bytes)
        else:
            yield from _read_path(path, max_bytes)


# --- sources ----------------------------------------------------------------


def _read_path(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        yield Rejection(path, _stat_problem(path, e))
        return
    if stat.S_ISDIR(mode):
        yield from _read_folder(Path(path), max_bytes)
    elif stat.S_ISREG(mode):
        yield from _read_file(Path(path), path, _kind(path), max_bytes)
    else:
        yield Rejection(path, "not a regular file or folder")


def _read_folder(folder: Path, max_bytes: int) -> Iterator[Item]:
    """Every file of a supported kind under ``folder``, or why one cannot be read.

    A folder that cannot be listed, a broken or looping symbolic link and a
    special file with a supported suffix each become a Rejection naming it;
    only files of other kinds and hidden entries are passed over in silence.
    """
    found = False
    for entry in _folder_entries(folder):
        found = True
        if isinstance(entry, Rejection):
            yield entry
        else:
            yield from _read_file(entry, str(entry), _kind(entry.name), max_bytes)
    if not found:
        kinds = ", ".join(s or "no suffix" for s in SUFFIX_KINDS)
        yield Rejection(str(folder), f"folder has no readable files (looked for {kinds})")


def _folder_entries(top: Path) -> Iterator[Path | Rejection]:
    """Files under ``top`` in sorted order (a folder's files before its subfolders).

    Symbolic links are followed; a link back to a folder already read is
    reported rather than followed, so a loop ends.  The walk keeps its own
    stack, so no depth of nesting can exhaust Python's recursion limit.
    """
    seen: dict[tuple[int, int], Path] = {}
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as e:
            yield Rejection(str(folder), f"cannot read folder: {_os_reason(e)}")
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            yield Rejection(str(folder), f"symbolic link to a folder already read ({seen[key]})")
            continue
        seen[key] = folder
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                mode = path.stat().st_mode
            except OSError as e:
                if _kind(entry.name) is not None:  # what it was is unknown; its name says
                    yield Rejection(str(path), _stat_problem(entry.path, e))
                continue
            if stat.S_ISDIR(mode):
                subfolders.append(path)
            elif _kind(entry.name) is None:
                continue
            elif stat.S_ISREG(mode):
                yield path
            else:
                yield Rejection(str(path), "not a regular file")
        stack.extend(reversed(subfolders))


def _kind(name: str) -> Kind | None:
    """The format a file name's suffix says, or None for a suffix we do not read."""
    path = Path(name.lower())
    suffix = "".join(path.suffixes[-2:]) if path.suffix == ".gz" else path.suffix
    return SUFFIX_KINDS.get(suffix)


def _stem(p: Path) -> str:
    """The file name without its suffix (both of ``.jsonl.gz``): the outlet of last resort."""
    return Path(p.name[:-3] if p.suffix.lower() == ".gz" else p.name).stem


def _stat_problem(path: str, error: OSError) -> str:
    """Why ``path`` cannot be looked at, from the error ``stat`` gave."""
    if error.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"broken symbolic link (its target {os.readlink(path)} does not exist)"
        return "no such file or folder"
    if error.errno == errno.ELOOP:
        return "symbolic link loop (the links point at each other)"
    if error.errno in (errno.EACCES, errno.EPERM):
        # stat needs no permission on the file itself, only on the folders above it.
        return "cannot read: permission denied on a folder in its path"
    return f"cannot read: {_os_reason(error)}"


def _os_reason(error: Exception) -> str:
    """An error's reason in lower case and without the file name (the source says it)."""
    reason = getattr(error, "strerror", None) or str(error)
    return reason[:1].lower() + reason[1:]


def _read_file(p: Path, source: str, kind: Kind | None, max_bytes: int) -> Iterator[Item]:
    if kind == "jsonl":
        yield from _read_jsonl_file(p, source, max_bytes)
        return
    if kind == "warc":
        yield from _read_warc(p, source, max_bytes)
        return
    try:
        with p.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                yield Rejection(
                    source, f"too large: {_size(size)}, the limit is {_size(max_bytes)}"
                )
                return
            data = f.read(max_bytes + 1)  # a file may grow, or lie about its size
    except OSError as e:
        yield Rejection(source, f"cannot read: {_os_reason(e)}")
        return
    if len(data) > max_bytes:
        yield Rejection(source, f"too large: more than {_size(max_bytes)}")
        return
    yield from _parse(data, source, kind, fallback_outlet=_stem(p))


# Errors that a corrupt or truncated compressed stream raises part-way through.
_STREAM_ERRORS = (OSError, EOFError, zlib.error)


def _read_jsonl_file(p: Path, source: str, max_bytes: int) -> Iterator[Item]:
    """Stream a JSON Lines file, gzipped or not: a batch may hold any number of
    articles, so the size cap applies to each line, and a bad line costs only
    that line; a stream that breaks off keeps the lines read before it."""
    try:
        with gzip.open(p, "rb") if p.suffix.lower() == ".gz" else p.open("rb") as f:
            try:
                head = f.read(65536)
            except _STREAM_ERRORS:
                head = None  # broken early: the line reader says so after the lines before it
            problem = "empty (0 bytes)" if head == b"" else head and _binary_problem(head)
            if problem:
                yield Rejection(source, problem)
                return
            f.seek(0)
            yield from _read_jsonl(_capped_lines(f, max_bytes), source, _stem(p))
    except _STREAM_ERRORS as e:
        yield Rejection(source, f"cannot read: {_os_reason(e)}")


def _read_warc(p: Path, source: str, max_bytes: int) -> Iterator[Item]:
    """Stream a WARC file (gzipped or not): each HTML response is read as a page.

    Only successful (2xx) HTML responses hold articles; every other record
    (requests, metadata, images, redirects, errors) is skipped, and one
    Rejection on the file counts them by kind, so nothing is passed over
    silently.  Records are read one at a time and each body is capped, so
    memory does not grow with the archive.
    """
    skipped: Counter[str] = Counter()
    pages_read = 0
    broken = False
    try:
        with p.open("rb") as f:
            if not _starts_warc(f):
                # warcio would read other text as the older ARC format's records
                yield Rejection(source, "not a WARC file (it does not start with WARC/)")
                return
            pages = _warc_pages(f, max_bytes, skipped)
            while True:
                try:
                    page = next(pages, None)
                except Exception as e:
                    # warcio parses untrusted bytes and raises more than its own
                    # errors on them (AttributeError, ValueError …)
                    seen = pages_read + skipped.total()
                    where = f"after {seen} records" if seen else "not a WARC file"
                    yield Rejection(source, f"cannot read as WARC ({where}): {e}")
                    broken = True
                    break
                if page is None:
                    break
                pages_read += 1
                number, url, content_type, data = page
                where = f"{source}:{number}"
                if len(data) > max_bytes:
                    yield Rejection(where, f"too large: more than {_size(max_bytes)}")
                    continue
                charset = _header_charset(content_type)
                yield from _parse(
                    data, where, "html", fallback_outlet=_stem(p), url=url, charset=charset
                )
    except _STREAM_ERRORS as e:
        yield Rejection(source, f"cannot read: {_os_reason(e)}")
        return
    if skipped:
        counts = ", ".join(f"{n} {why}" for why, n in skipped.most_common())
        total = skipped.total()
        yield Rejection(
            source, f"skipped {total} of {total + pages_read} records, not HTML pages: {counts}"
        )
    elif not pages_read and not broken:
        yield Rejection(source, "empty (no WARC records)")


def _warc_pages(
    f: BinaryIO, max_bytes: int, skipped: Counter[str]
) -> Iterator[tuple[int, str | None, str, bytes]]:
    """(record number, target URL, content type, body) of each HTML page in a WARC.

    Other records are counted into ``skipped`` by kind.  A body is read up to
    one byte past ``max_bytes``, so the caller can tell an oversized one.
    """
    # warcio imports fsspec (0.2 s): paid only by runs that read a WARC.
    from warcio.archiveiterator import ArchiveIterator

    for number, record in enumerate(ArchiveIterator(f), start=1):
        why_not = _not_a_page(record)
        if why_not:
            skipped[why_not] += 1
            continue
        url = record.rec_headers.get_header("WARC-Target-URI") or None
        content_type = record.http_headers.get_header("Content-Type") or ""
        yield number, url, content_type, record.content_stream().read(max_bytes + 1)


def _starts_warc(f: BinaryIO) -> bool:
    """Whether the (possibly gzipped) file starts with a WARC record; rewinds it."""
    magic = f.read(2)
    f.seek(0)
    head = gzip.GzipFile(fileobj=f).read(5) if magic == b"\x1f\x8b" else f.read(5)
    f.seek(0)
    return head == b"WARC/"


def _not_a_page(record: ArcWarcRecord) -> str | None:
    """Why a WARC record holds no article page (its kind, for the count), or None."""
    if record.rec_type != "response":
        return record.rec_type
    if record.http_headers is None:
        return "non-HTTP response"
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status} response"
    mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return f"{mime or 'untyped'} response"
    return None


def _capped_lines(f: BinaryIO, max_bytes: int) -> Iterator[str | Unreadable]:
    """Decoded lines of ``f``, or why a line cannot be read (too long, not UTF-8)."""
    while raw := f.readline(max_bytes + 1):
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while (rest := f.readline(max_bytes + 1)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line without holding it
            yield Unreadable(f"line too large: more than {_size(max_bytes)}")
            continue
        try:
            yield raw.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
        except UnicodeDecodeError as e:
            yield Unreadable(f"invalid UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}")


def _read_stdin(max_bytes: int) -> Iterator[Item]:
    if sys.stdin is None or sys.stdin.closed:
        yield Rejection(STDIN_SOURCE, "no standard input to read")
        return
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        data = stream.read(max_bytes + 1)
    else:  # a text stream without bytes underneath (an embedding host, a test)
        data = sys.stdin.read(max_bytes + 1).encode("utf-8")
    if len(data) > max_bytes:
        yield Rejection(STDIN_SOURCE, f"too large: more than {_size(max_bytes)}")
        return
    yield from _parse(data, STDIN_SOURCE, None, fallback_outlet="stdin")


def _read_url(url: str, timeout: float, max_bytes: int) -> Iterator[Item]:
    site = _site(url)
    if not site:
        yield Rejection(url, "not a valid URL (no host name)")
        return
    try:
        data, content_type, final_url = fetch(url, timeout, max_bytes)
    except Unreadable as e:
        yield Rejection(url, e.reason)
        return
    except httpx.TimeoutException:
        yield Rejection(url, f"timed out after {timeout:g} s")
        return
    except httpx.ConnectError as e:
        yield Rejection(url, f"could not connect: {e}")
        return
    except httpx.TooManyRedirects:
        yield Rejection(url, "too many redirects")
        return
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        yield Rejection(url, f"download failed: {e}")
        return
    mime = content_type.split(";")[0].strip().lower()
    kind: Kind | None
    if mime in _HTML_TYPES:
        kind = "html"
    elif mime in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        kind = "jsonl"
    elif mime.startswith("text/") or not mime:
        kind = None  # plain text, markdown, or unlabelled: sniff it
    else:
        yield Rejection(url, f"unsupported content type {mime}")
        return
    charset = _header_charset(content_type)
    yield from _parse(data, url, kind, fallback_outlet=site, url=final_url, charset=charset)


def fetch(
    url: str, timeout: float, max_bytes: int, client: httpx.Client | None = None
) -> tuple[bytes, str, str]:
    """Body, content type and final URL (after redirects) of a successful GET.

    Raises :class:`Unreadable` for HTTP errors and oversized bodies, and
    httpx's own errors for network failures; the download as a whole, not
    just each read, is held to ``timeout``.  ``client`` (not yet opened; it is
    closed here) is the one to fetch through, e.g. the web app's, which refuses
    private addresses; by default a plain one.
    """
    deadline = time.monotonic() + timeout
    with (
        client or httpx.Client(timeout=timeout, follow_redirects=True) as client,
        client.stream("GET", url, headers={"User-Agent": "pressdiff"}) as response,
    ):
        if response.status_code >= 400:
            raise Unreadable(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Unreadable(f"too large: {_size(int(declared))}, the limit is {_size(max_bytes)}")
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise Unreadable(f"too large: more than {_size(max_bytes)}")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("download exceeded the time limit")
            chunks.append(chunk)
        return b"".join(chunks), response.headers.get("content-type", ""), str(response.url)


# --- formats ----------------------------------------------------------------


def _parse(
    data: bytes,
    source: str,
    kind: Kind | None,
    *,
    fallback_outlet: str,
    url: str | None = None,
    charset: str | None = None,
) -> Iterator[Item]:
    """Decode and read one input's bytes as ``kind`` (sniffed when None)."""
    try:
        text = _decode(data, charset or (_meta_charset(data) if kind == "html" else None))
    except Unreadable as e:
        yield Rejection(source, e.reason)
        return
    kind = kind or _sniff(text)
    if kind == "jsonl":
        yield from _read_jsonl(text.split("\n"), source, fallback_outlet)
        return
    if kind == "html":
        doc = _read_html(text, source, url, fallback_outlet)
    else:
        outlet = _site(url) if url else fallback_outlet
        doc = RawDocument(source, text, title=detect_title(text), url=url, outlet=outlet)
    yield doc if isinstance(doc, Rejection) else _check_language(doc)


def _read_html(html: str, source: str, url: str | None, fallback_outlet: str) -> Item:
    doc = _extract_html(html, url)
    if doc is None:
        # libxml2, under trafilatura, stops at 255 nested elements and
        # trafilatura then finds nothing; the same page with its deepest
        # wrappers dropped keeps every word and parses.
        flat = _flatten_html(html, MAX_HTML_DEPTH)
        doc = _extract_html(flat, url) if flat != html else None
    if doc is None:
        return Rejection(source, "no article text found in the HTML page")
    return RawDocument(
        source=source,
        text=doc.text,
        title=doc.title or None,
        url=doc.url or url,
        outlet=doc.sitename or _site(doc.url or url or "") or fallback_outlet,
        published=doc.date or None,
    )


def _extract_html(html: str, url: str | None) -> Any:
    """trafilatura's extraction (a Document), or None when it finds no text."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    return doc if doc is not None and (doc.text or "").strip() else None


MAX_HTML_DEPTH = 200
"""Nesting of generic wrappers kept when a page is too deep for libxml2, whose limit
is 255 levels; other elements may nest up to that limit, so the article's own
paragraphs, lists and links survive inside thousands of wrappers."""

_LIBXML2_DEPTH = 250  # 255, less html, body and a margin
_WRAPPERS = frozenset({"div", "span", "section", "font", "center"})
_VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
})  # fmt: skip


class _Flattener(HTMLParser):
    """Re-emits a page as it was, minus the tags of elements nested too deep.

    A generic wrapper (``div``, ``span`` …) deeper than ``max_depth`` loses
    its tags, any other element deeper than libxml2 can go; the content
    (text and shallower markup) is kept, which is what a page of thousands
    of nested ``<div>`` needs to parse.
    """

    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, whether its start tag was kept)
        self.kept = 0  # how many of the open elements were kept
        self.opened: Counter[str] = Counter()  # open elements by tag: stray end tags cost O(1)

    def _keeps(self, tag: str) -> bool:
        return self.kept < (self.max_depth if tag in _WRAPPERS else _LIBXML2_DEPTH)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        keep = self._keeps(tag)
        if keep:
            self.out.append(self.get_starttag_text() or "")
        if tag not in _VOID_ELEMENTS:
            self.open.append((tag, keep))
            self.kept += keep
            self.opened[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._keeps(tag):
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        keep = True  # a stray end tag: the HTML parser downstream ignores it
        if self.opened[tag]:
            while True:  # elements left open inside it end with it
                name, kept = self.open.pop()
                self.kept -= kept
                self.opened[name] -= 1
                if name == tag:
                    keep = kept
                    break
        if keep:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def _flatten_html(html: str, max_depth: int) -> str:
    """``html`` without the tags of elements nested deeper than ``max_depth``."""
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


_JSONL_FIELDS = ("id", "title", "url", "outlet", "published")


def _read_jsonl(
    lines: Iterable[str | Unreadable], source: str, fallback_outlet: str
) -> Iterator[Item]:
    """One document per non-blank line; each broken line is one Rejection."""
    read_any = False
    for lineno, line in enumerate(lines, start=1):
        where = f"{source}:{lineno}"
        if isinstance(line, Unreadable):
            read_any = True
            yield Rejection(where, line.reason)
            continue
        if not line.strip():
            continue
        read_any = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            # json's messages may end in "at" ("Unterminated string starting at").
            yield Rejection(where, f"invalid JSON: {e.msg.removesuffix(' at')} at column {e.colno}")
            continue
        if not isinstance(record, dict):
            yield Rejection(where, f"expected a JSON object, got {type(record).__name__}")
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield Rejection(where, 'missing or empty "text" field')
            continue
        fields = {name: record.get(name) for name in _JSONL_FIELDS}
        if type(fields["id"]) is int:  # a numeric id, but not a JSON true/false
            fields["id"] = str(fields["id"])
        wrong = [n for n, v in fields.items() if v is not None and not isinstance(v, str)]
        if wrong:
            yield Rejection(where, f'field "{wrong[0]}" must be a string')
            continue
        outlet = fields["outlet"] or _site(fields["url"] or "") or fallback_outlet
        yield _check_language(
            RawDocument(
                source=where,
                text=body,
                title=fields["title"],
                url=fields["url"],
                outlet=outlet,
                published=fields["published"],
                id=fields["id"],
            )
        )
    if not read_any:
        yield Rejection(source, "empty (only whitespace)")


# --- checks -----------------------------------------------------------------


def detect_title(text: str) -> str | None:
    """The first line when it looks like a headline, else None.

    A headline here is a first line of at most 200 characters and at least
    three words that does not end like a sentence (a final ``.``, ``:``,
    ``;`` or ``,``, closing quotes ignored).  Section labels ("US News") and
    lead paragraphs that open a file are thereby not titles; a headline that
    ends in a full stop is missed, which costs only the title field.
    """
    first = text.lstrip("\n").split("\n", 1)[0].strip()
    if not first or len(first) > TITLE_MAX_CHARS or len(first.split()) < TITLE_MIN_WORDS:
        return None
    if first.rstrip(_CLOSERS).endswith(tuple(_SENTENCE_END)):
        return None
    return first


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop-word list (326 function words and contractions).

    The list is a plain-data module, loaded here by file location: importing
    it as ``spacy.lang.en.stop_words`` would import spaCy itself, seconds
    that a run which reads and stores articles without parsing them (``pressdiff
    ingest``) would pay for nothing.
    """
    package = importlib.util.find_spec("spacy")
    if package is None or not package.submodule_search_locations:
        raise ImportError("spaCy is not installed")
    path = Path(package.submodule_search_locations[0], "lang", "en", "stop_words.py")
    spec = importlib.util.spec_from_file_location("_spacy_en_stop_words", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load spaCy's English stop words from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def _check_language(doc: RawDocument) -> Item:
    """``doc`` itself when it reads as English (or is too short to tell), else a Rejection.

    Only the first LANGUAGE_SAMPLE_CHARS characters are judged: a few
    thousand words settle the question, and the cost stays bounded.
    """
    sample = doc.text[:LANGUAGE_SAMPLE_CHARS]
    words = _WORD.findall(sample.lower().replace("’", "'"))
    letters = sum(map(len, words))
    if letters and len(_NON_LATIN_LETTER.findall(sample)) > letters / 2:
        return Rejection(doc.source, "not English: most of its letters are not Latin script")
    if len(words) < LANGUAGE_MIN_WORDS:
        return doc
    stop = _stop_words()
    share = sum(w in stop for w in words) / len(words)
    if share < ENGLISH_MIN_SHARE:
        return Rejection(
            doc.source,
            f"not English: {share:.0%} of its {len(words)} words are common English words "
            f"(English text has at least {ENGLISH_MIN_SHARE:.0%})",
        )
    return doc


class Unreadable(Exception):
    """An input that cannot be read; ``reason`` is what the user is told."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _binary_problem(data: bytes) -> str | None:
    """Why ``data`` is not text (NUL bytes, over 5 % control characters), or None."""
    head = data[:65536]
    if b"\x00" in head:
        return "binary file (contains NUL bytes), not text"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > 0.05 * len(head):
        return f"binary file ({controls / len(head):.0%} control characters), not text"
    return None


def _decode(data: bytes, charset: str | None) -> str:
    """Text with ``\\n`` newlines, or :class:`Unreadable` saying why there is none.

    Rejects empty and binary input (NUL bytes, or over 5 % control
    characters) before decoding, and says where invalid UTF-8 is.
    """
    if not data:
        raise Unreadable("empty (0 bytes)")
    if charset is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        charset = "utf-16"  # unambiguous by its byte-order mark
    # UTF-16 text is half NUL bytes, so the byte-level binary test only fits
    # the one-byte-based encodings.
    problem = None if (charset or "").lower().startswith("utf-16") else _binary_problem(data)
    if problem:
        raise Unreadable(problem)
    encoding = (charset or "utf-8").lower()
    if encoding in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except LookupError:
        raise Unreadable(f"unknown character set {charset!r}") from None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        name = "UTF-8" if encoding == "utf-8-sig" else charset
        raise Unreadable(
            f"invalid {name}: byte 0x{data[e.start]:02x} at line {line}, column {column} "
            f"(byte offset {e.start})"
        ) from None
    if not text.strip():
        raise Unreadable("empty (only whitespace)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sniff(text: str) -> Kind:
    head = text.lstrip()[:1]
    if head == "{":
        return "jsonl"
    if _HTML_START.match(text[:1024]):
        return "html"
    return "text"


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _header_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _site(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.1f} kB" if n >= 1024 else f"{n} bytes"
