"""The library's two main calls: read inputs into cleaned articles, and analyse a story.

The shells (CLI, benchmarks, tests) call these; they contain no analysis of
their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pressdiff import claims, consensus, quotes, reuse
from pressdiff.annotate import annotate
from pressdiff.clean import clean
from pressdiff.ingest import read_inputs
from pressdiff.model import Article, Finding, RawDocument, Rejection, Story

SCHEMA_VERSION = "1.0"

# progress(stage, done, total): the shells turn this into a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class StoryAnalysis:
    """One story and what each analysis found in it.

    The analysis results are typed by their own modules; ``findings`` gathers
    all their findings (plus cleaning's ``boilerplate``) in one list, sorted by
    article and position, which is what the JSON ``findings`` field shows.
    """

    story: Story
    findings: list[Finding] = field(default_factory=list)
    reuse: Any = None
    quotes: Any = None
    claims: Any = None
    consensus: Any = None


@dataclass
class Report:
    """Everything a renderer needs; renderers only read it."""

    articles: list[Article]
    stories: list[StoryAnalysis]
    rejected: list[Rejection]
    schema_version: str = SCHEMA_VERSION


def prepare(item: RawDocument | Rejection) -> tuple[Article, None] | tuple[None, Rejection]:
    """One input's per-article ingest work: today cleaning, or the reason it is rejected.

    It depends on nothing but its input, so ingest can run it anywhere: in
    this process, or as a Dask task on a worker (:mod:`pressdiff.runner`).
    """
    if isinstance(item, Rejection):
        return None, item
    article = clean(item)
    if not article.text.strip():
        return None, Rejection(item.source, "no article text left after cleaning")
    return article, None


def prepare_batch(
    items: list[RawDocument | Rejection],
) -> list[tuple[Article, None] | tuple[None, Rejection]]:
    """:func:`prepare` over a batch: one Dask task per batch keeps scheduling cheap."""
    return [prepare(item) for item in items]


def iter_clean(paths: Iterable[str]) -> Iterator[tuple[Article, None] | tuple[None, Rejection]]:
    """Stream inputs as cleaned articles or rejections, one at a time.

    Streaming keeps ``pressdiff ingest`` flat in memory on large batches and
    lets each article be committed as soon as it is read.
    """
    for item in read_inputs(paths):
        yield prepare(item)


def load(paths: Iterable[str]) -> tuple[list[Article], list[Rejection]]:
    """Read and clean every input; duplicates (same cleaned text) are kept once.

    Rejections never stop the batch: each bad input becomes one Rejection.
    """
    articles: list[Article] = []
    rejected: list[Rejection] = []
    seen: dict[str, str] = {}
    for article, rejection in iter_clean(paths):
        if rejection is not None:
            rejected.append(rejection)
        elif article.id in seen:
            reason = f"same text as {seen[article.id]} (article {article.id})"
            rejected.append(Rejection(article.source, reason))
        else:
            seen[article.id] = article.source
            articles.append(article)
    return articles, rejected


def story_id(article_ids: Iterable[str]) -> str:
    """A stable id for a story: the hash of its sorted article ids."""
    digest = hashlib.sha256("\n".join(sorted(article_ids)).encode()).hexdigest()
    return f"story-{digest[:12]}"


def analyse_story(articles: list[Article], progress: Progress | None = None) -> StoryAnalysis:
    """Annotate the story's articles and run every analysis on them, in order.

    The order is the data flow of docs/architecture.md: claims use the quote
    spans (reported speech) and the spun copies found by reuse; consensus
    reads the claims.
    """
    say = progress or (lambda _stage, _done, _total: None)
    total = 5
    story = Story(story_id(a.id for a in articles), [a.id for a in articles])
    result = StoryAnalysis(story)
    say("annotating", 0, total)
    annotate([a for a in articles if a.doc is None])
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


def analyse(
    articles: list[Article], rejected: list[Rejection], progress: Progress | None = None
) -> Report:
    """Analyse a set of articles as one story (until story clustering exists)."""
    stories = [analyse_story(articles, progress)] if articles else []
    return Report(articles=articles, stories=stories, rejected=rejected)
