"""The library's main calls: read inputs into cleaned articles, group them into
stories, and analyse each story.

The shells (CLI, benchmarks, tests) call these; they contain no analysis of
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from pressdiff import annotate as annotation
from pressdiff import claims, consensus, nlp, quotes, reuse, stories
from pressdiff.annotate import OverBudget, annotate
from pressdiff.claims import ClaimResult
from pressdiff.clean import clean
from pressdiff.consensus import ConsensusResult
from pressdiff.ingest import read_inputs
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, Finding, RawDocument, Rejection, Story
from pressdiff.quotes import QuoteResult
from pressdiff.reuse import ReuseResult
from pressdiff.store import Store

SCHEMA_VERSION = "2.1"

# progress(stage, done, total): the shells turn this into a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class StoryAnalysis:
    """One story and what each analysis found in it.

    The analysis results are typed by their own modules; ``findings`` gathers
    all their findings (plus cleaning's ``boilerplate``) in one list, sorted by
    article and position, which is what the JSON ``findings`` field shows.
    A story of one article has nothing to compare: its analyses stay None.
    """

    story: Story
    findings: list[Finding] = field(default_factory=list)
    reuse: ReuseResult | None = None
    quotes: QuoteResult | None = None
    claims: ClaimResult | None = None
    consensus: ConsensusResult | None = None


@dataclass
class Report:
    """Everything a renderer needs; renderers only read it."""

    articles: list[Article]
    stories: list[StoryAnalysis]
    rejected: list[Rejection]
    schema_version: str = SCHEMA_VERSION


def prepare(
    item: RawDocument | Rejection, limits: Limits = LIMITS
) -> tuple[Article, None] | tuple[None, Rejection]:
    """One input's per-article ingest work: cleaning and the per-article limits, or the
    reason it is rejected.

    It depends on nothing but its input, so ingest can run it anywhere: in
    this process, or as a Dask task on a worker (:mod:`pressdiff.runner`).
    """
    if isinstance(item, Rejection):
        return None, item
    article = clean(item)
    if not article.text.strip():
        return None, Rejection(item.source, "no article text left after cleaning")
    if problem := limits.article_problem(article):
        return None, Rejection(item.source, problem)
    return article, None


def prepare_batch(
    items: list[RawDocument | Rejection], limits: Limits = LIMITS
) -> list[tuple[Article, None] | tuple[None, Rejection]]:
    """:func:`prepare` over a batch: one Dask task per batch keeps scheduling cheap."""
    return [prepare(item, limits) for item in items]


def iter_clean(
    paths: Iterable[str], limits: Limits = LIMITS
) -> Iterator[tuple[Article, None] | tuple[None, Rejection]]:
    """Stream inputs as cleaned articles or rejections, one at a time.

    Streaming keeps ``pressdiff ingest`` flat in memory on large batches and
    lets each article be committed as soon as it is read.  An article over
    one of the per-article ``limits`` is rejected here, before any parsing.
    """
    for item in read_inputs(paths):
        yield prepare(item, limits)


def load(paths: Iterable[str], limits: Limits = LIMITS) -> tuple[list[Article], list[Rejection]]:
    """Read and clean every input; duplicates (same cleaned text) are kept once.

    Rejections never stop the batch: each bad input becomes one Rejection.
    Articles beyond ``limits.articles_per_batch`` are rejected, not kept.
    """
    articles: list[Article] = []
    rejected: list[Rejection] = []
    seen: dict[str, str] = {}
    for article, rejection in iter_clean(paths, limits):
        if rejection is not None:
            rejected.append(rejection)
        elif article.id in seen:
            reason = f"same text as {seen[article.id]} (article {article.id})"
            rejected.append(Rejection(article.source, reason))
        elif len(articles) >= limits.articles_per_batch:
            reason = (
                f"over the batch limit of {limits.articles_per_batch:,} articles "
                "(articles_per_batch)"
            )
            rejected.append(Rejection(article.source, reason))
        else:
            seen[article.id] = article.source
            articles.append(article)
    return articles, rejected


def analyse_story(
    articles: list[Article],
    progress: Progress | None = None,
    story: Story | None = None,
    limits: Limits = LIMITS,
) -> StoryAnalysis:
    """Annotate the story's articles and run every analysis on them, in order.

    The order is the data flow of docs/architecture.md: claims use the quote
    spans (reported speech) and the spun copies found by reuse; consensus
    reads the claims.  ``story`` describes the group (its id, title, dates);
    without it the articles are taken as one new story.  One article alone
    is annotated but not analysed: every analysis compares outlets.
    """
    say = progress or (lambda _stage, _done, _total: None)
    if story is None:
        story = stories.as_one(articles)
    total = 5
    result = StoryAnalysis(story)
    say("annotating", 0, total)
    annotate([a for a in articles if a.doc is None], limits=limits)
    if len(articles) < 2:
        say("done", total, total)
        return result
    with nlp.small_products():
        say("finding reuse", 1, total)
        result.reuse = reuse.analyse(articles)
        say("lining up quotes", 2, total)
        result.quotes = quotes.analyse(articles)
        say("checking claims", 3, total)
        result.claims = claims.analyse(articles, reuse=result.reuse, quotes=result.quotes)
        say("weighing consensus", 4, total)
        result.consensus = consensus.analyse(articles, claims=result.claims, reuse=result.reuse)
    say("done", total, total)
    order = {article_id: i for i, article_id in enumerate(story.article_ids)}
    findings = [
        *result.reuse.findings,
        *result.quotes.findings,
        *result.claims.findings,
        *result.consensus.findings,
    ]
    result.findings = sorted(findings, key=lambda f: (order[f.article_id], f.start, f.kind))
    return result


def analyse_stories(
    groups: list[Story],
    articles: list[Article],
    rejected: list[Rejection],
    progress: Progress | None = None,
    limits: Limits = LIMITS,
) -> Report:
    """Analyse each story of ``groups`` (whose article ids name ``articles``).

    An article whose parse runs past ``limits.seconds_per_article`` is moved
    to the rejections and its story analysed without it (the others keep
    their parses).
    """
    rejected = list(rejected)
    by_id = {a.id: a for a in articles}
    analyses = []
    for n, story in enumerate(groups):
        members = [by_id[a] for a in story.article_ids]
        if progress and len(groups) > 1:
            progress(f"story {n + 1} of {len(groups)}", n, len(groups))
        while True:
            try:
                say = progress if len(groups) == 1 else None
                analyses.append(analyse_story(members, say, story, limits))
                break
            except OverBudget as over:
                members = [a for a in members if a is not over.article]
                del by_id[over.article.id]
                rejected.append(Rejection(over.article.source, over.reason))
                if not members:
                    break
                metas = [stories.ArticleMeta.of(a) for a in members]
                story = stories.describe(story.id, story.title, metas)
    if progress and len(groups) > 1:
        progress("done", len(groups), len(groups))
    shown = [by_id[a] for story in groups for a in story.article_ids if a in by_id]
    return Report(articles=shown, stories=analyses, rejected=rejected)


def analyse(
    articles: list[Article],
    rejected: list[Rejection],
    progress: Progress | None = None,
    *,
    one_story: bool = False,
    limits: Limits = LIMITS,
) -> Report:
    """Group the articles into stories (or take them as one, with ``one_story``) and
    analyse each story."""
    if not articles:
        return Report(articles=[], stories=[], rejected=rejected)
    groups = [stories.as_one(articles)] if one_story else stories.group(articles)
    return analyse_stories(groups, articles, rejected, progress, limits)


class UnknownStory(LookupError):
    """A story id that is not in the store (nor merged into a story there)."""


def stored_stories(store: Store, story_ids: Iterable[str] = ()) -> list[Story]:
    """The stored stories (all, or those named by current or merged-away id), each once.

    Articles still in no story (a database from before stories existed, an
    interrupted ingest) are put into stories first, and that is recorded.
    """
    stories.StoryAssigner(store).assign_pending()
    wanted = list(story_ids)
    if not wanted:
        return store.stories()
    groups: list[Story] = []
    for sid in wanted:
        story = store.story(sid)
        if story is None:
            raise UnknownStory(sid)
        if all(story.id != g.id for g in groups):
            groups.append(story)
    return groups


Kept = dict[str, tuple[bytes, dict[str, np.ndarray]]]
"""Articles' kept annotations by article id: the parse as ``DocBin`` bytes and the vectors."""


def kept_annotations(store: Store, articles: Iterable[Article]) -> Kept:
    """What the store kept for the articles (those it kept something for)."""
    version = annotation.annotation_version()
    found = {a.id: store.annotations(a.id, version) for a in articles}
    return {article_id: kept for article_id, kept in found.items() if kept[0]}


def restore(articles: Iterable[Article], kept: Kept) -> int:
    """Give the articles their kept annotations; return how many had some.

    An article restored here is neither parsed nor has its kept pieces
    encoded again by :func:`analyse_story`.
    """
    restored = 0
    for article in articles:
        if article.id in kept:
            annotation.restore(article, *kept[article.id])
            restored += 1
    return restored


def new_annotations(articles: Iterable[Article], before: Kept) -> Kept:
    """What annotation and the analyses computed for the articles beyond ``before``.

    A Dask worker returns this with its result, so that the client, which
    alone writes the store, keeps it: the parse of an article that had none,
    and every vector ``before`` lacks.
    """
    out: Kept = {}
    for a in articles:
        if a.doc is None:
            continue
        old_doc, old_vectors = before.get(a.id, (b"", {}))
        vectors = {t: v for t, v in a.vectors.items() if t not in old_vectors}
        if vectors or not old_doc:  # the store has the parse when ``before`` has it
            out[a.id] = (b"" if old_doc else annotation.to_bytes(a), vectors)
    return out


def save_annotations(store: Store, kept: Kept) -> int:
    """Store kept annotations (only the vectors the store lacks are added); return how many."""
    version = annotation.annotation_version()
    return sum(
        store.add_annotations(article_id, version, doc, vectors)
        for article_id, (doc, vectors) in kept.items()
    )


def restore_annotations(store: Store, articles: Iterable[Article]) -> int:
    """:func:`restore` the annotations the store kept for the articles."""
    articles = list(articles)
    return restore(articles, kept_annotations(store, articles))


def keep_annotations(store: Store, articles: Iterable[Article]) -> int:
    """Store what annotation and the analyses computed for the articles; return new vectors."""
    return save_annotations(store, new_annotations(articles, {}))
