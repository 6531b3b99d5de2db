"""Reuse and provenance: who copied or paraphrased whom, and which articles are spun.

``analyse(articles)`` aligns every candidate pair of a story's articles
(:mod:`.align`), sums the passages into article-level edges and
``copied_passage`` findings (:mod:`.edges`), and flags likely machine-spun
rewrites (:mod:`.spin`).
"""

from __future__ import annotations

from pressdiff.model import Article
from pressdiff.reuse.align import align_story, sentence_vectors
from pressdiff.reuse.edges import build_edges, copied_findings
from pressdiff.reuse.records import Edge, Passage, ReuseResult
from pressdiff.reuse.spin import spun_findings
from pressdiff.reuse.words import words

__all__ = ["Edge", "Passage", "ReuseResult", "analyse"]


def analyse(articles: list[Article]) -> ReuseResult:
    """Passages, edges and reuse findings for one story's annotated articles."""
    if len(articles) < 2:
        return ReuseResult()
    tokens = [words(a.text) for a in articles]
    passages = align_story(articles, tokens, sentence_vectors(articles))
    by_id = {a.id: w for a, w in zip(articles, tokens, strict=True)}
    edges = build_edges(articles, by_id, passages)
    spun = spun_findings(articles, edges, passages)
    findings = copied_findings(articles, by_id, passages, edges) + spun
    return ReuseResult(
        findings=findings,
        passages=passages,
        edges=edges,
        spun_ids=[f.article_id for f in spun],
    )
