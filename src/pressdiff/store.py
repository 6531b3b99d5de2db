"""Persist cleaned articles, rejected inputs and story membership in one SQLite file.

Why SQLite: one file a user can copy, crash-safe transactions, and readers
that never block the writer in WAL mode.  The store only grows: nothing here
rewrites a row, so a run can only ever add to what is there; even a merge of
two stories is a new row (an alias), not a rewrite.  The one exception is a
user deleting an article (:meth:`Store.delete`, the web app's delete).

Schema (version 2, kept in ``PRAGMA user_version``)::

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
    -- version 2: stories (see pressdiff.stories)
    stories(
        id        TEXT PRIMARY KEY,  -- "story-" + hash of its first article's id
        title     TEXT,              -- its first article's title (or first line)
        added_at  TEXT NOT NULL
    )
    story_articles(
        article_id TEXT PRIMARY KEY, -- an article that has been put into a story
        story_id   TEXT NOT NULL,    -- the story it joined; follow story_aliases
        features   BLOB NOT NULL,    -- stories.Features, to rebuild the index cheaply
        added_at   TEXT NOT NULL
    )
    story_aliases(
        old_id     TEXT PRIMARY KEY, -- a story merged into another
        story_id   TEXT NOT NULL,    -- the story it merged into
        article_id TEXT NOT NULL,    -- the article whose arrival merged them
        added_at   TEXT NOT NULL
    )

Migrations: a version 1 file (articles and rejections only) gets the story
tables when it is opened; its articles are then *pending* (in no story) and
the next ``pressdiff ingest`` or ``analyze --db`` puts them into stories
(:class:`pressdiff.stories.StoryAssigner`).  A process killed between storing
an article and assigning it leaves it pending the same way.

Articles are keyed by content hash, so adding the same text twice (from the
same file read again, or from two outlets printing identical copy) stores it
once; the first source wins.

What annotation computed for an article (:mod:`pressdiff.annotate`: the
parse, and the MiniLM vectors of its pieces) is kept so that no article is
parsed or encoded twice; the table is created on open when missing, so a
database of any schema version gets it::

    annotations(
        article_id TEXT NOT NULL,    -- Article.id
        version    TEXT NOT NULL,    -- annotate.annotation_version(): models and format
        part       INTEGER NOT NULL, -- 0, 1, ...: later parts add vectors an analysis asked for
        doc        BLOB,             -- part 0 only: spaCy DocBin bytes of the parse
        texts      TEXT NOT NULL,    -- JSON list of the encoded pieces of the text
        vectors    BLOB NOT NULL,    -- float32 little-endian, one 384-wide row per text
        added_at   TEXT NOT NULL,
        PRIMARY KEY (article_id, version, part)
    )

Sentences, entities and tokens are not stored separately: they are offsets
read off the parse.

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

Each stored analysis also indexes the entities it found (``entity_names``, created the
same way, and filled from the stored analyses when a database first gets it): one row per
searchable term, the whole name and each of its words, case-folded::

    entity_names(term TEXT, article_id TEXT, label TEXT,  -- spaCy's entity label
                 PRIMARY KEY (term, article_id, label)) WITHOUT ROWID

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
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import numpy as np

from pressdiff.model import Article, Rejection, Removed, Story
from pressdiff.stories import ArticleMeta, describe

SCHEMA_VERSION = 2

# Each version's statements, applied in order to bring a file from the version
# before it; a new file runs them all.  Never edit a released version's list.
_MIGRATIONS: dict[int, tuple[str, ...]] = {}
_MIGRATIONS[1] = (
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
)
_MIGRATIONS[2] = (
    """CREATE TABLE stories (
        id        TEXT PRIMARY KEY,
        title     TEXT,
        added_at  TEXT NOT NULL
    )""",
    """CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY,
        story_id   TEXT NOT NULL,
        features   BLOB NOT NULL,
        added_at   TEXT NOT NULL
    )""",
    "CREATE INDEX story_articles_by_story ON story_articles (story_id)",
    """CREATE TABLE story_aliases (
        old_id     TEXT PRIMARY KEY,
        story_id   TEXT NOT NULL,
        article_id TEXT NOT NULL,
        added_at   TEXT NOT NULL
    )""",
)

_ANNOTATIONS = """CREATE TABLE IF NOT EXISTS annotations (
    article_id TEXT NOT NULL,
    version    TEXT NOT NULL,
    part       INTEGER NOT NULL,
    doc        BLOB,
    texts      TEXT NOT NULL,
    vectors    BLOB NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (article_id, version, part)
)"""
_VECTOR = np.dtype("<f4")
_WIDTH = 384

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

# The names each stored analysis found in each article, one row per searchable term (the
# whole name and each of its words, case-folded), so a search by entity is one indexed
# lookup instead of reading every article's annotations.
_ENTITY_NAMES = """CREATE TABLE IF NOT EXISTS entity_names (
    term       TEXT NOT NULL,
    article_id TEXT NOT NULL,
    label      TEXT NOT NULL,
    PRIMARY KEY (term, article_id, label)
) WITHOUT ROWID"""

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
    """The database cannot be used: not an SQLite file, from a newer pressdiff, a folder,
    unreadable, or (when adding) not writable.  The message starts with the path."""


class Store:
    """An append-only SQLite store of articles and rejections; also a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._check_path()
        try:
            # Autocommit mode: every statement outside an explicit BEGIN is its own
            # transaction, which is exactly the per-article commit we want.
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open the database ({e})") from None
        try:
            self._db.execute("PRAGMA busy_timeout = 5000")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(f"{self.path}: could not switch to WAL mode (got {mode!r})")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._create_or_check_schema()
            self._db.execute(_ANNOTATIONS)
            self._db.execute(_ANALYSES)
            self._create_entity_names()
        except sqlite3.OperationalError as e:
            self._db.close()
            raise StoreError(f"{self.path}: cannot open the database ({e})") from None
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"{self.path}: cannot open as a pressdiff database ({e})") from None
        except StoreError:
            self._db.close()
            raise

    def _check_path(self) -> None:
        """Say what is wrong with a path SQLite cannot use, before SQLite's vaguer errors."""
        try:
            mode = self.path.stat().st_mode
            if stat.S_ISREG(mode):
                self.path.open("rb").close()  # SQLite would only say "unable to open"
        except FileNotFoundError:
            if not self.path.parent.is_dir():
                raise StoreError(
                    f"{self.path}: the folder {self.path.parent} does not exist"
                ) from None
            return  # a new database
        except OSError as e:
            raise StoreError(f"{self.path}: cannot open the database ({e.strerror})") from None
        if stat.S_ISDIR(mode):
            raise StoreError(f"{self.path}: is a folder, not a database file")
        if not stat.S_ISREG(mode):
            raise StoreError(f"{self.path}: not a regular file")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn a failed write (a read-only file or folder, a full disk) into a StoreError."""
        try:
            yield
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: cannot write to the database ({e})") from None

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
            if (
                version == 0
                and self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            ):
                raise StoreError(f"{self.path}: an SQLite file, but not a pressdiff database")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step]:
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _create_entity_names(self) -> None:
        """Create the entity index; a database from before it gets it filled from the
        analyses it already stores (once, in the transaction that creates it).  Opening a
        database that has it takes no write lock."""
        if self._has_entity_names():
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if not self._has_entity_names():  # another process may have created it meanwhile
                self._db.execute(_ENTITY_NAMES)
                for (found,) in self._db.execute("SELECT annotations FROM analyses").fetchall():
                    self._add_entity_names(json.loads(found))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _has_entity_names(self) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entity_names'"
        return self._db.execute(query).fetchone() is not None

    def _add_entity_names(self, annotations: dict[str, dict[str, Any]]) -> None:
        rows = {
            (term, article_id, entity["label"])
            for article_id, found in annotations.items()
            for entity in found.get("entities", ())
            for term in _terms(entity["text"])
        }
        self._db.executemany("INSERT OR IGNORE INTO entity_names VALUES (?, ?, ?)", rows)

    def naming(self, name: str, labels: Iterable[str]) -> set[str]:
        """Ids of the articles an analysis found naming ``name`` with one of these entity
        labels: the whole name or one word of it, case-insensitive ("baldwin" finds
        "Alec Baldwin").  Articles no stored analysis has covered name nothing yet."""
        labels = list(labels)
        marks = ", ".join("?" * len(labels))
        rows = self._db.execute(
            f"SELECT DISTINCT article_id FROM entity_names WHERE term = ? AND label IN ({marks})",
            [name.strip().casefold(), *labels],
        )
        return {row[0] for row in rows}

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
            with self._writing():
                cursor = self._db.execute(
                    f"INSERT OR IGNORE INTO articles ({_COLUMNS}, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row, removed, _now()),
                )
            added += cursor.rowcount
        return added

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Every stored article in the order they were first added, or those of ``ids`` in
        the order given (ids not stored are skipped)."""
        if ids is None:
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY rowid")
            return [_article(row) for row in cursor]
        wanted = list(ids)
        found: dict[str, Article] = {}
        for chunk in range(0, len(wanted), 500):  # SQLite caps bound parameters
            part = wanted[chunk : chunk + 500]
            marks = ", ".join("?" * len(part))
            query = f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks})"
            found.update((a.id, a) for a in map(_article, self._db.execute(query, part)))
        return [found[i] for i in wanted if i in found]

    def matching(self, words: Iterable[str]) -> set[str]:
        """Ids of the articles whose text, title or outlet contains every one of ``words``
        (case-insensitive for ASCII letters, as SQLite's LIKE is)."""
        clauses, values = [], []
        for word in words:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(
                "(text LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR outlet LIKE ? ESCAPE '\\')"
            )
            values += [pattern] * 3
        where = " AND ".join(clauses) or "1"
        return {
            row[0] for row in self._db.execute(f"SELECT id FROM articles WHERE {where}", values)
        }

    def delete(self, article_id: str) -> bool:
        """Remove an article, its place in its story and its kept annotations, at a user's
        request; False when no such article is stored.  The next
        :class:`~pressdiff.stories.StoryAssigner` built over the store no longer knows it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("DELETE FROM story_articles WHERE article_id = ?", (article_id,))
            self._db.execute("DELETE FROM annotations WHERE article_id = ?", (article_id,))
            self._db.execute("DELETE FROM entity_names WHERE article_id = ?", (article_id,))
            deleted = self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return deleted == 1

    # --- stories (written by pressdiff.stories.StoryAssigner) ---------------

    def story_of(self, article_id: str) -> str | None:
        """The current id of the story an article is in (None: unknown, or in no story yet)."""
        row = self._db.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else self.resolve(row[0])

    def pending(self) -> Iterator[Article]:
        """Stored articles in no story yet, in the order they were added."""
        cursor = self._db.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE id NOT IN "
            "(SELECT article_id FROM story_articles) ORDER BY rowid"
        )
        for row in cursor.fetchall():
            yield _article(row)

    def assign(
        self,
        article_id: str,
        story_id: str,
        features: bytes,
        title: str | None = None,
        merged: Iterable[str] = (),
    ) -> None:
        """Record that an article joined a story (new stories get ``title``) and that its
        arrival merged the ``merged`` stories into it; all in one transaction."""
        now = _now()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT OR IGNORE INTO stories (id, title, added_at) VALUES (?, ?, ?)",
                (story_id, title, now),
            )
            self._db.execute(
                "INSERT INTO story_articles (article_id, story_id, features, added_at) "
                "VALUES (?, ?, ?, ?)",
                (article_id, story_id, features, now),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO story_aliases (old_id, story_id, article_id, added_at) "
                "VALUES (?, ?, ?, ?)",
                [(old, story_id, article_id, now) for old in merged],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def assignments_mark(self) -> tuple[int, int]:
        """Changes whenever any process puts an article into a story (and a deletion changes
        the count): a story index kept in memory compares it to tell whether another process,
        such as ``pressdiff ingest`` beside the web app, added to the store since."""
        row = self._db.execute("SELECT count(*), ifnull(max(rowid), 0) FROM story_articles")
        count, last = row.fetchone()
        return count, last

    def assignments(self) -> Iterator[tuple[str, str, bytes, list[str]]]:
        """Every assignment in the order made: article id, the story it joined, its
        features, and the stories its arrival merged (to rebuild the story index)."""
        merged: dict[str, list[str]] = {}
        for old, article_id in self._db.execute(
            "SELECT old_id, article_id FROM story_aliases ORDER BY rowid"
        ):
            merged.setdefault(article_id, []).append(old)
        cursor = self._db.execute(
            "SELECT article_id, story_id, features FROM story_articles ORDER BY rowid"
        )
        for article_id, story_id, features in cursor:
            yield article_id, story_id, features, merged.get(article_id, [])

    def resolve(self, story_id: str) -> str | None:
        """The current id of a story, following merges (None for an unknown id)."""
        seen: set[str] = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self._db.execute(
                "SELECT story_id FROM story_aliases WHERE old_id = ?", (story_id,)
            ).fetchone()
            if row is None:
                break
            story_id = row[0]
        exists = self._db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone()
        return story_id if exists else None

    def stories(self) -> list[Story]:
        """Every current story (merged ones folded into their survivor), oldest first;
        each with its articles in the order they joined."""
        with self._snapshot():
            return self._stories()

    def _stories(self) -> list[Story]:
        aliases = dict(self._db.execute("SELECT old_id, story_id FROM story_aliases"))
        members: dict[str, list[ArticleMeta]] = {}
        titles: dict[str, str | None] = {}
        for sid, title in self._db.execute("SELECT id, title FROM stories ORDER BY rowid"):
            if sid not in aliases:
                members[sid] = []
                titles[sid] = title
        cursor = self._db.execute(
            "SELECT s.story_id, a.id, a.input_id, a.outlet, a.published "
            "FROM story_articles s JOIN articles a ON a.id = s.article_id ORDER BY s.rowid"
        )
        for sid, *meta in cursor:
            members[_follow(aliases, sid)].append(ArticleMeta(*meta))
        # A story whose every article was deleted is no longer listed.
        return [describe(sid, titles[sid], metas) for sid, metas in members.items() if metas]

    def story(self, story_id: str) -> Story | None:
        """One story by its id or by the id of a story merged into it; None if unknown."""
        with self._snapshot():
            return self._story(story_id)

    def _story(self, story_id: str) -> Story | None:
        current = self.resolve(story_id)
        if current is None:
            return None
        aliases = dict(self._db.execute("SELECT old_id, story_id FROM story_aliases"))
        names = [current, *(old for old in aliases if _follow(aliases, old) == current)]
        marks = ", ".join("?" * len(names))
        cursor = self._db.execute(
            "SELECT a.id, a.input_id, a.outlet, a.published FROM story_articles s "
            f"JOIN articles a ON a.id = s.article_id WHERE s.story_id IN ({marks}) "
            "ORDER BY s.rowid",
            names,
        )
        metas = [ArticleMeta(*row) for row in cursor]
        (title,) = self._db.execute("SELECT title FROM stories WHERE id = ?", (current,)).fetchone()
        return describe(current, title, metas)

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction, so that the several SELECTs of a listing see the same
        committed state: a story assigned by another connection between two of them
        would otherwise have members but no row (WAL readers never block the writer)."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def add_annotations(
        self, article_id: str, version: str, doc: bytes, vectors: dict[str, np.ndarray]
    ) -> int:
        """Keep an article's parse and the vectors not kept yet; return how many vectors were new.

        Rows are only ever added: vectors an analysis encoded after the first
        save go into the next ``part``, in one transaction per call.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            rows = self._db.execute(
                "SELECT part, texts FROM annotations WHERE article_id = ? AND version = ?",
                (article_id, version),
            ).fetchall()
            kept = {text for _, texts in rows for text in json.loads(texts)}
            new = [t for t in vectors if t not in kept]
            if new or not rows:
                matrix = np.stack([vectors[t] for t in new]) if new else np.zeros((0, _WIDTH))
                self._db.execute(
                    "INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        *(article_id, version, len(rows), None if rows else doc),
                        json.dumps(new, ensure_ascii=False),
                        matrix.astype(_VECTOR).tobytes(),
                        _now(),
                    ),
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return len(new)

    def annotations(self, article_id: str, version: str) -> tuple[bytes, dict[str, np.ndarray]]:
        """The kept parse and vectors of an article, or (b"", {}) when none of this version."""
        doc, vectors = b"", {}
        rows = self._db.execute(
            "SELECT doc, texts, vectors FROM annotations "
            "WHERE article_id = ? AND version = ? ORDER BY part",
            (article_id, version),
        )
        for part_doc, texts, blob in rows:
            doc = part_doc if part_doc is not None else doc
            matrix = np.frombuffer(blob, dtype=_VECTOR).reshape(-1, _WIDTH)
            vectors.update(zip(json.loads(texts), matrix.astype(np.float32), strict=True))
        return doc, vectors

    def add_rejection(self, rejection: Rejection) -> bool:
        """Record a rejected input; False when the same source and reason are already there."""
        with self._writing():
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
        """Keep one story's analysis, and index the names it found, in one transaction (the
        same analysis twice: the first stays)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._insert_analysis(analysis)
            self._add_entity_names(analysis.annotations)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _insert_analysis(self, analysis: StoredAnalysis) -> None:
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


def _article(row: sqlite3.Row | tuple) -> Article:
    values = dict(zip(_COLUMNS.split(", "), row, strict=True))
    values["removed"] = [Removed(**r) for r in json.loads(values["removed"])]
    return Article(**values)


def _follow(aliases: dict[str, str], story_id: str) -> str:
    seen: set[str] = set()
    while story_id in aliases and story_id not in seen:
        seen.add(story_id)
        story_id = aliases[story_id]
    return story_id


def _removed_json(r: Removed) -> dict[str, int | str]:
    return {"start": r.start, "end": r.end, "text": r.text, "reason": r.reason}


def _terms(name: str) -> set[str]:
    """What a search finds a name by: the whole name and each of its words, case-folded."""
    folded = " ".join(name.casefold().split())
    return {folded, *folded.split()} - {""}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
