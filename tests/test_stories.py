"""Story grouping on real FNC-1 bodies: in one `analyze`, over two ingests, and after a migration.

The stories are FNC-1's (bodies linked through related headlines, as
``../shared/data/README.md`` defines them; ``bench/reuse_generate.load_stories``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import jsonschema
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from typer.testing import CliRunner

from pressdiff import pipeline
from pressdiff.cli import app
from pressdiff.model import Article
from pressdiff.report import render_html, render_json, report_schema
from pressdiff.store import SCHEMA_VERSION, Store
from pressdiff.stories import (
    N_FEATURES,
    Features,
    StoryAssigner,
    StoryConfig,
    StoryIndex,
    entity_names,
    features,
    lead,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from reuse_generate import load_stories  # noqa: E402

runner = CliRunner()

# Three unrelated FNC-1 stories (a meteorite in Managua, a Quarter Pounder kept
# for years, a shar pei abandoned at a station), three bodies each, and one body
# of a fourth story (an engineer in New Delhi) on its own.
STORIES = (0, 5, 16)
LONE = 35
PER_STORY = 3


@pytest.fixture(scope="module")
def fnc1() -> dict[str, list[tuple[str, str]]]:
    """Gold stories, keyed by their first body id: ``[(input id, body), ...]``."""
    bodies, groups = load_stories()
    by_first = {g[0]: g for g in groups}
    chosen = {}
    for first in (*STORIES, LONE):
        short = [b for b in by_first[first] if 600 < len(bodies[b]) < 2000]
        take = 1 if first == LONE else PER_STORY
        chosen[str(first)] = [(f"fnc1-{b}", bodies[b]) for b in short[:take]]
    return chosen


def _jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for input_id, text in rows:
            f.write(json.dumps({"id": input_id, "text": text, "outlet": input_id}) + "\n")
    return path


def _interleaved(fnc1: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The bodies one story after another in turn, as a day's feed would mix them."""
    rows = []
    for i in range(PER_STORY):
        rows += [members[i] for members in fnc1.values() if i < len(members)]
    return rows


