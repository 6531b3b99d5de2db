"""The durable queue of stories that need an analysis, in the store's own SQLite file.

Why a table and not a list in memory: a server stopped in the middle of an
analysis (or before it started one) must resume it on its next start.  A row
is written in the same file as the articles, right after they are stored, and
deleted only once the analysis has finished, so a kill at any moment leaves
either the row (the work is redone) or the finished result.

    analysis_queue(
        story_id     TEXT PRIMARY KEY,
        requested_at TEXT NOT NULL   -- UTC, ISO 8601; the worker takes the oldest first
    )

The table belongs to the web shell, not to :mod:`pressdiff.store`: it is
created on first use and ignored by everything else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

_CREATE = """CREATE TABLE IF NOT EXISTS analysis_queue (
    story_id     TEXT PRIMARY KEY,
    requested_at TEXT NOT NULL
)"""


def _connect(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db, isolation_level=None, timeout=5.0)
    connection.execute(_CREATE)
    return connection


def enqueue(db: Path, story_ids: Iterable[str]) -> None:
    """Ask for these stories to be analysed (again); asking twice queues once."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    with closing(_connect(db)) as connection:
        connection.executemany(
            "INSERT INTO analysis_queue (story_id, requested_at) VALUES (?, ?) "
            "ON CONFLICT (story_id) DO UPDATE SET requested_at = excluded.requested_at",
            [(story_id, now) for story_id in story_ids],
        )


def pending(db: Path) -> list[tuple[str, str]]:
    """The stories waiting for an analysis with the time each was asked for, oldest first."""
    with closing(_connect(db)) as connection:
        rows = connection.execute(
            "SELECT story_id, requested_at FROM analysis_queue ORDER BY requested_at"
        )
        return list(rows)


def finish(db: Path, story_id: str, requested_at: str) -> None:
    """Drop a story from the queue once the analysis asked for at ``requested_at`` is done.

    A request that came in while it ran has a later time and stays queued, so an
    article added mid-analysis is never left out of its story's analysis.
    """
    with closing(_connect(db)) as connection:
        connection.execute(
            "DELETE FROM analysis_queue WHERE story_id = ? AND requested_at = ?",
            (story_id, requested_at),
        )
