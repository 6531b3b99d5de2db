"""Stored analyses on a real SQLite file: reused while current, recomputed when stale.

Every analysis here is a real run on the example story (or single example
articles, which are cheap); the store is a real file, reopened between steps.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap

from typer.testing import CliRunner

from pressdiff import pipeline, results, runner
from pressdiff.cli import app
from pressdiff.model import Story
from pressdiff.report import render_json
from pressdiff.report.json import story_payload
from pressdiff.reuse import Passage
from pressdiff.store import Store

cli = CliRunner()
EMBEDDED = runner.Cluster()


def test_stored_report_is_the_report_computed_in_memory(analysed_db, plain_json):
    assert analysed_db[1] == plain_json


def test_second_run_reads_the_stored_analysis_and_computes_nothing(analysed_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(analysed_db[0], db)
    result = cli.invoke(app, ["analyze", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "1 current" in result.stderr and "analysed 0, kept 1 stored" in result.stderr
    assert result.stdout == analysed_db[1]


def test_stored_record_rebuilds_the_same_typed_analysis(analysed_db):
    with Store(analysed_db[0]) as store:
        (story,) = pipeline.stored_stories(store)
        record = store.analysis(story.id)
    assert record is not None and record.version == results.analysis_version()
    assert record.story == json.loads(analysed_db[1])["stories"][0]
    typed = results.story_analysis(record)
    assert typed.reuse.passages and all(isinstance(p, Passage) for p in typed.reuse.passages)
    assert story_payload(typed) == record.story  # the round trip loses nothing


def test_changed_articles_or_version_make_the_analysis_stale(analysed_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(analysed_db[0], db)
    version = results.analysis_version()
    with Store(db) as store:
        (story,) = pipeline.stored_stories(store)
        assert store.analysis_status(story, version) == "current"
        assert store.analysis_status(story, "0.0.1+older") == "stale: version"
        fewer = Story(story.id, story.article_ids[:4])
        assert store.analysis_status(fewer, version) == "stale: articles changed"
        assert store.stale_stories([story, fewer], version) == [fewer]
        # A current analysis is only the one matching the articles as they are now.
        assert store.analysis(story.id, store.fingerprint(fewer.article_ids), version) is None
        old = store.analysis(story.id)
        store.save_analysis(dataclasses.replace(old, version="0.0.1+older"))
        assert store.analysis(story.id).version == "0.0.1+older"  # the latest row
        assert store.analysis_status(story, version) == "current"  # the current one is kept


def test_a_run_only_computes_missing_stories_and_resumes_after_a_kill(example_dir, tmp_path):
    """A run killed after its first story keeps it; the next run computes only the other."""
    db = tmp_path / "news.db"
    assert cli.invoke(app, ["ingest", str(example_dir), "--db", str(db)]).exit_code == 0
    script = textwrap.dedent(
        f"""
        import os, signal
        from pressdiff import runner
        from pressdiff.model import Story
        from pressdiff.store import Store

        def kill_after_first(stage, done, total):
            if done == 1:
                os.kill(os.getpid(), signal.SIGKILL)

        with Store({str(db)!r}) as store:
            ids = [a.id for a in store.articles()]
            stories = [Story("first", ids[:1]), Story("second", ids[1:2])]
            runner.analyse_stories(store, stories, runner.Cluster(), kill_after_first)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], timeout=600, check=False)
    assert killed.returncode == -9
    with Store(db) as store:
        ids = [a.id for a in store.articles()]
        stories = [Story("first", ids[:1]), Story("second", ids[1:2])]
        version = results.analysis_version()
        assert [store.analysis_status(s, version) for s in stories] == ["current", "missing"]
        run = runner.analyse_stories(store, stories, EMBEDDED)
        assert (run.current, run.computed, run.failed) == (["first"], ["second"], [])
        assert store.stale_stories(stories, version) == []


def test_a_failing_story_is_reported_and_the_others_stored(example_dir, tmp_path):
    """An article longer than spaCy accepts fails its story; the run goes on."""
    articles, _ = pipeline.load([str(p) for p in sorted(example_dir.glob("*.txt"))[:1]])
    huge_text = "The council met again. " * 100_000  # 2.3 million characters
    huge = dataclasses.replace(
        articles[0], id="huge", source="huge.txt", text=huge_text, original=huge_text
    )
    with Store(tmp_path / "news.db") as store:
        store.add([*articles, huge])
        stories = [Story("huge", ["huge"]), Story("fine", [articles[0].id])]
        run = runner.analyse_stories(store, stories, EMBEDDED)
        assert run.computed == ["fine"]
        assert [story_id for story_id, _ in run.failed] == ["huge"]
        assert "2300000" in run.failed[0][1]  # spaCy's own reason names the length
        report = results.report(store, stories)
    assert [s.story.id for s in report.stories] == ["fine"]
    assert len(report.articles) == 2  # the failed story's article is still listed
    assert json.loads(render_json(report))["stories"][0]["id"] == "fine"
