"""The records reuse analysis returns (all JSON-able through ``model.to_jsonable``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pressdiff.model import Finding

PassageKind = Literal["verbatim", "edited", "paraphrase"]
KINDS: tuple[PassageKind, ...] = ("verbatim", "edited", "paraphrase")


@dataclass
class Passage:
    """One aligned pair of spans: ``a_start:a_end`` in article ``a``, ``b_*`` in ``b``.

    ``similarity`` is the token-level Indel similarity for verbatim and edited
    passages and the MiniLM cosine for paraphrases; ``overlap`` is always the
    token-level similarity, so that a reworded passage (high cosine, low
    overlap) can be told from a copy.  ``quoted`` is the share of the
    passage's words that sit inside quotation marks: shared quotes are shared
    material, not copying, so they do not count toward coverage or findings.
    ``mostly_quoted`` says whether that share reaches ``ReuseConfig.quoted_passage``
    (decided here, once, so that renderers need not know the setting).
    """

    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: PassageKind
    similarity: float
    overlap: float
    quoted: float
    mostly_quoted: bool
    a_text: str
    b_text: str


@dataclass
class Edge:
    """Article-level reuse between two articles.

    ``coverage`` is the share of the target's unquoted words inside passages
    shared with the source, by kind; ``source_coverage`` the same for the
    source.  ``direction`` is ``"source_to_target"`` only when publication
    times say so; otherwise ``"unknown"`` and ``source``/``target`` are just
    the pair ordered so that the target is the article more of whose text is
    shared.  ``reason`` says which.  ``score`` grades the reuse of the target
    from verbatim down to paraphrase: the share of its unquoted words inside a
    passage, each weighted by that passage's word overlap.
    """

    source: str
    target: str
    coverage: dict[str, float]
    source_coverage: dict[str, float]
    score: float
    shared_words: int
    passages: int
    direction: Literal["source_to_target", "unknown"]
    reason: str


@dataclass
class ReuseResult:
    """What reuse analysis found in one story.

    ``spun_ids`` lists the articles flagged ``spun_copy``, for claim analysis
    to weigh their voices less.
    """

    findings: list[Finding] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    spun_ids: list[str] = field(default_factory=list)
