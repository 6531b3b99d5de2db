"""Turn what a browser or an API client sends into documents, through ingest's own readers.

The web app accepts pasted text, JSON records, uploaded files and URLs.
Rather than a second set of parsers, each becomes what :mod:`pressdiff.ingest`
already reads (a JSON Lines file, a file with the upload's name, the fetched
page saved under its site's name) in a private temporary folder, and
ingest's readers do the rest: the same format detection, size limits,
language check and rejection reasons as ``pressdiff ingest``.  Sources are
then renamed from the temporary path to what the user gave (``upload:NAME``,
the URL, ``request:N``), which is what they see in rejections.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pressdiff.ingest import MAX_BYTES, SUFFIX_KINDS, read_inputs
from pressdiff.model import RawDocument, Rejection
from pressdiff.web.urls import FetchError, any_address, fetch, is_public

Item = RawDocument | Rejection

URL_TIMEOUT = 10.0
"""Seconds one URL may take in all (connect, redirects, download)."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIX_OF_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/x-jsonlines": ".jsonl",
}


def _safe_name(name: str, default: str) -> str:
    """A file name that is only a name: no folders, no dots in front, no odd characters."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).lstrip(".")
    return cleaned or default


def _read_as(name: str, data: bytes, source: str) -> Iterator[Item]:
    """Read ``data`` as if it were a file called ``name``; sources say ``source`` instead."""
    with tempfile.TemporaryDirectory(prefix="pressdiff-web-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        for item in read_inputs([str(path)]):
            renamed = source + item.source.removeprefix(str(path))
            yield replace(item, source=renamed)


def read_records(records: list[Any], source: str) -> Iterator[Item]:
    """JSON article records (``text`` required; ``outlet``, ``title``, ``url``,
    ``published``, ``id`` optional), read as one JSON Lines file; record N's source is
    ``source:N``."""
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    yield from _read_as(f"{_safe_name(source, 'request')}.jsonl", lines.encode("utf-8"), source)


def read_upload(filename: str, data: bytes) -> Iterator[Item]:
    """One uploaded file, read by its suffix like a file on disk (the suffixes
    ingest knows); the outlet falls back to the file's name."""
    name = _safe_name(filename, "upload.txt")
    lowered = name.lower()
    if Path(lowered).suffix and not any(lowered.endswith(s) for s in SUFFIX_KINDS if s):
        # On disk ingest sniffs a file without a known suffix; an uploaded picture
        # or archive would then be stored as text.
        known = ", ".join(sorted(s for s in SUFFIX_KINDS if s))
        suffix = Path(lowered).suffix
        yield Rejection(f"upload:{name}", f"unsupported file type {suffix} (readable: {known})")
        return
    yield from _read_as(name, data, f"upload:{name}")


def read_url(url: str, *, allow_private: bool) -> Iterator[Item]:
    """Fetch a URL through the address guard of :mod:`pressdiff.web.urls`, then read the
    page as ingest reads a saved page of its type; the outlet falls back to the site."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        yield Rejection(url, "not an http(s) URL")
        return
    try:
        data, content_type, final_url = fetch(
            url,
            allowed=any_address if allow_private else is_public,
            timeout=URL_TIMEOUT,
            max_bytes=MAX_BYTES,
        )
    except FetchError as error:
        yield Rejection(url, str(error))
        return
    mime = content_type.split(";")[0].strip().lower()
    suffix = _SUFFIX_OF_TYPE.get(mime, ".txt" if mime.startswith("text/") or not mime else "")
    if not suffix:
        yield Rejection(url, f"unsupported content type {mime}")
        return
    site = (urlsplit(final_url).hostname or "").removeprefix("www.")
    for item in _read_as(_safe_name(site, "page") + suffix, data, url):
        if isinstance(item, RawDocument) and item.url is None:
            item = replace(item, url=final_url)
        yield item
