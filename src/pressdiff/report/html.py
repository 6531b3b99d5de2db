"""The HTML report: one self-contained page to read the articles side by side.

Article text is untrusted, so the page is built with jinja2 autoescaping on,
highlights are cut from offsets in Python (:func:`views.segments`) rather than
spliced into the text, and the page's one inline script is pinned by hash in a
Content-Security-Policy: even if escaping ever failed, an injected ``<script>``
or ``onerror=`` could not run, and the page can fetch nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pressdiff.model import Article, Evidence, Finding, Removed
from pressdiff.report.views import (
    articles_by_id,
    cited_elsewhere,
    kind_label,
    segments,
    word_count,
)

if TYPE_CHECKING:
    from pressdiff.pipeline import Report, StoryAnalysis


@dataclass
class EvidenceView:
    evidence: Evidence
    outlet: str


@dataclass
class FindingView:
    """A finding with the page-wide id that ties its highlights, card and evidence together."""

    id: str
    finding: Finding
    label: str
    outlet: str
    evidence: list[EvidenceView]


@dataclass
class Piece:
    """A run of article text; ``finding_ids``/``evidence_ids`` say which findings cover it."""

    text: str
    finding_ids: list[str] = field(default_factory=list)
    evidence_ids: list[str] = field(default_factory=list)
    kind: str = ""
    title: str = ""


@dataclass
class ArticleView:
    index: int
    article: Article
    words: int
    findings: list[FindingView]
    removed: list[Removed]
    pieces: list[Piece]
    link: str | None


@dataclass
class StoryView:
    analysis: StoryAnalysis
    articles: list[ArticleView]
    findings: list[FindingView]
    kind_counts: list[tuple[str, str, int]]


def _safe_link(url: str | None) -> str | None:
    """Only http(s) URLs become links: a ``javascript:`` URL in the metadata must stay text."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _pieces(article: Article, views: list[FindingView]) -> list[Piece]:
    """Cut the article's text around its findings and around evidence other findings cite."""
    by_id = {view.id: view for view in views}
    spans = []
    for view in views:
        if view.finding.article_id == article.id:
            spans.append((view.finding.start, view.finding.end, ("f", view.id)))
        spans.extend(
            (ev.evidence.start, ev.evidence.end, ("e", view.id))
            for ev in view.evidence
            if ev.evidence.article_id == article.id
        )
    pieces = []
    for seg in segments(article.text, spans):
        flagged = sorted(
            (by_id[fid] for role, fid in seg.labels if role == "f"),
            key=lambda v: (-v.finding.confidence, v.id),
        )
        pieces.append(
            Piece(
                text=seg.text,
                finding_ids=[v.id for v in flagged],
                evidence_ids=sorted(fid for role, fid in seg.labels if role == "e"),
                kind=flagged[0].finding.kind if flagged else "",
                title="\n".join(f"{v.label}: {v.finding.explanation}" for v in flagged),
            )
        )
    return pieces


def _story_view(index: int, story: StoryAnalysis, by_id: dict[str, Article]) -> StoryView:
    def outlet(article_id: str) -> str:
        article = by_id.get(article_id)
        return article.outlet if article else article_id

    findings = [
        FindingView(
            id=f"s{index}f{n}",
            finding=f,
            label=kind_label(f.kind),
            outlet=outlet(f.article_id),
            evidence=[EvidenceView(ev, outlet(ev.article_id)) for ev in cited_elsewhere(f)],
        )
        for n, f in enumerate(story.findings)
    ]
    articles = [
        ArticleView(
            index=n,
            article=article,
            words=word_count(article.text),
            findings=[v for v in findings if v.finding.article_id == article.id],
            removed=article.removed,
            pieces=_pieces(article, findings),
            link=_safe_link(article.url),
        )
        for n, article in enumerate(by_id[a] for a in story.story.article_ids if a in by_id)
    ]
    counts = Counter(f.kind for f in story.findings)
    kind_counts = [(kind, kind_label(kind), n) for kind, n in sorted(counts.items())]
    return StoryView(story, articles, findings, kind_counts)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def _assets() -> tuple[str, str]:
    """The page's stylesheet and script, read once from the package."""
    folder = resources.files("pressdiff.report").joinpath("assets")
    return (
        folder.joinpath("report.css").read_text(encoding="utf-8"),
        folder.joinpath("report.js").read_text(encoding="utf-8"),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("pressdiff.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    """The whole report as one HTML page with no external resources."""
    by_id = articles_by_id(report)
    css, js = _assets()
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        stories=[_story_view(i, s, by_id) for i, s in enumerate(report.stories)],
        articles_by_id=by_id,
        kind_label=kind_label,
        finding_count=sum(len(s.findings) for s in report.stories),
        # The assets are our own files, not input: inline them verbatim, pinned by hash.
        css=Markup(css),
        js=Markup(js),
        # Styles may be inline anywhere (analysis templates bring their own); scripts may
        # not: only ours, by hash, runs.
        csp=f"default-src 'none'; style-src 'unsafe-inline'; script-src {_csp_hash(js)}",
    )
