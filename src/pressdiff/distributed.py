"""Dask plumbing: connect to a cluster, load models once per worker, run tasks.

Only :mod:`pressdiff.runner` imports this module, and only when the user asked
for ``--workers`` or ``--scheduler``: the embedded path never imports Dask.
Nothing here analyses anything; tasks are the library's own functions
(:func:`pressdiff.pipeline.prepare_batch`, :func:`pressdiff.results.analyse`).
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from dask.distributed import Client, LocalCluster, WorkerPlugin, wait
from distributed.utils import CancelledError

from pressdiff.runner import ClusterLost


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


_POLL_S = 2.0
"""How often a client waiting on tasks checks that the cluster still has workers."""


class _Watch:
    """Tells when the cluster has been without a worker for longer than ``patience`` seconds."""

    def __init__(self, client: Client, patience: float) -> None:
        self.client, self.patience, self.since = client, patience, None

    def check(self) -> ClusterLost | None:
        if worker_count(self.client):
            self.since = None
            return None
        self.since = self.since or time.monotonic()
        if time.monotonic() - self.since <= self.patience:
            return None
        return ClusterLost(
            f"the Dask cluster at {self.client.scheduler.address} has had no worker for "
            f"{self.patience:g} s (they died or were shut down); finished work is kept, "
            "rerun to compute the rest"
        )


def _scheduler_lost(client: Client) -> ClusterLost:
    """The error for every unfinished task once the client has lost its scheduler (Dask
    then cancels every future, and the scheduler's state, finished results included, is
    gone with it)."""
    return ClusterLost(
        f"lost the connection to the Dask scheduler at {client.scheduler.address} (it "
        "stopped, or the network failed); finished work is kept, rerun to compute the rest"
    )


def run_unordered(
    client: Client,
    function: Callable[..., Any],
    calls: Iterable[tuple[Any, ...]],
    patience: float,
    window: int | None = None,
) -> Iterator[tuple[tuple[Any, ...], Any, BaseException | None]]:
    """Run ``function(*call)`` for each call as tasks; yield (call, result, error) as each ends.

    At most ``window`` tasks are in flight (default: two per worker), so a
    long stream of calls is read as the work goes.  A task that raises (or
    whose worker died too often) yields its error instead of stopping the
    others; when the cluster has no worker left for ``patience`` seconds,
    every unfinished call yields :class:`ClusterLost` rather than waiting forever, and
    so does every unfinished call once the scheduler is gone.
    """
    calls = iter(calls)
    window = window or 2 * max(1, worker_count(client))
    watch = _Watch(client, patience)
    futures: dict[Any, tuple[Any, ...]] = {}
    while True:
        for call in islice(calls, window - len(futures)):
            futures[client.submit(function, *call, pure=False)] = call
        if not futures:
            return
        try:
            done = wait(list(futures), timeout=_POLL_S, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            done = set()
        except CancelledError:
            lost = _scheduler_lost(client)
            yield from ((call, None, lost) for call in [*futures.values(), *calls])
            return
        for future in done:
            call = futures.pop(future)
            if future.status == "error":
                yield call, None, future.exception()
            else:
                yield call, future.result(), None
            future.release()
        if not done and (stuck := watch.check()) is not None:
            for future, call in [*futures.items(), *((None, c) for c in calls)]:
                if future is not None:
                    future.cancel()
                yield call, None, stuck
            return


def run_ordered(
    client: Client,
    function: Callable[[Any], Any],
    items: Iterable[Any],
    window: int,
    patience: float,
) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """``function(item)`` as tasks, at most ``window`` in flight, yielded in input order.

    Input order keeps a distributed ingest storing articles in the same order
    as an embedded one; the window keeps memory flat on a stream of any length.
    Raises :class:`ClusterLost` when the cluster has had no worker for
    ``patience`` seconds, or the scheduler is gone: a stream cannot skip ahead,
    and what was yielded before is kept.
    """
    watch = _Watch(client, patience)
    pending: deque[tuple[Any, Any]] = deque()
    try:
        for item in items:
            pending.append((item, client.submit(function, item, pure=False)))
            if len(pending) >= window:
                yield _finish(*pending.popleft(), watch)
        while pending:
            yield _finish(*pending.popleft(), watch)
    finally:
        for _item, future in pending:
            future.cancel()


def _finish(item: Any, future: Any, watch: _Watch) -> tuple[Any, Any, BaseException | None]:
    while True:
        try:
            return item, future.result(timeout=_POLL_S), None
        except CancelledError:
            raise _scheduler_lost(watch.client) from None
        except TimeoutError:
            if future.done():  # the task itself raised a TimeoutError
                return item, None, future.exception()
            if (stuck := watch.check()) is not None:
                raise stuck from None
        except Exception as error:
            return item, None, error


def worker_count(client: Client) -> int:
    """How many workers the cluster has now."""
    return len(client.nthreads())
