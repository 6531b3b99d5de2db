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
from collections import Counter, defaultdict
from collections.abc import Sequence
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
    story_dates,
    word_count,
)

if TYPE_CHECKING:
    from pressdiff.pipeline import Report, StoryAnalysis
    from pressdiff.reuse.records import Edge


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
    passage_ids: list[str] = field(default_factory=list)
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
class PassageView:
    """One aligned reuse passage; its two spans carry ``id`` in their ``data-p``."""

    id: str
    kind: str
    similarity: float
    overlap: float
    mostly_quoted: bool

    @property
    def code(self) -> str:
        """``id:kind:similarity:overlap:quote`` for the page's script (no article text)."""
        quote = "q" if self.mostly_quoted else "-"
        return f"{self.id}:{self.kind}:{self.similarity:.2f}:{self.overlap:.2f}:{quote}"


@dataclass
class PairView:
    """Two articles of a story that share aligned passages: one choice in the pair picker.

    ``a``/``b`` are column indexes (``a < b``); ``edge`` is the reuse edge
    between them, if the pair passed the reuse analysis's bar for one.
    """

    key: str
    a: int
    b: int
    a_outlet: str
    b_outlet: str
    passages: list[PassageView]
    edge: Edge | None = None

    @property
    def label(self) -> str:
        quoted = sum(p.mostly_quoted for p in self.passages)
        count = f"{len(self.passages)} passage{'' if len(self.passages) == 1 else 's'}"
        if quoted:
            count += f", {quoted} mostly quotes"
        if self.edge is None:
            return f"{self.a_outlet} ↔ {self.b_outlet}: no reuse edge ({count})"
        reused = round(100 * self.edge.score)
        return f"{self.a_outlet} ↔ {self.b_outlet}: {reused}% reused ({count})"

    @property
    def codes(self) -> str:
        return " ".join(p.code for p in self.passages)


@dataclass
class StoryView:
    analysis: StoryAnalysis
    articles: list[ArticleView]
    findings: list[FindingView]
    kind_counts: list[tuple[str, str, int]]
    pairs: list[PairView] = field(default_factory=list)
    pair_of_edge: dict[int, str] = field(default_factory=dict)

    @property
    def dates(self) -> str:
        return story_dates(self.analysis.story)


def _safe_link(url: str | None) -> str | None:
    """Only http(s) URLs become links: a ``javascript:`` URL in the metadata must stay text."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _pieces(
    article: Article,
    views: list[FindingView],
    passages: Sequence[tuple[int, int, str]] = (),
) -> list[Piece]:
    """Cut the article's text around its findings, the evidence other findings cite, and
    the aligned reuse passages ``(start, end, passage id)`` it takes part in."""
    by_id = {view.id: view for view in views}
    spans: list[tuple[int, int, tuple[str, str]]] = [(s, e, ("p", pid)) for s, e, pid in passages]
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
                passage_ids=sorted(pid for role, pid in seg.labels if role == "p"),
                kind=flagged[0].finding.kind if flagged else "",
                title="\n".join(f"{v.label}: {v.finding.explanation}" for v in flagged),
            )
        )
    return pieces


def _pairs(
    index: int, story: StoryAnalysis, columns: dict[str, int], outlets: list[str]
) -> tuple[list[PairView], dict[int, str], dict[str, list[tuple[int, int, str]]]]:
    """The story's aligned reuse passages grouped by pair of articles, for the pair picker.

    Returns the pairs (those with a reuse edge first, strongest first, then the
    rest in column order), the pair key of each edge (by its index in
    ``reuse.edges``), and each article's passage spans ``(start, end, id)``.
    """
    result = story.reuse
    passages = result.passages if result else []
    edges = result.edges if result else []
    grouped: dict[tuple[int, int], list[tuple[int, PassageView]]] = defaultdict(list)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for n, p in enumerate(passages):
        if p.a not in columns or p.b not in columns or p.a == p.b:
            continue
        view = PassageView(f"s{index}p{n}", p.kind, p.similarity, p.overlap, p.mostly_quoted)
        spans[p.a].append((p.a_start, p.a_end, view.id))
        spans[p.b].append((p.b_start, p.b_end, view.id))
        ca, cb = columns[p.a], columns[p.b]
        grouped[(min(ca, cb), max(ca, cb))].append((p.a_start if ca < cb else p.b_start, view))
    pairs: dict[tuple[int, int], PairView] = {}
    pair_of_edge: dict[int, str] = {}
    ordered: list[tuple[int | None, tuple[int, int]]] = [
        (i, (min(cs, ct), max(cs, ct)))
        for i, e in enumerate(edges)
        if e.source in columns and e.target in columns
        for cs, ct in [(columns[e.source], columns[e.target])]
    ]
    ordered += [(None, cols) for cols in sorted(grouped)]
    for edge_index, (a, b) in ordered:
        if (a, b) not in grouped:
            continue
        if (a, b) not in pairs:
            pairs[(a, b)] = PairView(
                key=f"s{index}c{a}-{b}",
                a=a,
                b=b,
                a_outlet=outlets[a],
                b_outlet=outlets[b],
                passages=[v for _, v in sorted(grouped[(a, b)], key=lambda fv: fv[0])],
                edge=edges[edge_index] if edge_index is not None else None,
            )
        if edge_index is not None:
            pair_of_edge[edge_index] = pairs[(a, b)].key
    return list(pairs.values()), pair_of_edge, spans


def story_view(index: int, story: StoryAnalysis, by_id: dict[str, Article]) -> StoryView:
    """What ``_story.html.j2`` shows of one story; ``index`` keeps its ids unique on a page."""

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
    shown = [by_id[a] for a in story.story.article_ids if a in by_id]
    columns = {article.id: n for n, article in enumerate(shown)}
    pairs, pair_of_edge, passage_spans = _pairs(index, story, columns, [a.outlet for a in shown])
    articles = [
        ArticleView(
            index=n,
            article=article,
            words=word_count(article.text),
            findings=[v for v in findings if v.finding.article_id == article.id],
            removed=article.removed,
            pieces=_pieces(article, findings, passage_spans.get(article.id, [])),
            link=_safe_link(article.url),
        )
        for n, article in enumerate(shown)
    ]
    counts = Counter(f.kind for f in story.findings)
    kind_counts = [(kind, kind_label(kind), n) for kind, n in sorted(counts.items())]
    return StoryView(story, articles, findings, kind_counts, pairs, pair_of_edge)


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
        stories=[story_view(i, s, by_id) for i, s in enumerate(report.stories)],
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
