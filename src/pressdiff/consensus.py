"""Consensus: what the coverage agrees on, what it disputes, and how faithful each article is.

Everything here is read off the claim analysis; no new judgement is made.  The weights are
those claim analysis used (:attr:`ClaimResult.reliability`), so a spun copy repeating its
source does not double the agreement, and an article that already lost clear votes does not
settle ties.

Fidelity is the share of an article's checkable claims that the rest of the story supports,
with each contradicted claim counting ``contradiction_weight`` times against it: one
invented spouse matters more than one sentence nobody else happened to write.  Its
confidence grows with the number of checkable claims.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pressdiff.claims import ClaimResult
from pressdiff.claims.facts import COMPARED
from pressdiff.config import settings
from pressdiff.model import Article, Evidence, Finding

if TYPE_CHECKING:
    from pressdiff.reuse import ReuseResult


@dataclass
class AgreedClaim:
    """A claim (the words of one article) that other outlets support."""

    claim_id: str
    article_id: str
    start: int
    end: int
    text: str
    outlets: list[str]
    article_ids: list[str]
    weight: float


@dataclass
class ContestedClaim:
    """A claim flagged as contradicted, with the words on each side.

    ``for_side`` starts with the flagged words themselves, then the outlets that support the
    claim; ``against`` holds the strongest counter-evidence.
    """

    claim_id: str | None
    article_id: str
    start: int
    end: int
    text: str
    for_side: list[Evidence]
    against: list[Evidence]
    explanation: str
    confidence: float


@dataclass
class Fidelity:
    """How much of one article the rest of the story backs."""

    article_id: str
    outlet: str
    score: float
    confidence: float
    checked: int
    supported: int
    contradicted: int


@dataclass
class ConsensusResult:
    agreed: list[AgreedClaim] = field(default_factory=list)
    contested: list[ContestedClaim] = field(default_factory=list)
    fidelity: list[Fidelity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _supporters(claims: ClaimResult) -> dict[str, dict[str, float]]:
    """Claim id -> {supporting article id: weight}."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for al in claims.alignments:
        if al.label == "supports":
            out[al.claim_id][al.article_id] = claims.reliability.get(al.article_id, 1.0)
    return out


def _agreed(claims: ClaimResult, articles: list[Article], contested_ids: set[str]) -> list:
    """Greedy cover: the best-supported claims first, skipping any that restate a chosen one."""
    cfg = settings().consensus
    outlet_of = {a.id: a.outlet for a in articles}
    need = max(1, math.ceil((len(articles) - 1) / 2))
    support = _supporters(claims)
    twins: dict[str, set[str]] = defaultdict(set)
    for al in claims.alignments:
        if al.label == "supports":
            twins[al.claim_id].add(al.evidence_claim_id)
            twins[al.evidence_claim_id].add(al.claim_id)
    ranked = sorted(
        (c for c in claims.claims if len(support[c.id]) >= need and c.id not in contested_ids),
        key=lambda c: (
            -sum(support[c.id].values()) - claims.reliability.get(c.article_id, 1.0),
            c.is_quote,
            len(c.text),
        ),
    )
    by_id = {c.id: c for c in claims.claims}
    covered: set[str] = set()
    out = []
    for lead in ranked:
        if lead.id in covered:
            continue
        covered |= {lead.id} | twins[lead.id]
        # Show the words of the most reliable outlet among those saying the same thing.
        shown = max(
            [lead, *(by_id[t] for t in sorted(twins[lead.id]) if t in by_id)],
            key=lambda m: (claims.reliability.get(m.article_id, 1.0), len(support[m.id])),
        )
        ids = sorted({lead.article_id, *support[lead.id]})
        out.append(
            AgreedClaim(
                shown.id, shown.article_id, shown.start, shown.end, shown.text,
                sorted({outlet_of[i] for i in ids}), ids,
                round(sum(claims.reliability.get(i, 1.0) for i in ids), 3),
            )
        )  # fmt: skip
        if len(out) == cfg.max_agreed:
            break
    return out


def _claim_at(claims: ClaimResult, finding: Finding) -> str | None:
    """The id of the claim a finding points into."""
    for c in claims.claims:
        if c.article_id == finding.article_id and c.start <= finding.start < c.end:
            return c.id
    return None


def _contested(claims: ClaimResult) -> list[ContestedClaim]:
    """Each contradiction with its claim id, its supporters' words and its opponents' words.

    A finding on a structured fact ("radio") is backed by the other outlets stating the same
    fact; a finding on a whole claim by the outlets whose closest sentence supports it.
    """
    support = _supporters(claims)
    out = []
    for f in claims.findings:
        if f.kind != "contradiction":
            continue
        claim_id = _claim_at(claims, f)
        fact = next(
            (
                x
                for x in claims.facts
                if x.article_id == f.article_id and (x.start, x.end) == (f.start, f.end)
            ),
            None,
        )
        if fact is not None:
            backing = [
                Evidence(x.article_id, x.start, x.end, x.text)
                for x in claims.facts
                if x.article_id != f.article_id
                and (x.entity, x.attribute, x.value) == (fact.entity, fact.attribute, fact.value)
            ]
        else:
            backing = [
                Evidence(al.article_id, al.start, al.end, al.text)
                for al in claims.alignments
                if al.claim_id == claim_id and al.article_id in support[al.claim_id]
            ]
        out.append(
            ContestedClaim(
                claim_id, f.article_id, f.start, f.end, f.text, [f.evidence[0], *backing],
                f.evidence[1:], f.explanation, f.confidence,
            )
        )  # fmt: skip
    return out


def _fidelity(claims: ClaimResult, articles: list[Article]) -> list[Fidelity]:
    cfg = settings().consensus
    support = _supporters(claims)
    aligned = {al.claim_id for al in claims.alignments}
    contradicted: dict[str, set[str]] = defaultdict(set)
    for f in claims.findings:
        if f.kind == "contradiction" and (claim_id := _claim_at(claims, f)):
            contradicted[f.article_id].add(claim_id)
    out = []
    for a in articles:
        own = [c for c in claims.claims if c.article_id == a.id and not c.is_quote]
        checked = [
            c for c in own if c.id in aligned or any(x.attribute in COMPARED for x in c.facts)
        ]
        n_contra = len(contradicted[a.id])
        n_support = sum(1 for c in checked if support[c.id] and c.id not in contradicted[a.id])
        unsettled = len(checked) - n_support - n_contra
        denom = (
            n_support
            + cfg.unsettled_weight * max(0, unsettled)
            + cfg.contradiction_weight * n_contra
        )
        score = n_support / denom if denom else 0.0
        out.append(
            Fidelity(
                a.id, a.outlet, round(score, 3), round(len(checked) / (len(checked) + 10), 3),
                len(checked), n_support, n_contra,
            )
        )  # fmt: skip
    return out


def analyse(
    articles: list[Article], claims: ClaimResult, reuse: ReuseResult | None = None
) -> ConsensusResult:
    """Agreed claims, contested claims and fidelity per article for one story.

    ``reuse`` is accepted for the pipeline's uniform call; its spun copies already shaped the
    weights inside ``claims``.
    """
    contested = _contested(claims)
    return ConsensusResult(
        agreed=_agreed(claims, articles, {c.claim_id for c in contested if c.claim_id}),
        contested=contested,
        fidelity=_fidelity(claims, articles),
    )
