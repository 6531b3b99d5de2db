"""The one place the web app reaches the library: stories, articles, adding, analysing.

Routes call only this module (and the renderers), so when the store learns
stories and keeps analyses, swapping them in changes this file and nothing
else.  Until then a "story" is what ``pressdiff analyze --db`` analyses
today: every stored article together, with the id
:func:`pressdiff.pipeline.story_id` gives it (it changes as articles come and
go; an id that is no longer current answers 404, as an unknown one does).

Analyses are kept in memory per story id; which stories still *need* an
analysis is durable (:mod:`pressdiff.web.jobs`), so a server stopped in the
middle of one picks it up again on its next start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pressdiff import pipeline
from pressdiff.annotate import annotate
from pressdiff.clean import clean
from pressdiff.model import Article, Entity, RawDocument, Rejection, Story
from pressdiff.pipeline import Report, StoryAnalysis
from pressdiff.store import Store
from pressdiff.web import jobs

log = logging.getLogger(__name__)

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART"})
"""spaCy entity labels a reader searches stories by (people, places, organisations, ...)."""


@dataclass
class StorySummary:
    """One row of the stories list: the fields of ``pressdiff stories --format json``,
    and the findings by kind when the story has been analysed (None until then)."""

    id: str
    title: str | None
    article_ids: list[str]
    input_ids: list[str | None]
    outlets: list[str]
    first_published: str | None
    last_published: str | None
    findings_by_kind: dict[str, int] | None = None

    def api(self) -> dict[str, object]:
        """The JSON object of ``pressdiff stories --format json`` (analysis counts left out)."""
        return {
            "id": self.id,
            "title": self.title,
            "article_ids": self.article_ids,
            "input_ids": self.input_ids,
            "outlets": self.outlets,
            "first_published": self.first_published,
            "last_published": self.last_published,
        }


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

    def __init__(self, db: Path) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._analyses: dict[str, StoryAnalysis] = {}
        self._entities: dict[str, list[Entity]] = {}
        self._progress: dict[str, Progress] = {}
        self._local = threading.local()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        Store(db).close()  # create or check the schema now, not on the first request

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
            queue = jobs.pending(self.db)
            if not queue:
                self._wake.wait(timeout=5.0)
                self._wake.clear()
                continue
            story_id, requested_at = queue[0]
            try:
                self.analyse(story_id)
            except Exception as error:  # one story's failure must not stop the others
                log.exception("analysis of %s failed", story_id)
                self._progress[story_id] = Progress("failed", f"analysis failed: {error}")
            jobs.finish(self.db, story_id, requested_at)

    def store(self) -> Store:
        """This thread's connection to the store, opened on its first use and kept: the
        server answers from a pool of threads, and SQLite connections are per thread."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db)
        return store

    # --- stories ---------------------------------------------------------------------------

    def _stories(self, store: Store) -> list[tuple[Story, list[Article]]]:
        articles = store.articles()
        if not articles:
            return []
        return [
            (Story(pipeline.story_id(a.id for a in articles), [a.id for a in articles]), articles)
        ]

    def stories(
        self, q: str = "", entity: str = "", offset: int = 0, limit: int = 20
    ) -> tuple[list[StorySummary], int]:
        """A page of stories, newest first, whose articles contain every word of ``q`` and
        name ``entity``; and how many match in all."""
        store = self.store()
        found = [
            (story, articles)
            for story, articles in self._stories(store)
            if _has_words(articles, q) and self._names(articles, entity)
        ]
        found.sort(key=lambda sa: _newest(sa[1]), reverse=True)
        page = found[offset : offset + limit]
        return [self._summary(story, articles) for story, articles in page], len(found)

    def _summary(self, story: Story, articles: list[Article]) -> StorySummary:
        dates = sorted(a.published for a in articles if a.published)
        analysis = self._analyses.get(story.id)
        counts = None
        if analysis is not None:
            counts = {}
            for f in analysis.findings:
                counts[f.kind] = counts.get(f.kind, 0) + 1
        return StorySummary(
            id=story.id,
            title=next((a.title for a in articles if a.title), None),
            article_ids=[a.id for a in articles],
            input_ids=[a.input_id for a in articles],
            outlets=list(dict.fromkeys(a.outlet for a in articles)),
            first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None,
            findings_by_kind=counts,
        )

    def story(self, story_id: str) -> tuple[StorySummary, list[Article]] | None:
        store = self.store()
        for story, articles in self._stories(store):
            if story.id == story_id:
                return self._summary(story, articles), articles
        return None

    def story_of(self, article_id: str) -> str | None:
        store = self.store()
        for story, _ in self._stories(store):
            if article_id in story.article_ids:
                return story.id
        return None

    def _names(self, articles: list[Article], entity: str) -> bool:
        """Whether an article names ``entity`` (case-insensitive, whole entity or a word of it).

        Entities come from annotation, which runs when a story is analysed; a
        story not analysed yet matches no entity search.
        """
        wanted = entity.strip().casefold()
        if not wanted:
            return True
        for a in articles:
            for e in self._entities.get(a.id, ()):
                name = e.text.casefold()
                if e.label in ENTITY_LABELS and (name == wanted or wanted in name.split()):
                    return True
        return False

    # --- articles --------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        return self.store().article(article_id)

    def add(self, items: Iterable[RawDocument | Rejection]) -> Added:
        """Clean and store each document (each in its own transaction), record each rejection,
        and queue the analysis of every story that changed."""
        added = Added()
        store = self.store()
        for item in items:
            if isinstance(item, Rejection):
                added.rejected.append(item)
                store.add_rejection(item)
                continue
            article = clean(item)
            if not article.text.strip():
                rejection = Rejection(item.source, "no article text left after cleaning")
                added.rejected.append(rejection)
                store.add_rejection(rejection)
                continue
            added.articles.append((article, store.add([article]) == 1))
        stories = self._stories(store)
        for story, _ in stories:
            for article, _new in added.articles:
                if article.id in story.article_ids:
                    added.story_ids[article.id] = story.id
        if added.articles:
            jobs.enqueue(self.db, sorted(set(added.story_ids.values())))
            self._wake.set()
        return added

    def delete(self, article_id: str) -> bool:
        """Remove an article; its story (what is left of it) is queued for analysis again."""
        store = self.store()
        if not store.delete(article_id):
            return False
        remaining = [story.id for story, _ in self._stories(store)]
        jobs.enqueue(self.db, remaining)
        self._wake.set()
        return True

    # --- analyses --------------------------------------------------------------------------

    def analysis(self, story_id: str) -> StoryAnalysis | None:
        """The story's analysis if it has run in this process; None while it is queued."""
        return self._analyses.get(story_id)

    def progress(self, story_id: str) -> Progress:
        if story_id in self._analyses:
            return Progress("done", "done", 1, 1)
        return self._progress.get(story_id, Progress("queued"))

    def report(self, story_id: str) -> Report | None:
        """The story's report in the shape ``pressdiff analyze`` renders, once analysed."""
        found = self.story(story_id)
        analysis = self._analyses.get(story_id)
        if found is None or analysis is None:
            return None
        return Report(articles=found[1], stories=[analysis], rejected=[])

    def analyse(self, story_id: str) -> bool:
        """Run the story's analysis now (the worker thread calls this); False when the story
        no longer exists (its articles changed since it was queued)."""
        found = self.story(story_id)
        if found is None:
            self._progress.pop(story_id, None)
            return False
        _, articles = found

        def step(stage: str, done: int, total: int) -> None:
            self._progress[story_id] = Progress("running", stage, done, total)

        step("starting", 0, 1)
        annotate(articles)
        result = pipeline.analyse_story(articles, progress=step)
        with self._lock:
            for a in articles:
                self._entities[a.id] = a.entities
            self._analyses[story_id] = result
            self._progress.pop(story_id, None)
        return True


def _has_words(articles: list[Article], q: str) -> bool:
    words = q.casefold().split()
    if not words:
        return True
    texts = " ".join(f"{a.title or ''} {a.outlet} {a.text}" for a in articles).casefold()
    return all(w in texts for w in words)


def _newest(articles: list[Article]) -> str:
    return max((a.published or "" for a in articles), default="")
