"""Evidence alignment: which evidence sentences a claim sentence speaks to, and how well.

A claim is only as supported as the evidence it lines up with.  Each claim sentence is ranked
against every evidence sentence by MiniLM cosine plus lexical overlap (the two disagree on
paraphrase and on topic-only similarity, and their sum is steadier than either), and the
alignment is summarised by measures that say *how much of what the claim asserts* the
evidence asserts too:

* ``cosine``: MiniLM similarity to the best evidence sentence;
* ``overlap``: share of the claim's content lemmas in its best-aligned sentence;
* ``copied``: the largest share of the claim's content words that one evidence sentence has
  in the same order (longest common subsequence): a sentence stitched from the start of one
  sentence and the end of another shares words with both but follows neither;
* ``links_best``: share of the claim's predicate–argument links (a content word and its
  content head: "police *arrested*", "*arrested* man") whose two words occur together in the
  best-aligned sentence.  Words scattered over the evidence do not make a claim true: who did
  what to whom must be said together;
* ``log_content``: the claim sentence's length in content words (log), since a longer
  sentence has more room to add what the evidence does not say;
* ``conflicts``: the rules' concrete conflicts with the aligned evidence
  (:mod:`pressdiff.claims.check`).

Measures of what the claim adds to the whole evidence (a summary that invents a name, a
number or a detail the article never gives — "extrinsic" errors, most of XSum's):

* ``cosine_top2``: mean MiniLM similarity of the two best evidence sentences;
* ``cosine_margin``: how far the best sentence stands out from the evidence's mean: a claim
  on the article's topic that no sentence says in particular has a high mean and no peak;
* ``novel_lemmas``: share of the claim's content lemmas the evidence never uses;
* ``novel_names``: share of the claim's names and numbers the evidence never gives;
* ``novel_chunks``: share of the claim's noun phrases whose content words no one evidence
  sentence has all together ("a record fine" where the article has a fine and a record);
* ``links_any``: share of the claim's predicate–argument links found together in *some*
  evidence sentence (``links_best`` asks the best-aligned one);
* ``negation_mismatch``: 1 when the claim denies something and its best sentence does not,
  or the other way round.

Which measures the decision weighs is the model's choice (``support_model.json`` names them),
made by cross-validation on the QAGS tune part (``bench/claims_support_train.py``).

The measures are fixed and have no tuned numbers; the decision layer
(:mod:`pressdiff.claims.support`) weighs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import LCSseq

from pressdiff.claims.check import RuleChecker
from pressdiff.claims.passage import Parsed
from pressdiff.claims.passage import ParsedSentence as Passage
from pressdiff.claims.rules import conflicts, dedupe, gaps, overlap

# The order the decision layer's weights follow; change it only together with the weights.
FEATURES = (
    "cosine", "overlap", "copied", "links_best", "log_content", "conflicts",
    "cosine_top2", "cosine_margin", "novel_lemmas", "novel_names", "novel_chunks", "links_any",
    "negation_mismatch",
)  # fmt: skip

# How a multi-sentence claim pools its sentences' measures: the weakest sentence decides the
# similarity measures, counts add up, length is the longest sentence's.
_POOL_MIN = frozenset(
    {"cosine", "overlap", "copied", "links_best", "cosine_top2", "cosine_margin", "links_any"}
)
_POOL_SUM = frozenset({"conflicts"})


@dataclass
class Aligned:
    """One claim sentence against the evidence: its best sentences and the measures above."""

    claim: Passage
    evidence: list[Passage]  # best first
    cosines: list[float]  # cosine of each of ``evidence``
    features: dict[str, float]


@dataclass
class Judged:
    """One (evidence, claim) pair measured: each claim sentence aligned, the rules' findings."""

    sentences: list[Aligned]
    conflicts: list[tuple[str, tuple[int, int]]]
    gaps: list[tuple[str, tuple[int, int]]]

    def features(self) -> dict[str, float]:
        """The pair's measures, one per name of ``FEATURES`` (see the pooling above)."""
        out = {}
        for name in FEATURES:
            values = [s.features[name] for s in self.sentences] or [0.0]
            if name in _POOL_MIN:
                out[name] = min(values)
            else:
                out[name] = sum(values) if name in _POOL_SUM else max(values)
        return out


def _links(claim: Passage) -> list[tuple[str, str]]:
    """(word, head) lemma pairs of content words linked in the parse."""
    content = {t.i for t in claim.content}
    return [
        (t.lemma_.lower(), t.head.lemma_.lower())
        for t in claim.content
        if t.head.i in content and t.head.i != t.i
    ]