def _partition(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def _gold(fnc1: dict[str, list[tuple[str, str]]]) -> set[frozenset[str]]:
    return _partition([[input_id for input_id, _ in members] for members in fnc1.values()])


def _stories_json(db: Path) -> list[dict]:
    result = runner.invoke(app, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def day(fnc1, tmp_path_factory) -> tuple[Path, pipeline.Report]:
    """The stories' bodies interleaved in one JSON Lines file, and `analyze`'s report of it."""
    feed = _jsonl(tmp_path_factory.mktemp("day") / "day.jsonl", _interleaved(fnc1))
    articles, rejected = pipeline.load([str(feed)])
    return feed, pipeline.analyse(articles, rejected)


@pytest.mark.slow
def test_one_analyze_finds_each_story_and_leaves_the_lone_article_unanalysed(fnc1, day):
    report = json.loads(render_json(day[1]))
    jsonschema.validate(report, report_schema())
    assert report["schema_version"] == "2.1"
    assert _partition([s["input_ids"] for s in report["stories"]]) == _gold(fnc1)
    inputs = {a["id"]: a["input_id"] for a in report["articles"]}
    for story in report["stories"]:
        assert story["input_ids"] == [inputs[a] for a in story["article_ids"]]
        alone = len(story["article_ids"]) == 1
        assert (story["reuse"] is None) == alone, story["id"]
        assert (story["claims"] is None) == alone
        if alone:
            assert story["findings"] == []
    # Every finding compares articles of its own story, never across stories.
    for story in report["stories"]:
        members = set(story["article_ids"])
        for finding in story["findings"]:
            cited = {finding["article_id"], *(e["article_id"] for e in finding["evidence"])}
            assert cited <= members


@pytest.mark.slow
def test_html_opens_on_an_index_of_the_stories(day):
    report = day[1]
    page = render_html(report)
    assert '<body class="many">' in page and 'id="index"' in page
    index = page[page.index('id="index"') : page.index("</section>", page.index('id="index"'))]
    for story in report.stories:
        assert f'href="#{story.story.id}"' in index
        assert f'<section class="story" id="{story.story.id}">' in page
    assert index.count("<tr>") == len(report.stories) + 1  # the header and one row a story
    assert "one article, not compared" in index


def test_one_story_keeps_unrelated_articles_together(fnc1, tmp_path):
    feed = _jsonl(tmp_path / "two.jsonl", [fnc1["0"][0], fnc1[str(LONE)][0]])
    result = runner.invoke(app, ["analyze", str(feed), "--one-story", "--format", "json"])
    assert result.exit_code == 0, result.output
    (story,) = json.loads(result.stdout)["stories"]
    assert story["input_ids"] == ["fnc1-0", fnc1[str(LONE)][0][0]]


def test_two_ingests_give_the_stories_of_one_with_the_same_ids(fnc1, tmp_path):
    rows = _interleaved(fnc1)
    whole = tmp_path / "whole.db"
    result = runner.invoke(
        app, ["ingest", str(_jsonl(tmp_path / "all.jsonl", rows)), "--db", str(whole)]
    )
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} articles in {len(fnc1)} stories" in result.stderr

    split = tmp_path / "split.db"
    cut = len(rows) // 2
    first = _jsonl(tmp_path / "first.jsonl", rows[:cut])
    second = _jsonl(tmp_path / "second.jsonl", rows[cut:])
    assert runner.invoke(app, ["ingest", str(first), "--db", str(split)]).exit_code == 0
    before = _stories_json(split)
    assert runner.invoke(app, ["ingest", str(second), "--db", str(split)]).exit_code == 0
    after = _stories_json(split)

    assert _partition([s["input_ids"] for s in after]) == _gold(fnc1)
    assert [(s["id"], s["article_ids"]) for s in after] == [
        (s["id"], s["article_ids"]) for s in _stories_json(whole)
    ]
    # A story keeps its id as it grows: every first-batch story is still there, larger or equal.
    now = {s["id"]: s for s in after}
    for story in before:
        assert story["article_ids"] == now[story["id"]]["article_ids"][: len(story["article_ids"])]


def test_stories_json_lists_what_the_issue_asks(fnc1, tmp_path):
    db = tmp_path / "news.db"
    rows = [
        *fnc1["5"][:2],
        *fnc1[str(LONE)],
    ]
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as f:
        for n, (input_id, text) in enumerate(rows):
            record = {"id": input_id, "text": text, "outlet": f"outlet{n}"}
            record["published"] = f"2015-0{n + 1}-10T08:00:00Z"
            f.write(json.dumps(record) + "\n")
    assert runner.invoke(app, ["ingest", str(feed), "--db", str(db)]).exit_code == 0
    listed = _stories_json(db)
    assert [s["input_ids"] for s in listed] == [
        ["fnc1-" + i.split("-")[1] for i, _ in rows[:2]],
        [rows[2][0]],
    ]
    burger = listed[0]
    assert set(burger) >= {
        "id",
        "title",
        "article_ids",
        "input_ids",
        "outlets",
        "first_published",
        "last_published",
    }
    assert burger["outlets"] == ["outlet0", "outlet1"]
    assert (burger["first_published"], burger["last_published"]) == (
        "2015-01-10T08:00:00Z",
        "2015-02-10T08:00:00Z",
    )
    assert burger["title"].endswith("…") and burger["title"][:-1] in rows[0][1]
    with Store(db) as store:
        assert store.story(burger["id"]).article_ids == burger["article_ids"]
        assert store.story("story-000000000000") is None

    terminal = runner.invoke(app, ["stories", "--db", str(db)])
    assert terminal.exit_code == 0 and burger["id"] in terminal.stdout
    stored = runner.invoke(app, ["analyze", "--db", str(db), "--story", burger["id"], "-f", "json"])
    assert stored.exit_code == 0, stored.output
    (story,) = json.loads(stored.stdout)["stories"]
    assert story["id"] == burger["id"] and story["reuse"] is not None
    missing = runner.invoke(app, ["analyze", "--db", str(db), "--story", "story-000000000000"])
    assert missing.exit_code == 2 and "no story story-000000000000" in missing.stderr


# The schema pressdiff wrote before stories existed (version 1), verbatim.
V1_SCHEMA = (
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
    "PRAGMA user_version = 1",
)


def test_a_version_1_database_is_migrated_and_gets_its_stories(fnc1, tmp_path):
    db = tmp_path / "old.db"
    raw = sqlite3.connect(db)
    for statement in V1_SCHEMA:
        raw.execute(statement)
    rows = _interleaved(fnc1)
    for n, (input_id, text) in enumerate(rows):
        raw.execute(
            "INSERT INTO articles VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?, ?, '[]', ?)",
            (
                f"{n:016x}",
                f"old.jsonl:{n + 1}",
                input_id,
                input_id,
                text,
                text,
                "2026-01-01T00:00:00+00:00",
            ),
        )
    raw.execute("INSERT INTO rejections VALUES ('bad.txt', 'empty file', '2026-01-01')")
    raw.commit()
    raw.close()

    with Store(db) as store:
        assert len(store) == len(rows) and [a.input_id for a in store.pending()] == [
            i for i, _ in rows
        ]
        assert store.stories() == []
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    raw.close()

    listed = _stories_json(db)  # the next command that reads stories assigns the pending articles
    assert _partition([s["input_ids"] for s in listed]) == _gold(fnc1)
    with Store(db) as store:
        assert list(store.pending()) == []
        assert store.rejections()[0].reason == "empty file"


def test_a_merged_story_id_still_resolves(tmp_path, fnc1):
    """Two bodies of one story that start apart, then their concatenation, close to both:
    the two stories merge into the older, and the younger id still resolves to it."""
    (_, a), (_, b), _ = fnc1["5"]
    # a and b score 0.50 (average-link cosine), their concatenation 0.87 and 0.82 with each:
    # b starts its own story, ab joins a's, and {a, ab} with {b} averages 0.66.
    strict = StoryConfig(join=0.7, merge=0.6)
    articles = [_article(name, text) for name, text in (("a", a), ("b", b), ("ab", a + "\n\n" + b))]
    with Store(tmp_path / "news.db") as store:
        store.add(articles)
        assigner = StoryAssigner(store, strict)
        first, second, bridge = (assigner.assign(x) for x in articles)
        assert first.story_id != second.story_id
        assert bridge.story_id == first.story_id and bridge.merged == (second.story_id,)
        assert store.resolve(second.story_id) == first.story_id
        assert store.story(second.story_id).article_ids == ["a", "b", "ab"]
        assert [s.id for s in store.stories()] == [first.story_id]
        rebuilt = StoryAssigner(store, strict).index  # from the stored features alone
        assert rebuilt.groups() == assigner.index.groups()
        assert rebuilt.resolve(second.story_id) == first.story_id


def _article(name: str, text: str) -> Article:
    return Article(id=name, source=name, outlet=name, text=text, original=text)


def test_features_round_trip_through_bytes(fnc1):
    article = _article("x", fnc1["0"][0][1])
    made = features(article)
    back = Features.from_bytes(made.to_bytes())
    assert back.terms.tolist() == made.terms.tolist()
    assert back.weights.tolist() == made.weights.tolist()
    assert back.minhash.tolist() == made.minhash.tolist() and len(made.minhash) == 64
    assert back.vector.tolist() == made.vector.tolist() and len(made.vector) == 384


def test_features_stored_before_vectors_still_read(fnc1):
    """A row written before lead vectors existed ends after the MinHash: it reads back with
    no vector, and grouping then goes by its words alone."""
    made = features(_article("x", fnc1["0"][0][1]))
    old_row = made.to_bytes()[: -4 * len(made.vector)]
    back = Features.from_bytes(old_row)
    assert back.terms.tolist() == made.terms.tolist() and len(back.vector) == 0
    # Two bodies of one story (0.50 by their words, see below), the second an old row.
    (_, a), (_, b), _ = fnc1["5"]
    second = features(_article("b", b))
    old_second = Features.from_bytes(second.to_bytes()[: -4 * len(second.vector)])
    index = StoryIndex()
    index.add("a", features(_article("a", a)))
    assert index.add("b", old_second).story_id == index.story_of("a")


@pytest.mark.parametrize(
    ("second_date", "together"),
    [
        ("2015-01-11T09:00:00Z", True),  # the next day
        (None, True),  # no date: judged by its words alone
        ("2015-03-20T09:00:00Z", False),  # two months on: a new story unless near-identical
    ],
)
def test_time_apart_raises_the_bar(fnc1, second_date, together):
    """Two bodies of one story score 0.50 (see above): over the join bar the next day,
    under it two months later."""
    (_, a), (_, b), _ = fnc1["5"]
    index = StoryIndex()
    first = index.add("a", features(_dated("a", a, "2015-01-10T09:00:00Z")))
    second = index.add("b", features(_dated("b", b, second_date)))
    assert (first.story_id == second.story_id) is together


def _dated(name: str, text: str, published: str | None) -> Article:
    return Article(id=name, source=name, outlet=name, text=text, original=text, published=published)


def test_a_batch_encodes_leads_only_where_a_decision_reads_them(fnc1, tmp_path):
    """A near-copy (a wire copy with one sentence added) joins its original's story without a
    lead vector, in the same batch as its original; the other articles get theirs, and the
    batch groups as one-at-a-time assignment does."""
    (_, a), (_, b), _ = fnc1["5"]
    (_, other), *_ = fnc1["0"]
    copy = a + "\n\nThe company did not respond to a request for comment."
    batch = [_article(n, t) for n, t in (("a", a), ("copy", copy), ("b", b), ("other", other))]
    with Store(tmp_path / "batch.db") as store:
        store.add(batch)
        placed = StoryAssigner(store).assign_many(batch)
        kept = {aid: Features.from_bytes(data) for aid, _, data, _ in store.assignments()}
    assert placed[1].story_id == placed[0].story_id
    assert len(kept["copy"].vector) == 0
    assert {len(kept[n].vector) for n in ("a", "b", "other")} == {384}
    with Store(tmp_path / "single.db") as store:
        store.add(batch)
        assigner = StoryAssigner(store)
        single = [assigner.assign(article) for article in batch]
    assert [p.story_id for p in placed] == [p.story_id for p in single]


def test_names_are_the_people_places_and_organisations_of_the_lead(fnc1):
    """The meteorite story's first body: its lead names the country, the city, the
    officials and the agencies; the dates and numbers in it are not names."""
    (_, body), *_ = fnc1["0"]
    opening = lead(body, StoryConfig().lead_chars)
    (names,) = entity_names([opening])
    assert {"Nicaragua", "Managua", "Rosario Murillo", "the Associated Press"} <= set(names)
    assert "Sunday" in opening and "Sunday" not in names
    assert not any(name[0].isdigit() for name in names)
    # Each name is one more term (its words joined), beside the body's own words.
    plain = Article(id="p", source="p", outlet="p", text=opening, original=opening)
    words = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, stop_words="english")
    body_terms = set(words.transform([opening]).indices.tolist())
    name_terms = set(words.transform(["Rosario_Murillo"]).indices.tolist())
    assert set(features(plain).terms.tolist()) >= body_terms | name_terms
    assert not name_terms <= body_terms
