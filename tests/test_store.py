"""The SQLite store on real articles: idempotent, persistent, WAL, and safe to kill."""

from __future__ import annotations

import dataclasses
import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from pressdiff.model import Article, Rejection, Removed
from pressdiff.store import SCHEMA_VERSION, Store, StoreError

FNC1_BODIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1" / "train_bodies.csv"


def article(path: Path) -> Article:
    """An Article as the cleaner would make it, with the first line removed as debris."""
    original = path.read_text(encoding="utf-8")
    cut = original.index("\n")
    text = original[cut:].strip()
    return Article(
        id=hashlib.sha256(text.encode()).hexdigest(),
        source=str(path),
        outlet=path.stem,
        text=text,
        original=original,
        title=original[:cut],
        removed=[Removed(0, cut, original[:cut], "first line, for the test")],
    )


@pytest.fixture
def articles(example_paths) -> list[Article]:
    return [article(p) for p in example_paths]


def test_adding_twice_adds_nothing_the_second_time(tmp_path, articles):
    with Store(tmp_path / "news.db") as store:
        assert store.add(articles) == 5
        assert store.add(articles) == 0
        assert store.add(reversed(articles)) == 0
        assert len(store) == 5
        assert store.articles() == articles  # every field round-trips, in insertion order


def test_same_text_from_another_source_is_stored_once(tmp_path, articles):
    copy = dataclasses.replace(articles[0], source="elsewhere.txt", outlet="Other")
    with Store(tmp_path / "news.db") as store:
        assert store.add([articles[0], copy]) == 1
        assert store.articles()[0].source == articles[0].source  # the first source wins


def test_reopening_keeps_articles_and_rejections(tmp_path, articles):
    path = tmp_path / "news.db"
    bad = Rejection("notes.txt", "empty file")
    with Store(path) as store:
        store.add(articles[:3])
        assert store.add_rejection(bad) is True
    with Store(path) as store:
        assert store.articles() == articles[:3]
        assert store.add(articles) == 2
        assert store.add_rejection(bad) is False  # recorded once
        assert store.add_rejection(Rejection("notes.txt", "binary file")) is True
        assert store.rejections() == [bad, Rejection("notes.txt", "binary file")]


def test_delete_and_search(tmp_path, articles):
    from pressdiff.stories import StoryAssigner

    with Store(tmp_path / "a.db") as store:
        store.add(articles)
        StoryAssigner(store).assign_pending()
        story = store.story_of(articles[2].id)
        assert story is not None and articles[2].id in store.story(story).article_ids
        assert store.matching(["Baldwin", "trigger"]) >= {articles[0].id}
        assert store.matching(["baldwin", "no-such-word"]) == set()
        assert store.matching(["100%"]) == set()  # % is a character, not a wildcard
        assert store.delete(articles[2].id) is True
        assert store.delete(articles[2].id) is False
        assert store.articles([articles[2].id]) == [] and store.story_of(articles[2].id) is None
        assert all(articles[2].id not in s.article_ids for s in store.stories())
        assert [a.id for a in store.articles()] == [a.id for a in articles if a is not articles[2]]
        assert store.add([articles[2]]) == 1  # a deleted article can be added again
        assert [a.id for a in store.pending()] == [articles[2].id]


def test_wal_mode_and_schema_version_are_on_disk(tmp_path, articles):
    path = tmp_path / "news.db"
    with Store(path) as store:
        store.add(articles[:1])
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    finally:
        raw.close()


def test_refuses_files_it_does_not_understand(tmp_path, example_paths):
    text_file = tmp_path / "article.db"
    text_file.write_bytes(example_paths[0].read_bytes())
    with pytest.raises(StoreError, match="cannot open as a pressdiff database"):
        Store(text_file)

    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(StoreError, match="not a pressdiff database"):
        Store(other)

    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "folder.db")

    newer = tmp_path / "newer.db"
    Store(newer).close()
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer than this pressdiff"):
        Store(newer)


# The writer stores FNC-1 bodies from a generator and prints each id once the
# store has asked for the next article, i.e. once that one is committed.  Its
# output (65 bytes an id, 1,683 ids) overflows the pipe, so it cannot finish
# before the test has read what it needs and killed it.
_WRITER = textwrap.dedent(
    """
    import csv, hashlib, sys
    from pressdiff.model import Article
    from pressdiff.store import Store

    csv.field_size_limit(sys.maxsize)

    def bodies():
        with open(sys.argv[2], encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                text = row["articleBody"]
                digest = hashlib.sha256(text.encode()).hexdigest()
                yield Article(id=digest, source="fnc1:" + row["Body_ID"], outlet="fnc1",
                              text=text, original=text)
                print(digest, flush=True)

    Store(sys.argv[1]).add(bodies())
    """
)


def test_killing_the_writer_loses_nothing_committed(tmp_path):
    path = tmp_path / "news.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(FNC1_BODIES)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        committed = [writer.stdout.readline().strip() for _ in range(50)]
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert all(len(c) == 64 for c in committed)
    with Store(path) as store:
        stored = {a.id for a in store.articles()}
        assert set(committed) <= stored
        assert len(store) < 1683  # it really was killed mid-run
        assert store.add(store.articles()) == 0
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()


def test_a_folder_or_an_unreadable_file_is_refused_with_its_reason(tmp_path, unprivileged):
    with pytest.raises(StoreError, match=r"^[^:]+: is a folder, not a database file$"):
        Store(tmp_path)
    locked = tmp_path / "locked.db"
    Store(locked).close()
    locked.chmod(0)
    opener = "import sys; from pressdiff.store import Store; Store(sys.argv[1])"
    done = subprocess.run(
        [*unprivileged, sys.executable, "-c", opener, str(locked)], capture_output=True, text=True
    )
    assert done.stderr.strip().endswith(
        f"StoreError: {locked}: cannot open the database (Permission denied)"
    )


def test_annotations_are_kept_in_parts_and_read_back(tmp_path, articles):
    """The parse goes in once; vectors added later are appended, never rewritten."""
    first = {"A sentence.": np.full(384, 0.5, dtype=np.float32)}
    later = {**first, "A claim": np.arange(384, dtype=np.float32)}
    with Store(tmp_path / "news.db") as store:
        store.add(articles[:1])
        assert store.annotations(articles[0].id, "v1") == (b"", {})
        assert store.add_annotations(articles[0].id, "v1", b"parse", first) == 1
        assert store.add_annotations(articles[0].id, "v1", b"parse", first) == 0
        assert store.add_annotations(articles[0].id, "v1", b"other parse", later) == 1
    with Store(tmp_path / "news.db") as store:
        doc, vectors = store.annotations(articles[0].id, "v1")
        assert store.annotations(articles[0].id, "v2") == (b"", {})
    assert doc == b"parse"
    assert vectors.keys() == later.keys()
    for text, vector in later.items():
        assert np.array_equal(vectors[text], vector)
    raw = sqlite3.connect(tmp_path / "news.db")
    assert [r[0] for r in raw.execute("SELECT part FROM annotations ORDER BY part")] == [0, 1]
    raw.close()


def test_a_database_without_the_annotations_table_gets_it(tmp_path, articles):
    with Store(tmp_path / "news.db") as store:
        store.add(articles)
    raw = sqlite3.connect(tmp_path / "news.db")
    raw.execute("DROP TABLE annotations")
    raw.close()
    with Store(tmp_path / "news.db") as store:
        assert len(store) == 5
        assert store.add_annotations(articles[0].id, "v1", b"parse", {}) == 0
        assert store.annotations(articles[0].id, "v1") == (b"parse", {})