def _links_in(links: list[tuple[str, str]], evidence: Passage) -> float:
    if not links:
        return 1.0
    return sum(a in evidence.lemmas and b in evidence.lemmas for a, b in links) / len(links)


def _links_any(links: list[tuple[str, str]], passages: list[Passage]) -> float:
    if not links:
        return 1.0
    return sum(any(a in p.lemmas and b in p.lemmas for p in passages) for a, b in links) / len(
        links
    )


def _novel_names(claim: Passage, ev: Parsed) -> float:
    """Share of the claim's names (as written, any case) and numbers the evidence never gives."""
    text = ev.text.lower()
    names = [n.text.lower() for n in claim.names]
    numbers = [value for value, _, _ in claim.numbers]
    if not names and not numbers:
        return 0.0
    missing = sum(n not in text for n in names) + sum(v not in ev.numbers for v in numbers)
    return missing / (len(names) + len(numbers))


def _novel_chunks(claim: Passage, passages: list[Passage]) -> float:
    """Share of the claim's noun phrases whose content lemmas no one evidence sentence has."""
    if not claim.content:
        return 0.0
    sentence = claim.content[0].sent
    content = {t.i for t in claim.content}
    chunks = [
        {t.lemma_.lower() for t in chunk if t.i in content}
        for chunk in sentence.doc.noun_chunks
        if sentence.start <= chunk.start < sentence.end
    ]
    chunks = [c for c in chunks if c]
    if not chunks:
        return 0.0
    return sum(not any(c <= p.lemmas for p in passages) for c in chunks) / len(chunks)


def _copied(claim: Passage, passages: list[Passage]) -> float:
    """Largest share of the claim's content lemmas that one evidence sentence has *in the same
    order* (longest common subsequence), so two half-sentences stitched together score low."""
    mine = [t.lemma_.lower() for t in claim.content]
    if not mine:
        return 1.0
    best = max(LCSseq.similarity(mine, [t.lemma_.lower() for t in p.content]) for p in passages)
    return best / len(mine)


def align(claim: Passage, ev: Parsed, vectors: dict[str, np.ndarray], top_k: int = 2) -> Aligned:
    """Rank ``ev``'s sentences for ``claim`` and measure the alignment (``conflicts`` is left
    at 0 for :func:`judge`, which runs the rules)."""
    matrix = np.stack([vectors[p.text] for p in ev.passages])
    sims = matrix @ vectors[claim.text]
    overlaps = np.array([overlap(claim, p) for p in ev.passages])
    order = np.argsort(-(sims + overlaps))[:top_k]
    links = _links(claim)
    best = ev.passages[order[0]]
    content = [t.lemma_.lower() for t in claim.content]
    features = {
        "cosine": float(sims.max()),
        "overlap": float(overlaps[order[0]]),
        "copied": _copied(claim, ev.passages),
        "links_best": _links_in(links, best),
        "log_content": math.log1p(len(claim.content)),
        "conflicts": 0.0,
        "cosine_top2": float(np.sort(sims)[-2:].mean()),
        "cosine_margin": float(sims.max() - sims.mean()),
        "novel_lemmas": sum(w not in ev.lemmas for w in content) / max(1, len(content)),
        "novel_names": _novel_names(claim, ev),
        "novel_chunks": _novel_chunks(claim, ev.passages),
        "links_any": _links_any(links, ev.passages),
        "negation_mismatch": float(bool(claim.denials) != bool(best.denials)),
    }
    ranked = [ev.passages[i] for i in order]
    return Aligned(claim, ranked, [float(sims[i]) for i in order], features)


def judge(ev: Parsed, cl: Parsed, vectors: dict[str, np.ndarray], rules: RuleChecker) -> Judged:
    """Align every claim sentence and run the rules' conflict and gap checks on it, as
    :class:`~pressdiff.claims.check.RuleChecker` does (same alignment, same topic test)."""
    if not ev.passages or not cl.passages:
        return Judged([], [], [])
    sentences, found_conflicts, found_gaps = [], [], []
    for claim in cl.passages:
        a = align(claim, ev, vectors, rules.config.top_k)
        same_topic = a.cosines[0] >= rules.config.topic_similarity or a.features["overlap"] >= 0.5
        found = conflicts(claim, a.evidence, ev, same_topic)
        missing = gaps(claim, ev)
        a.features["conflicts"] = float(len(found))
        sentences.append(a)
        found_conflicts += found
        found_gaps += missing
    return Judged(sentences, dedupe(found_conflicts), dedupe(found_gaps))
