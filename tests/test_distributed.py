"""Ingest and analysis on a real two-worker Dask LocalCluster give the embedded results.

One cluster (worker processes, one thread each) serves the module through
``--scheduler``; ``--workers`` starts its own.  The embedded reference is the
session's ``analysed_db`` (the example ingested and analysed without Dask).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from pressdiff import pipeline, runner
from pressdiff.cli import app
from pressdiff.limits import LIMITS
from pressdiff.model import Story
from pressdiff.store import Store

pytestmark = pytest.mark.slow
cli = CliRunner()


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


def test_dask_ingest_and_analysis_equal_the_embedded_run(
    cluster, analysed_db, example_dir, tmp_path
):
    embedded_db, embedded_json = analysed_db
    db = tmp_path / "dask.db"
    address = ["--scheduler", cluster.scheduler_address]
    ingested = cli.invoke(app, ["ingest", str(example_dir), "--db", str(db), *address])
    assert ingested.exit_code == 0, ingested.output
    assert "5 new of 5 read" in ingested.stderr
    analysed = cli.invoke(app, ["analyze", "--db", str(db), "-f", "json", *address])
    assert analysed.exit_code == 0, analysed.output
    assert "analysed 1, kept 0 stored, 0 failed" in analysed.stderr
    assert analysed.stdout == embedded_json  # same stories, findings and JSON
    with Store(embedded_db) as embedded, Store(db) as distributed:
        assert distributed.articles() == embedded.articles()  # same articles, same order
        stories = pipeline.stored_stories(distributed)
        assert stories == pipeline.stored_stories(embedded)  # same stories, same ids
        for story in stories:
            assert distributed.analysis(story.id).story == embedded.analysis(story.id).story


def test_a_config_file_reaches_the_workers(cluster, analysed_db, example_dir, tmp_path):
    """Workers analyse under the client's --config: the same JSON as an embedded run under
    it, and another than the defaults' (a stricter checker supports less)."""
    _, default_json = analysed_db
    numbers = tmp_path / "strict.toml"
    numbers.write_text("[claims.checker]\nsupport_threshold = 0.95\n")
    runs = []
    for address in ([], ["--scheduler", cluster.scheduler_address]):
        db = tmp_path / f"{len(runs)}.db"
        assert cli.invoke(app, ["ingest", str(example_dir), "--db", str(db)]).exit_code == 0
        done = cli.invoke(
            app, ["analyze", "--db", str(db), "-f", "json", "--config", str(numbers), *address]
        )
        assert done.exit_code == 0, done.output
        runs.append(done.stdout)
    assert runs[0] == runs[1]
    assert runs[0] != default_json


def test_failed_story_is_skipped_and_workers_load_models_once(cluster, example_dir, tmp_path):
    articles, _ = pipeline.load([str(p) for p in sorted(example_dir.glob("*.txt"))[:2]])
    huge_text = "The council met again. " * 100_000  # parsed past a 20-second budget
    huge = dataclasses.replace(
        articles[0], id="huge", source="huge.txt", text=huge_text, original=huge_text
    )
    stories = [Story("huge", ["huge"]), *(Story(a.source, [a.id]) for a in articles)]
    with Store(tmp_path / "news.db") as store:
        store.add([*articles, huge])
        run = runner.analyse_stories(
            store,
            stories,
            runner.Cluster(scheduler=cluster.scheduler_address),
            limits=dataclasses.replace(LIMITS, seconds_per_article=20),
        )
        assert [story_id for story_id, _ in run.failed] == ["huge"]
        assert "time budget" in dict(run.failed)["huge"]
        assert sorted(run.computed) == sorted(a.source for a in articles)
        assert all(store.analysis(a.source) is not None for a in articles)
    with Client(cluster) as client:
        loads = client.run(_model_loads)
    assert list(loads.values()) == [1, 1]  # each worker loaded spaCy once, for every task


