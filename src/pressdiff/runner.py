"""Run ingest's per-article work and the story analyses, in this process or on Dask.

The shells call this module; it decides nothing about articles or findings.
Either way the same library functions do the work
(:func:`pressdiff.pipeline.prepare_batch`, :func:`pressdiff.results.analyse`),
the client alone writes the store, each story's analysis is saved as soon
as it ends (so an interrupted run keeps everything finished and the next run
computes only the rest), and a failed article or story is reported and
skipped, never failing the run.  Without ``workers`` or ``scheduler``
nothing imports Dask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any

from pressdiff import pipeline, results
from pressdiff.config import Config, settings
from pressdiff.ingest import read_inputs
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, Rejection, Story
from pressdiff.store import Store, StoredAnalysis

# progress(stage, done, total), as in pipeline.
Progress = Callable[[str, int, int], None]

# Inputs per ingest task: large enough that scheduling costs little beside
# cleaning, small enough that a failed batch loses little.
CLEAN_TASK_SIZE = 64


class ClusterLost(RuntimeError):
    """The Dask cluster can run nothing more: it has had no worker for too long (they died,
    or were shut down), or the client lost its scheduler.  What was finished is kept."""


@dataclass(frozen=True)
class Cluster:
    """Where tasks run: ``workers`` local processes, or the scheduler at ``scheduler``.

    Neither (the default) means this process, without Dask.
    """

    workers: int | None = None
    scheduler: str | None = None
    patience_s: float = 120.0
    """How long tasks wait on a cluster with no worker before they fail (:class:`ClusterLost`):
    long enough for a nanny to restart a worker that died."""

    @property
    def embedded(self) -> bool:
        return self.workers is None and self.scheduler is None

    def client(self) -> AbstractContextManager[Any]:
        """A Dask client for the duration of a run (None when embedded)."""
        if self.embedded:
            return nullcontext()
        from pressdiff import distributed

        return distributed.connect(self.workers, self.scheduler)


@dataclass
class AnalysisRun:
    """What an analysis run did: stories already current, computed, and failed (with why)."""

    current: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def prepared(
    paths: Iterable[str], cluster: Cluster, limits: Limits = LIMITS
) -> Iterator[tuple[Article, None] | tuple[None, Rejection]]:
    """Ingest's stream of cleaned articles or rejections, in input order.

    On a cluster the inputs are still read here (reading is I/O and streams),
    and batches of them are prepared by the workers.  A batch whose task
    failed becomes one rejection per input in it, so the rest goes on.
    """
    if cluster.embedded:
        yield from pipeline.iter_clean(paths, limits)
        return
    from pressdiff import distributed

    items = read_inputs(paths)
    batches = iter(lambda: list(islice(items, CLEAN_TASK_SIZE)), [])
    with cluster.client() as client:
        window = 2 * max(1, distributed.worker_count(client))
        prepare = partial(pipeline.prepare_batch, limits=limits)
        for batch, done, error in distributed.run_ordered(
            client, prepare, batches, window, cluster.patience_s
        ):
            if error is None:
                yield from done
                continue
            for item in batch:
                yield None, Rejection(item.source, f"failed on a Dask worker: {error!r}")


def analyse_stories(
    store: Store,
    stories: list[Story],
    cluster: Cluster,
    progress: Progress | None = None,
    limits: Limits = LIMITS,
) -> AnalysisRun:
    """Analyse every story whose stored analysis is missing or stale, and store each.

    Stories already current are not touched.  Each computed analysis is
    saved the moment it arrives.  A story whose parse runs past
    ``limits.seconds_per_article`` fails, reported like any other failure.
    """
    say = progress or (lambda _stage, _done, _total: None)
    version = results.analysis_version()
    run = AnalysisRun()
    todo = []
    for story in stories:
        if store.analysis_status(story, version) == "current":
            run.current.append(story.id)
        else:
            todo.append(story)
    if not todo:
        return run
    by_id = {a.id: a for a in store.articles(i for story in todo for i in story.article_ids)}
    calls = [(story, [by_id[i] for i in story.article_ids]) for story in todo]
    say("analysing stories", 0, len(todo))
    with cluster.client() as client:
        outcomes = (
            _embedded(calls, limits, store)
            if client is None
            else _on_dask(client, calls, limits, cluster.patience_s, store)
        )
        for done, ((story, _articles), record, error) in enumerate(outcomes, 1):
            reason = _failure(record, error, version)
            if reason is None:
                store.save_analysis(record)
                run.computed.append(story.id)
            else:
                run.failed.append((story.id, reason))
            say("analysing stories", done, len(todo))
    return run


def analyse_records(
    stories: list[Story], articles: list[Article], cluster: Cluster, limits: Limits = LIMITS
) -> tuple[list[StoredAnalysis], list[tuple[str, str]]]:
    """Analyse stories of articles that are not stored; their records and failures.

    For ``pressdiff analyze PATH... --workers N`` without a database.
    """
    by_id = {a.id: a for a in articles}
    calls = [(story, [by_id[i] for i in story.article_ids]) for story in stories]
    version = results.analysis_version()
    records, failed = [], []
    with cluster.client() as client:
        outcomes = (
            _embedded(calls, limits)
            if client is None
            else _on_dask(client, calls, limits, cluster.patience_s)
        )
        for (story, _articles), record, error in outcomes:
            reason = _failure(record, error, version)
            if reason is None:
                records.append(record)
            else:
                failed.append((story.id, reason))
    order = {story.id: i for i, story in enumerate(stories)}
    return sorted(records, key=lambda r: order[r.story_id]), failed


Call = tuple[Story, list[Article]]
Outcome = tuple[Call, StoredAnalysis | None, BaseException | str | None]


def analyse_kept(
    story: Story,
    articles: list[Article],
    kept: pipeline.Kept,
    limits: Limits = LIMITS,
    numbers: Config | None = None,
) -> tuple[StoredAnalysis | None, pipeline.Kept, str | None]:
    """One story's analysis from its articles' kept annotations: (record, new annotations, error).

    The task either path runs, here or on a Dask worker: the annotations go
    in and the new ones come back as bytes, since only the client writes the
    store.  A failed analysis still returns what it annotated, with its
    error as text (an exception may not survive the trip back).
    """
    pipeline.restore(articles, kept)
    try:
        record, error = results.analyse(story, articles, limits, numbers=numbers), None
    except Exception as failure:  # one story's failure must not stop the others
        record, error = None, f"{type(failure).__name__}: {failure}"
    return record, pipeline.new_annotations(articles, kept), error


def _embedded(calls: list[Call], limits: Limits, store: Store | None = None) -> Iterator[Outcome]:
    """Each story analysed here; with a store, its kept annotations are reused and new ones kept.

    A story's parses are let go once it is done, so memory does not grow with the run.
    """
    for story, articles in calls:
        kept = pipeline.kept_annotations(store, articles) if store is not None else {}
        record, new, error = analyse_kept(story, articles, kept, limits)
        if store is not None:
            pipeline.save_annotations(store, new)
        for article in articles:
            article.doc, article.vectors = None, {}
        yield (story, articles), record, error


def _on_dask(
    client: Any, calls: list[Call], limits: Limits, patience: float, store: Store | None = None
) -> Iterator[Outcome]:
    """Each story analysed on a worker, with the kept annotations sent along and the new ones
    stored here as each result arrives."""
    from pressdiff import distributed

    # The client's configuration travels with each task: a worker process has its own.
    work = partial(analyse_kept, limits=limits, numbers=settings())
    tasks = (  # read as tasks are sent: kept annotations of a whole corpus would not fit
        (story, articles, pipeline.kept_annotations(store, articles) if store else {})
        for story, articles in calls
    )
    outcomes = distributed.run_unordered(client, work, tasks, patience=patience)
    for (story, articles, _kept), done, error in outcomes:
        if error is not None:
            yield (story, articles), None, error
            continue
        record, new, failure = done
        if store is not None:
            pipeline.save_annotations(store, new)
        yield (story, articles), record, failure


def _failure(
    record: StoredAnalysis | None, error: BaseException | str | None, version: str
) -> str | None:
    """Why an outcome cannot be stored, or None when it can."""
    if isinstance(error, str):
        return error
    if error is not None:
        return f"{type(error).__name__}: {error}"
    if record is not None and record.version != version:
        return (
            f"a worker runs another pressdiff (analysis version {record.version}, "
            f"here {version}); install the same version on every worker"
        )
    return None
