"""The one place the web app reaches the library: stories, articles, adding, analysing.

Routes call only this module (and the renderers).  Stories are the store's
(:mod:`pressdiff.stories`): each added article is put into its story as it is
stored, a story keeps its id as it grows, and a merged-away id still
resolves.  Analyses live in the store (shared with ``pressdiff analyze --db``);
the most recently read are also kept in memory, valid while the story has the
articles they were made from.  Which stories still *need* an analysis is
durable (:mod:`pressdiff.web.jobs`), so a server stopped in the middle of one
picks it up again on its next start.  Nothing kept in memory grows with the
store: a server left running for months holds at most :data:`ANALYSES_KEPT`
analyses, and searches by entity through the store's index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pressdiff import pipeline, results
from pressdiff.cache import BoundedCache
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, RawDocument, Rejection, Story, to_jsonable
from pressdiff.pipeline import Report, StoryAnalysis
from pressdiff.store import Store
from pressdiff.stories import StoryAssigner
from pressdiff.web import jobs

log = logging.getLogger(__name__)

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART"})
"""spaCy entity labels a reader searches stories by (people, places, organisations, ...)."""

ANALYSES_KEPT = 256
"""Story analyses kept decoded in memory: a page of stories reads 20, a reader moves
between a few dozen; any other is read back from the store (milliseconds)."""


@dataclass
class StorySummary:
    """One row of the stories list: the store's :class:`Story` (what ``pressdiff stories
    --format json`` prints) and its findings by kind once analysed (None until then)."""

    story: Story
    findings_by_kind: dict[str, int] | None = None

    @property
    def id(self) -> str:
        return self.story.id

    def api(self) -> dict[str, object]:
        """The JSON object of ``pressdiff stories --format json``."""
        return to_jsonable(self.story)


@dataclass
class Added:
    """What one add request did: each article read (new or already stored) and each rejection."""

    articles: list[tuple[Article, bool]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    story_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Progress:
    """Where a story's analysis stands; ``stage`` is the pipeline's words for the step."""

    state: str  # "queued", "running", "done" or "failed" (then ``stage`` says why)
    stage: str = ""
    done: int = 0
    total: int = 0


class Backend:
    """Stories, articles and analyses of one SQLite store, for one server process.

    Each thread keeps its own :class:`Store` connection (:meth:`store`): SQLite
    connections are per thread, and the server answers from a thread pool.
    """

    def __init__(self, db: Path, limits: Limits = LIMITS) -> None:
        self.db = db
        self.limits = limits
        self._analyses: BoundedCache[str, StoryAnalysis] = BoundedCache(ANALYSES_KEPT)
        self._progress: dict[str, Progress] = {}  # the stories being analysed now
        # Why a story's analysis failed, with the articles it failed on: asking for the story
        # again does not rerun it until they change (a restart, or the bound, forgets it, and
        # the next request tries once more).
        self._failed: BoundedCache[str, tuple[list[str], str]] = BoundedCache(ANALYSES_KEPT)
        self._local = threading.local()
        self._assigning = threading.Lock()
        self._assigner: StoryAssigner | None = None
        self._assigned: tuple[int, int] | None = None  # the store's mark the index reflects
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        # Open now, not on the first request: the schema is created or checked, and articles
        # in no story yet (a database from before stories, an interrupted ingest) get one.
        with Store(db) as store:
            StoryAssigner(store).assign_pending()

    def start(self) -> None:
        """Start the analysis worker; it first takes what a previous run left queued."""
        self._worker = threading.Thread(target=self._work, name="pressdiff-analysis", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        """Ask the worker to stop after the analysis it is running (its job stays queued
        if the process ends first, and is redone on the next start)."""
        self._stopping.set()
        self._wake.set()

    def _work(self) -> None:
        while not self._stopping.is_set():
            if not self.run_next():
                self._wake.wait(timeout=5.0)
                self._wake.clear()

    def run_next(self) -> bool:
        """Analyse the first queued story (the worker's step); False when none is queued.

        A failure is logged and kept as the story's state (:meth:`progress`), and the
        story leaves the queue: one story's failure must not stop the others.
        """
        queue = jobs.pending(self.db)
        if not queue:
            return False
        story_id, requested_at = queue[0]
        try:
            self.analyse(story_id)
        except Exception as error:
            log.exception("analysis of %s failed", story_id)
            story = self.store().story(story_id)
            if story is not None:
                self._failed.put(story.id, (story.article_ids, f"analysis failed: {error}"))
        jobs.finish(self.db, story_id, requested_at)
        return True

    def _failure(self, story_id: str) -> str | None:
        """Why the story's last analysis failed, while it still has the articles it failed on."""
        if not self._failed:
            return None
        story = self.store().story(story_id)
        if story is None:
            return None
        failed = self._failed.get(story.id)
        if failed is None or failed[0] != story.article_ids:
            return None
        return failed[1]

    def store(self) -> Store:
        """This thread's connection to the store, opened on its first use and kept: the
        server answers from a pool of threads, and SQLite connections are per thread."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db)
        return store

    # --- stories ---------------------------------------------------------------------------

    def stories(
        self, q: str = "", entity: str = "", offset: int = 0, limit: int = 20
    ) -> tuple[list[StorySummary], int]:
        """A page of stories, newest first, with an article containing every word of ``q``
        and one naming ``entity``; and how many match in all."""
        store = self.store()
        found = store.stories()
        words = q.split()
        if words:
            matching = store.matching(words)
            found = [s for s in found if matching.intersection(s.article_ids)]
        if entity.strip():
            naming = store.naming(entity, ENTITY_LABELS)
            found = [s for s in found if naming.intersection(s.article_ids)]
        # Newest first: by the latest publication date, undated stories by when they began.
        order = {s.id: n for n, s in enumerate(found)}
        found.sort(key=lambda s: (s.last_published or "", order[s.id]), reverse=True)
        return [self._summary(s) for s in found[offset : offset + limit]], len(found)

    def _summary(self, story: Story) -> StorySummary:
        analysis = self.analysis(story.id, story)
        counts = None
        if analysis is not None:
            counts = {}
            for f in analysis.findings:
                counts[f.kind] = counts.get(f.kind, 0) + 1
        return StorySummary(story, counts)

    def story(self, story_id: str) -> tuple[StorySummary, list[Article]] | None:
        """A story by its id (or the id of a story merged into it) with its articles."""
        store = self.store()
        story = store.story(story_id)
        if story is None or not story.article_ids:
            return None
        return self._summary(story), store.articles(story.article_ids)

    def story_of(self, article_id: str) -> str | None:
        return self.store().story_of(article_id)

    # --- articles --------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        found = self.store().articles([article_id])
        return found[0] if found else None

    def add(self, items: Iterable[RawDocument | Rejection]) -> Added:
        """Clean and store each document and put it into its story (each article in its own
        transactions), record each rejection, and queue the changed stories' analysis.

        Each document goes through :func:`pipeline.prepare`, as ``pressdiff ingest`` does it:
        the same cleaning and the same per-article limits (an article over one is rejected
        here, not parsed by the analysis later)."""
        added = Added()
        store = self.store()
        for item in items:
            article, rejection = pipeline.prepare(item, self.limits)
            if rejection is not None:
                added.rejected.append(rejection)
                store.add_rejection(rejection)
                continue
            new = store.add([article]) == 1
            if store.story_of(article.id) is None:
                self._assign(store, article)
            added.articles.append((article, new))
            added.story_ids[article.id] = store.story_of(article.id) or ""
        changed = sorted({sid for sid in added.story_ids.values() if sid})
        if changed:
            jobs.enqueue(self.db, changed)
            self._wake.set()
        return added

    def _assign(self, store: Store, article: Article) -> None:
        """Put a stored article into its story with the process's one story index.

        One index for every request thread, under a lock, so two requests adding at
        once see each other's stories; it is built from the stored features on first
        use (no text is read again), after a deletion, and when another process (a
        ``pressdiff ingest`` beside the server) has put articles into stories since.
        It writes through the calling thread's store connection (SQLite connections are
        per thread).
        """
        with self._assigning:
            if self._assigner is None or self._assigned != store.assignments_mark():
                self._assigner = StoryAssigner(store)
            self._assigner.store = store
            self._assigner.assign(article)
            self._assigned = store.assignments_mark()

    def delete(self, article_id: str) -> bool:
        """Remove an article; its story (what is left of it) is queued for analysis again."""
        store = self.store()
        story_id = store.story_of(article_id)
        with self._assigning:
            if not store.delete(article_id):
                return False
            self._assigner = None  # the index still holds the deleted article
        if story_id is not None and self.story(story_id) is not None:
            jobs.enqueue(self.db, [story_id])
            self._wake.set()
        return True

    # --- analyses --------------------------------------------------------------------------

    def analysis(self, story_id: str, story: Story | None = None) -> StoryAnalysis | None:
        """The story's analysis on the articles the story has now, from this process or from
        the store; None while it is queued (or being redone for a grown story)."""
        if story is None:
            story = self.store().story(story_id)
        if story is None:
            return None
        result = self._analyses.get(story.id)
        if result is not None and result.story.article_ids == story.article_ids:
            return result
        # An analysis stored by an earlier server or by `pressdiff analyze --db`, current for
        # the story's articles now and for this pressdiff.
        store = self.store()
        record = store.analysis(
            story.id, store.fingerprint(story.article_ids), results.analysis_version()
        )
        if record is None or record.article_ids != story.article_ids:
            return None
        result = results.story_analysis(record)
        self._analyses.put(story.id, result)
        return result

    def request_analysis(self, story_id: str) -> None:
        """Queue a story someone asked for that has no current analysis (none stored, or its
        articles changed); one already queued or running keeps its place, and one whose
        analysis failed on the articles it has is not rerun (an API client polling it would
        otherwise rerun a failing analysis at every poll)."""
        if self._failure(story_id) is not None:
            return
        if story_id not in {queued for queued, _ in jobs.pending(self.db)}:
            jobs.enqueue(self.db, [story_id])
            self._wake.set()

    def progress(self, story_id: str) -> Progress:
        if self.analysis(story_id) is not None:
            return Progress("done", "done", 1, 1)
        running = self._progress.get(story_id)  # one read: the worker pops it when done
        if running is not None:
            return running
        reason = self._failure(story_id)
        return Progress("failed", reason) if reason else Progress("queued")

    def report(self, story_id: str) -> Report | None:
        """The story's report in the shape ``pressdiff analyze`` renders, once analysed."""
        found = self.story(story_id)
        if found is None:
            return None
        analysis = self.analysis(found[0].id, found[0].story)
        if analysis is None:
            return None
        return Report(articles=found[1], stories=[analysis], rejected=[])

    def analyse(self, story_id: str) -> bool:
        """Run the story's analysis now (the worker thread calls this); False when the story
        no longer exists (every article deleted)."""
        found = self.story(story_id)
        if found is None:
            self._progress.pop(story_id, None)
            return False
        summary, articles = found
        ids = {story_id, summary.id}

        def step(stage: str, done: int, total: int) -> None:
            for sid in ids:
                self._progress[sid] = Progress("running", stage, done, total)

        step("starting", 0, 1)
        store = self.store()
        try:
            # Annotate once: what an earlier analysis (or `analyze --db`) parsed and encoded
            # is restored, and what this one computes is kept for the next.
            pipeline.restore_annotations(store, articles)
            record = results.analyse(summary.story, articles, self.limits, progress=step)
            pipeline.keep_annotations(store, articles)
            # Stored like `pressdiff analyze --db` stores it: the CLI, the API and the next
            # server start read it instead of analysing again.
            store.save_analysis(record)
            self._analyses.put(summary.id, results.story_analysis(record))
        finally:
            for sid in ids:
                self._progress.pop(sid, None)
        self._failed.pop(summary.id)
        return True
