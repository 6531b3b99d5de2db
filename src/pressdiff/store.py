"""Persist cleaned articles (and rejected inputs) in one SQLite file.

Why SQLite: one file a user can copy, crash-safe transactions, and readers
that never block the writer in WAL mode.  The store only grows, except when a
user explicitly deletes an article (:meth:`Store.delete`): nothing here
rewrites a row, so a run can only ever add to what is there.

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

Durability: each article is committed in its own transaction, so killing a
long ``pressdiff ingest`` loses at most the article being written.  WAL with
``synchronous=NORMAL`` keeps every committed transaction across a crash of
the process; only a power cut can lose the last few (never corrupt the file).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from pressdiff.model import Article, Rejection, Removed

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

_COLUMNS = "id, source, outlet, title, url, published, input_id, text, original, removed"


class StoreError(Exception):
    """The database cannot be used: not an SQLite file, or from a newer pressdiff."""


class Store:
    """A growing SQLite store of articles and rejections; also a context manager."""

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

    def delete(self, article_id: str) -> bool:
        """Remove one article at a user's request; False when no such article is stored."""
        cursor = self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return cursor.rowcount == 1

    def articles(self) -> list[Article]:
        """Every stored article, in the order they were first added."""
        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY rowid")
        return [_article(cursor.description, values) for values in cursor.fetchall()]

    def article(self, article_id: str) -> Article | None:
        """One stored article by id, or None."""
        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        values = cursor.fetchone()
        return None if values is None else _article(cursor.description, values)

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


def _article(description: tuple, values: tuple) -> Article:
    row = dict(zip((column[0] for column in description), values, strict=True))
    row["removed"] = [Removed(**r) for r in json.loads(row["removed"])]
    return Article(**row)


def _removed_json(r: Removed) -> dict[str, int | str]:
    return {"start": r.start, "end": r.end, "text": r.text, "reason": r.reason}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
