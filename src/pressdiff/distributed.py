"""Dask plumbing: connect to a cluster, load models once per worker, run tasks.

Only :mod:`pressdiff.runner` imports this module, and only when the user asked
for ``--workers`` or ``--scheduler``: the embedded path never imports Dask.
Nothing here analyses anything; tasks are the library's own functions
(:func:`pressdiff.pipeline.prepare_batch`, :func:`pressdiff.results.analyse`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from dask.distributed import Client, LocalCluster, WorkerPlugin, as_completed


class ModelsPlugin(WorkerPlugin):
    """Loads spaCy and MiniLM when a worker starts, so no task pays for it.

    The models are cached per process by :mod:`pressdiff.nlp`, so a worker
    loads them once whatever number of tasks it runs.  ``threads`` caps the
    encoder's threads (torch or ONNX Runtime, through ``PRESSDIFF_THREADS``):
    several workers on one machine each taking every core would only fight
    over them.
    """

    name = "pressdiff-models"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def setup(self, worker: Any) -> None:
        os.environ["PRESSDIFF_THREADS"] = str(self.threads)
        from pressdiff import nlp

        nlp.spacy_model()
        nlp.embed(["pressdiff worker warm-up"])
        nlp.clear_caches()


@contextmanager
def connect(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client on the scheduler at ``scheduler``, or on a LocalCluster of ``workers`` processes.

    A local worker is one process with one task thread, so N workers run N
    analyses at once, each with its own models (about 1 GB of memory each).
    """
    cluster = None
    if scheduler is not None:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        )
        client = Client(cluster)
    try:
        client.register_plugin(ModelsPlugin())
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_unordered(
    client: Client, function: Callable[..., Any], calls: Iterable[tuple[Any, ...]]
) -> Iterator[tuple[tuple[Any, ...], Any, BaseException | None]]:
    """Run ``function(*call)`` for each call as tasks; yield (call, result, error) as each ends.

    A task that raises (or whose worker died too often) yields its error
    instead of stopping the others.
    """
    futures = {}
    for call in calls:
        futures[client.submit(function, *call, pure=False)] = call
    for future in as_completed(futures):
        call = futures.pop(future)
        if future.status == "error":
            yield call, None, future.exception()
        else:
            yield call, future.result(), None
        future.release()


def run_ordered(
    client: Client, function: Callable[[Any], Any], items: Iterable[Any], window: int
) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """``function(item)`` as tasks, at most ``window`` in flight, yielded in input order.

    Input order keeps a distributed ingest storing articles in the same order
    as an embedded one; the window keeps memory flat on a stream of any length.
    """
    pending: deque[tuple[Any, Any]] = deque()
    for item in items:
        pending.append((item, client.submit(function, item, pure=False)))
        if len(pending) >= window:
            yield _finish(*pending.popleft())
    while pending:
        yield _finish(*pending.popleft())


def _finish(item: Any, future: Any) -> tuple[Any, Any, BaseException | None]:
    try:
        return item, future.result(), None
    except Exception as error:
        return item, None, error


def worker_count(client: Client) -> int:
    """How many workers the cluster has now."""
    return len(client.nthreads())
