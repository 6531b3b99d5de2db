"""One bounded cache for the expensive per-text work (embeddings, parses).

A long-running user (the web app, a corpus run) must not grow without bound, and a call
must never lose what it is about to read.  :class:`BoundedCache` is least-recently-used
with a size bound, and its one read path, :meth:`BoundedCache.get_many`, collects every
value the call asked for *before* anything is evicted: eviction can only ever drop
entries that the next call may have to compute again, never one the current call needs.
(Both caches it replaces emptied themselves when full, in the middle of a call that still
needed the entries: the ``KeyError`` of issues #16 and #17.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A least-recently-used map of at most ``max_size`` entries, filled in batches."""

    def __init__(self, max_size: int) -> None:
        if max_size < 1:
            raise ValueError(f"a cache needs room for at least one entry, not {max_size}")
        self.max_size = max_size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get_many(self, keys: Sequence[K], compute: Callable[[list[K]], Iterable[V]]) -> list[V]:
        """The value of every key, in order; ``compute`` is called once, on the missing ones.

        ``compute`` gets the distinct missing keys (first-seen order) and returns their
        values in the same order; it runs outside the cache's lock, so it may be slow.
        """
        found: dict[K, V] = {}
        with self._lock:
            for key in keys:
                if key not in found and key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            computed = dict(zip(missing, compute(missing), strict=True))
            found.update(computed)
            with self._lock:
                self._data.update(computed)
                self._evict()
        return [found[key] for key in keys]

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used entry when full."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            self._evict()

    def _evict(self) -> None:
        while len(self._data) > self.max_size:
            self._data.popitem(last=False)

    def pop(self, key: K) -> None:
        """Forget ``key``, if kept."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
