"""Persist cleaned articles (and rejected inputs) in one SQLite file.

Why SQLite: one file a user can copy, crash-safe transactions, and readers
that never block the writer in WAL mode.  The store is append-only: nothing
here deletes or rewrites a row, so a run can only ever add to what is there.

Schema (version 1, kept in ``PRAGMA user_version``)::

    articles(
        id        TEXT PRIMARY KEY,  -- Article.id: the cleaner's content hash
        source    TEXT NOT NULL,     -- the path or URL the text was read from
        outlet    TEXT NOT NULL,
        title     TEXT, url TEXT, published TEXT,
        text      TEXT NOT NULL,     -- cleaned text; every offset refers to it
        original  TEXT NOT NULL,     -- text as read; Removed offsets refer to it
        removed   TEXT NOT NULL,     -- JSON list of {start, end, text, reason}
        added_at  TEXT NOT NULL      -- UTC time of insertion, ISO 8601
    )
    rejections(
        source    TEXT NOT NULL,
        reason    TEXT NOT NULL,
        added_at  TEXT NOT NULL,
        UNIQUE (source, reason)
    )

Articles are keyed by content hash, so adding the same text twice (from the
same file read again, or from two outlets printing identical copy) stores it
once; the first source wins.  Annotations (sentences, entities, tokens) are
not stored: they are recomputed from ``text`` by :mod:`pressdiff.annotate`.

Stored analyses (``analyses``) are the one table that is not part of the
versioned schema above yet: it is created with ``CREATE TABLE IF NOT EXISTS``
whenever a database is opened, so databases of every version get it::

    analyses(
        story_id     TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,  -- :func:`fingerprint` of the story's articles
        version      TEXT NOT NULL,  -- the pressdiff analysis version that made it
        article_ids  TEXT NOT NULL,  -- JSON list, in the order the analysis saw them
        story        TEXT NOT NULL,  -- the JSON report's object for this story
        annotations  TEXT NOT NULL,  -- JSON {article id: {sentences, entities}}
        seconds      REAL NOT NULL,  -- how long the analysis took
        analysed_at  TEXT NOT NULL,
        PRIMARY KEY (story_id, fingerprint, version)
    )

A story's current analysis is its latest row whose fingerprint and version
match the story's articles now and this pressdiff; older rows stay (the store
stays append-only), so going back to an earlier version costs nothing.

Durability: each article is committed in its own transaction, so killing a
long ``pressdiff ingest`` loses at most the article being written.  WAL with
``synchronous=NORMAL`` keeps every committed transaction across a crash of
the process; only a power cut can lose the last few (never corrupt the file).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from pressdiff.model import Article, Rejection, Removed, Story

SCHEMA_VERSION = 1

_SCHEMA = (
    """CREATE TABLE articles (
        id        TEXT PRIMARY KEY,
        source    TEXT NOT NULL,
        outlet    TEXT NOT NULL,
        title     TEXT,
        url       TEXT,
        published TEXT,
        input_id  TEXT,
        text      TEXT NOT NULL,
        original  TEXT NOT NULL,
        removed   TEXT NOT NULL,
        added_at  TEXT NOT NULL
    )""",
    """CREATE TABLE rejections (
        source    TEXT NOT NULL,
        reason    TEXT NOT NULL,
        added_at  TEXT NOT NULL,
        UNIQUE (source, reason)
    )""",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)

_ANALYSES = """CREATE TABLE IF NOT EXISTS analyses (
    story_id     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    version      TEXT NOT NULL,
    article_ids  TEXT NOT NULL,
    story        TEXT NOT NULL,
    annotations  TEXT NOT NULL,
    seconds      REAL NOT NULL,
    analysed_at  TEXT NOT NULL,
    PRIMARY KEY (story_id, fingerprint, version)
)"""

# What a story's fingerprint covers: the articles' content (their id is the
# hash of the cleaned text) and the metadata the analyses read.
_FINGERPRINTED = "id, outlet, title, url, published"

_COLUMNS = "id, source, outlet, title, url, published, input_id, text, original, removed"


@dataclass(frozen=True)
class StoredAnalysis:
    """One story's analysis as the store keeps it: plain JSON values, no live objects.

    ``story`` is exactly the story's object in the JSON report (its findings,
    reuse, quotes, claims and consensus), so the web app and exports read it
    without pressdiff's record classes.  ``annotations`` holds the sentences
    and entities the analysis computed for each article, which the report
    shows beside the text.
    """

    story_id: str
    article_ids: list[str]
    fingerprint: str
    version: str
    story: dict[str, Any]
    annotations: dict[str, dict[str, Any]]
    seconds: float
    analysed_at: str = ""


class StoreError(Exception):
    """The database cannot be used: not an SQLite file, or from a newer pressdiff."""


class Store:
    """An append-only SQLite store of articles and rejections; also a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise StoreError(f"{self.path}: the folder {self.path.parent} does not exist")
        # Autocommit mode: every statement outside an explicit BEGIN is its own
        # transaction, which is exactly the per-article commit we want.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._db.execute("PRAGMA busy_timeout = 5000")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(f"{self.path}: could not switch to WAL mode (got {mode!r})")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._create_or_check_schema()
            self._db.execute(_ANALYSES)
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"{self.path}: cannot open as a pressdiff database ({e})") from None
        except StoreError:
            self._db.close()
            raise

    def _create_or_check_schema(self) -> None:
        # BEGIN IMMEDIATE takes the write lock first, so two processes opening
        # a new file at once cannot both create the tables.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {version} is newer than this pressdiff "
                    f"understands ({SCHEMA_VERSION}); upgrade pressdiff"
                )
            if version == 0:
                if self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise StoreError(f"{self.path}: an SQLite file, but not a pressdiff database")
                for statement in _SCHEMA:
                    self._db.execute(statement)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def add(self, articles: Iterable[Article]) -> int:
        """Store each article not stored yet; return how many were new.

        Each article is committed before the next is read, so ``articles``
        may be a long generator and an interruption keeps all earlier ones.
        """
        added = 0
        for a in articles:
            removed = json.dumps([_removed_json(r) for r in a.removed], ensure_ascii=False)
            row = (
                *(a.id, a.source, a.outlet, a.title, a.url, a.published, a.input_id),
                *(a.text, a.original),
            )
            cursor = self._db.execute(
                f"INSERT OR IGNORE INTO articles ({_COLUMNS}, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*row, removed, _now()),
            )
            added += cursor.rowcount
        return added

    def articles(self) -> list[Article]:
        """Every stored article, in the order they were first added."""
        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY rowid")
        names = [column[0] for column in cursor.description]
        articles = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            row["removed"] = [Removed(**r) for r in json.loads(row["removed"])]
            articles.append(Article(**row))
        return articles

    def add_rejection(self, rejection: Rejection) -> bool:
        """Record a rejected input; False when the same source and reason are already there."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO rejections (source, reason, added_at) VALUES (?, ?, ?)",
            (rejection.source, rejection.reason, _now()),
        )
        return cursor.rowcount == 1

    def rejections(self) -> list[Rejection]:
        """Every recorded rejection, oldest first."""
        rows = self._db.execute("SELECT source, reason FROM rejections ORDER BY rowid")
        return [Rejection(source, reason) for source, reason in rows]

    def save_analysis(self, analysis: StoredAnalysis) -> None:
        """Keep one story's analysis in one transaction (the same one twice: the first stays)."""
        self._db.execute(
            "INSERT OR IGNORE INTO analyses (story_id, fingerprint, version, article_ids, "
            "story, annotations, seconds, analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *(analysis.story_id, analysis.fingerprint, analysis.version),
                json.dumps(analysis.article_ids),
                json.dumps(analysis.story, ensure_ascii=False),
                json.dumps(analysis.annotations, ensure_ascii=False),
                *(analysis.seconds, analysis.analysed_at or _now()),
            ),
        )

    def analysis(
        self, story_id: str, fingerprint: str | None = None, version: str | None = None
    ) -> StoredAnalysis | None:
        """A story's latest stored analysis, or the latest with this fingerprint and version.

        Pass the story's current :meth:`fingerprint` and the running analysis
        version to get only a current analysis (None when it is missing or stale).
        """
        query = (
            "SELECT story_id, article_ids, fingerprint, version, story, annotations, seconds, "
            "analysed_at FROM analyses WHERE story_id = ?"
        )
        params = [story_id]
        if fingerprint is not None:
            query, params = query + " AND fingerprint = ?", [*params, fingerprint]
        if version is not None:
            query, params = query + " AND version = ?", [*params, version]
        row = self._db.execute(query + " ORDER BY rowid DESC LIMIT 1", params).fetchone()
        if row is None:
            return None
        sid, ids, fp, made_by, story, found, seconds, at = row
        return StoredAnalysis(
            sid, json.loads(ids), fp, made_by, json.loads(story), json.loads(found), seconds, at
        )

    def fingerprint(self, article_ids: Iterable[str]) -> str:
        """:func:`fingerprint` of stored articles, read without loading their text."""
        ids = list(article_ids)
        rows: list[tuple] = []
        for i in range(0, len(ids), 500):  # SQLite caps the number of ? per statement
            chunk = ids[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT {_FINGERPRINTED} FROM articles WHERE id IN ({marks})", chunk
            ).fetchall()
        if len(rows) != len(set(ids)):
            missing = sorted(set(ids) - {r[0] for r in rows})
            raise StoreError(f"{self.path}: story articles not in the store: {missing[:3]}")
        return _fingerprint(rows)

    def analysis_status(self, story: Story, version: str) -> AnalysisStatus:
        """Whether the story's stored analysis is ``current``, ``missing``, or stale (and why)."""
        stored = self._db.execute(
            "SELECT fingerprint, version FROM analyses WHERE story_id = ? ORDER BY rowid DESC",
            (story.id,),
        ).fetchall()
        if not stored:
            return "missing"
        now = self.fingerprint(story.article_ids)
        if (now, version) in stored:
            return "current"
        return "stale: articles changed" if all(fp != now for fp, _ in stored) else "stale: version"

    def stale_stories(self, stories: Iterable[Story], version: str) -> list[Story]:
        """The stories whose analysis is missing or stale, in the order given."""
        return [s for s in stories if self.analysis_status(s, version) != "current"]

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


AnalysisStatus = Literal["current", "missing", "stale: articles changed", "stale: version"]


def fingerprint(articles: Iterable[Article]) -> str:
    """A digest of what a story's analysis depends on in its articles, in any order.

    Article ids are content hashes of the cleaned text, so this changes when an
    article is added, removed or replaced, and when the metadata the analyses
    read (outlet, title, URL, publication time) differs.
    """
    return _fingerprint((a.id, a.outlet, a.title, a.url, a.published) for a in articles)


def _fingerprint(rows: Iterable[tuple]) -> str:
    text = json.dumps(sorted(list(r) for r in rows), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _removed_json(r: Removed) -> dict[str, int | str]:
    return {"start": r.start, "end": r.end, "text": r.text, "reason": r.reason}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
