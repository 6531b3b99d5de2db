"""The library's two main calls: read inputs into cleaned articles, and analyse a story.

The shells (CLI, benchmarks, tests) call these; they contain no analysis of
their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pressdiff.annotate import annotate
from pressdiff.clean import clean
from pressdiff.ingest import read_inputs
from pressdiff.model import Article, Finding, Rejection, Story

SCHEMA_VERSION = "1.0"

Progress = Callable[[str], None]


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


def load(paths: Iterable[str]) -> tuple[list[Article], list[Rejection]]:
    """Read and clean every input; duplicates (same cleaned text) are kept once.

    Rejections never stop the batch: each bad input becomes one Rejection.
    """
    articles: list[Article] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for item in read_inputs(paths):
        if isinstance(item, Rejection):
            rejected.append(item)
            continue
        article = clean(item)
        if article is None or not article.text.strip():
            rejected.append(Rejection(item.source, "no article text left after cleaning"))
            continue
        if article.id in seen:
            rejected.append(
                Rejection(item.source, f"duplicate of an article already read (id {article.id})")
            )
            continue
        seen.add(article.id)
        articles.append(article)
    return articles, rejected


def story_id(article_ids: Iterable[str]) -> str:
    """A stable id for a story: the hash of its sorted article ids."""
    digest = hashlib.sha256("\n".join(sorted(article_ids)).encode()).hexdigest()
    return f"story-{digest[:12]}"


def analyse_story(articles: list[Article], progress: Progress | None = None) -> StoryAnalysis:
    """Annotate the story's articles and run every analysis on them."""
    say = progress or (lambda _msg: None)
    story = Story(story_id(a.id for a in articles), [a.id for a in articles])
    say("annotating")
    annotate([a for a in articles if a.doc is None])
    result = StoryAnalysis(story)
    findings: list[Finding] = []
    result.findings = sorted(
        findings, key=lambda f: (story.article_ids.index(f.article_id), f.start)
    )
    return result


def analyse(
    articles: list[Article], rejected: list[Rejection], progress: Progress | None = None
) -> Report:
    """Analyse a set of articles as one story (until story clustering exists)."""
    stories = [analyse_story(articles, progress)] if articles else []
    return Report(articles=articles, stories=stories, rejected=rejected)