def test_workers_option_starts_a_local_cluster_for_ingest(example_dir, tmp_path):
    db = tmp_path / "news.db"
    result = cli.invoke(app, ["ingest", str(example_dir), "--db", str(db), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "5 new of 5 read" in result.stderr
    with Store(db) as store:
        assert [Path(a.source).name[:3] for a in store.articles()] == [
            "000",
            "001",
            "002",
            "003",
            "004",
        ]


def _model_loads() -> int:
    from pressdiff import nlp

    return nlp.spacy_model.cache_info().misses


def test_workers_annotations_are_stored_by_the_client(cluster, example_dir, tmp_path):
    """A worker's parse and vectors come back with its result and the client stores them:
    a later analysis restores them, bit for bit those of an embedded run."""
    articles, _ = pipeline.load([str(p) for p in sorted(example_dir.glob("*.txt"))[:2]])
    story = Story("two", [a.id for a in articles])
    kept = {}
    for where in (runner.Cluster(scheduler=cluster.scheduler_address), runner.Cluster()):
        with Store(tmp_path / f"{where.embedded}.db") as store:
            store.add(articles)
            run = runner.analyse_stories(store, [story], where)
            assert run.computed == ["two"]
            fresh, _ = pipeline.load([a.source for a in articles])
            assert pipeline.restore_annotations(store, fresh) == 2
            kept[where.embedded] = fresh
    for on_dask, embedded in zip(kept[False], kept[True], strict=True):
        assert on_dask.sentences == embedded.sentences and on_dask.tokens == embedded.tokens
        # Claims and quotes were encoded too, not only the sentences.
        assert len(on_dask.vectors) > len(on_dask.sentences)
        assert on_dask.vectors.keys() == embedded.vectors.keys()
        assert all(np.array_equal(on_dask.vectors[t], embedded.vectors[t]) for t in on_dask.vectors)


def test_a_cluster_without_workers_fails_the_stories_and_a_rerun_resumes(example_dir, tmp_path):
    articles, _ = pipeline.load([str(p) for p in sorted(example_dir.glob("*.txt"))[:3]])
    stories = [Story(a.source, [a.id]) for a in articles]
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as local,
        Client(local) as client,
        Store(tmp_path / "news.db") as store,
    ):
        store.add(articles)
        where = runner.Cluster(scheduler=local.scheduler_address, patience_s=3)
        assert runner.analyse_stories(store, stories[:1], where).computed == [stories[0].id]
        local.scale(0)  # every worker gone: the client must not wait forever
        while client.nthreads():
            time.sleep(0.1)
        run = runner.analyse_stories(store, stories, where)
        assert run.current == [stories[0].id]  # finished work is not redone
        assert [story_id for story_id, _ in run.failed] == [s.id for s in stories[1:]]
        assert all("no worker for 3 s" in reason for _, reason in run.failed)
        local.scale(1)
        client.wait_for_workers(1)
        run = runner.analyse_stories(store, stories, where)
        assert run.current == [stories[0].id]
        assert sorted(run.computed) == sorted(s.id for s in stories[1:])


def test_a_lost_scheduler_fails_the_rest_and_a_rerun_resumes(example_dir, tmp_path):
    """The scheduler stops after the first story: the client must not wait forever nor
    crash; the stories it had not finished fail with the reason, the finished one stays
    stored, and a rerun (here embedded) computes only the rest."""
    articles, _ = pipeline.load([str(p) for p in sorted(example_dir.glob("*.txt"))[:3]])
    stories = [Story(a.source, [a.id]) for a in articles]
    local = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0")
    where = runner.Cluster(scheduler=local.scheduler_address, patience_s=600)

    def stop_after_the_first(_stage: str, done: int, _total: int) -> None:
        if done == 1:
            local.close()

    with Store(tmp_path / "news.db") as store:
        store.add(articles)
        run = runner.analyse_stories(store, stories, where, progress=stop_after_the_first)
        assert len(run.computed) == 1
        assert sorted(story_id for story_id, _ in run.failed) == sorted(
            s.id for s in stories if s.id not in run.computed
        )
        assert all("lost the connection to the Dask scheduler" in r for _, r in run.failed)
        rerun = runner.analyse_stories(store, stories, runner.Cluster())
        assert rerun.current == run.computed
        assert sorted(rerun.computed) == sorted(story_id for story_id, _ in run.failed)
