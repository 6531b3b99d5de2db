"""Article-level reuse edges and the ``copied_passage`` findings they rest on.

Coverage counts unquoted words only: a shared quote is the speaker's words,
which both outlets may have heard themselves, so it says nothing about who
copied whom.  Direction comes from publication times alone; without them the
edge says "direction unknown" instead of guessing from the text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from pressdiff.config import settings
from pressdiff.model import Article, Finding, span_evidence
from pressdiff.reuse.records import KINDS, Edge, Passage
from pressdiff.reuse.words import Words


def _covered(w: Words, start: int, end: int) -> np.ndarray:
    """Indices of the unquoted words of ``w`` inside ``start:end``."""
    first, last = w.index_at(start), w.index_at(end)
    return np.array([k for k in range(first, last) if not w.quoted[k]], dtype=int)


@dataclass
class _Cover:
    """How one article of a pair is covered by the passages they share."""

    by_kind: dict[str, float]
    shared: int
    score: float


def _coverage(w: Words, spans: list[tuple[str, int, int, float]]) -> _Cover:
    """Share of ``w``'s unquoted words inside the ``(kind, start, end, overlap)`` spans.

    A word inside several passages counts once, for the most literal kind.
    """
    unquoted = max(1, len(w) - sum(w.quoted))
    kind_of = np.full(len(w), len(KINDS))
    weight = np.zeros(len(w))
    for kind, start, end, overlap in spans:
        idx = _covered(w, start, end)
        kind_of[idx] = np.minimum(kind_of[idx], KINDS.index(kind))
        weight[idx] = np.maximum(weight[idx], overlap)
    by_kind = {k: round(float((kind_of == n).sum() / unquoted), 4) for n, k in enumerate(KINDS)}
    shared = int((kind_of < len(KINDS)).sum())
    return _Cover(by_kind, shared, round(float(weight.sum() / unquoted), 4))


def _direction(a: Article, b: Article) -> tuple[Article, Article, str] | None:
    """(source, target, reason) when publication times order the pair."""
    if a.published and b.published and a.published != b.published:
        src, tgt = (a, b) if a.published < b.published else (b, a)
        return src, tgt, f"{src.outlet} published {src.published}, {tgt.outlet} {tgt.published}"
    return None


def build_edges(
    articles: list[Article], words: dict[str, Words], passages: list[Passage]
) -> list[Edge]:
    """One edge per pair of articles whose shared unquoted text passes ``min_coverage``."""
    cfg = settings().reuse
    by_id = {a.id: a for a in articles}
    by_pair: dict[tuple[str, str], list[Passage]] = defaultdict(list)
    for p in passages:
        by_pair[(p.a, p.b)].append(p)
    edges = []
    for (a_id, b_id), ps in by_pair.items():
        cov_a = _coverage(words[a_id], [(p.kind, p.a_start, p.a_end, p.overlap) for p in ps])
        cov_b = _coverage(words[b_id], [(p.kind, p.b_start, p.b_end, p.overlap) for p in ps])
        shared = min(cov_a.shared, cov_b.shared)
        copied = sum(not p.mostly_quoted for p in ps)
        if shared < cfg.min_matched or (copied <= 1 and shared < cfg.lone_passage_words):
            continue
        if max(sum(cov_a.by_kind.values()), sum(cov_b.by_kind.values())) < cfg.min_coverage:
            continue
        a, b = by_id[a_id], by_id[b_id]
        ordered = _direction(a, b)
        if ordered:
            src, tgt, reason = ordered
            direction = "source_to_target"
        else:
            src, tgt = (a, b) if cov_b.score >= cov_a.score else (b, a)
            direction = "unknown"
            reason = (
                "direction unknown: no publication times to order the two; the target is the "
                "article more of whose text is shared"
            )
        cov = {a_id: cov_a, b_id: cov_b}
        edges.append(
            Edge(
                source=src.id,
                target=tgt.id,
                coverage=cov[tgt.id].by_kind,
                source_coverage=cov[src.id].by_kind,
                score=cov[tgt.id].score,
                shared_words=shared,
                passages=len(ps),
                direction=direction,
                reason=reason,
            )
        )
    return sorted(edges, key=lambda e: -e.score)


def copied_findings(
    articles: list[Article], words: dict[str, Words], passages: list[Passage], edges: list[Edge]
) -> list[Finding]:
    """A ``copied_passage`` on the target of each edge for each passage that is not a quote."""
    cfg = settings().reuse
    by_id = {a.id: a for a in articles}
    findings = []
    for edge in edges:
        src, tgt = by_id[edge.source], by_id[edge.target]
        for p in passages:
            if {p.a, p.b} != {src.id, tgt.id} or p.mostly_quoted:
                continue
            t_span, s_span = (
                ((p.b_start, p.b_end), (p.a_start, p.a_end))
                if p.b == tgt.id
                else ((p.a_start, p.a_end), (p.b_start, p.b_end))
            )
            if len(_covered(words[tgt.id], *t_span)) < cfg.min_matched:
                continue
            how = {
                "verbatim": "copied word for word",
                "edited": "copied with edits",
                "paraphrase": "paraphrased",
            }[p.kind]
            when = (
                f"{src.outlet} published first ({edge.reason})"
                if edge.direction == "source_to_target"
                else "which copied which is unknown (no publication times)"
            )
            findings.append(
                Finding(
                    kind="copied_passage",
                    article_id=tgt.id,
                    start=t_span[0],
                    end=t_span[1],
                    text=tgt.text[t_span[0] : t_span[1]],
                    evidence=[span_evidence(src, *s_span)],
                    explanation=(
                        f"Passage {how} from {src.outlet} (similarity {p.similarity:.2f}, "
                        f"word overlap {p.overlap:.2f}); {when}."
                    ),
                    confidence=round(float(p.similarity), 3),
                )
            )
    return findings
