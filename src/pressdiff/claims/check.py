"""The pairwise claim checker: does this evidence support, contradict, or not settle a claim?

Everything else in claim analysis (alignment across outlets, findings, consensus) reduces to
this one judgement over a pair of texts, so it sits behind one small interface, ``Checker``,
that a stronger model can replace.  :class:`RuleChecker` runs offline on the CPU with the two
packaged models: it explains every contradiction in words a reader can verify ("number 63 vs
51") and points at the claim's words that caused it.  ``check`` puts the decision layer of
:mod:`pressdiff.claims.support` over it, which keeps its contradictions and makes support be
earned by the claim's alignment with the evidence.

How the rules decide, and why:

* A claim is judged sentence by sentence against the evidence sentences it aligns to best
  (MiniLM cosine plus lexical overlap), because evidence can be a whole document while a
  rewrite's distortion usually sits in one clause.
* A *contradiction* needs a concrete conflict with what the aligned evidence says in the same
  slot: another number for the same thing, another person or place of the same kind, a
  verb negated on one side only, an antonym, or another member of a closed set (roles, media,
  outcomes, relations, ordinals, ...) attached to the same person or noun.  Conflicts are
  demanding on purpose: a false contradiction accuses an honest outlet.
* Without a conflict, a claim is *supported* when the evidence says the same thing: high
  similarity, every name, number and code found in it, its denials denied there too, and no
  word that sets its reach ("only", "all", "more") missing; otherwise the evidence simply
  does not settle it (*unclear*), e.g. a detail the evidence never mentions.

The work is split along those seams: :mod:`.passage` parses a text into the records the rules
read, :mod:`.rules` holds the conflict and gap rules, and this module weighs them into a label
(its numbers are :class:`~pressdiff.config.CheckerConfig`; its words are in
:mod:`pressdiff.lexicon`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Literal, Protocol

import numpy as np

from pressdiff import nlp
from pressdiff.cache import BoundedCache
from pressdiff.claims import rules
from pressdiff.claims.extract import Claim
from pressdiff.claims.facts import NameIndex
from pressdiff.claims.passage import Parsed, Parser, parse_texts, spacy_parse
from pressdiff.config import CheckerConfig, settings

Label = Literal["supports", "contradicts", "unclear"]
_WORD = re.compile(r"\w+")


@dataclass
class CheckResult:
    """The verdict on one (evidence, claim) pair.

    ``score`` is the confidence in ``label`` (0..1).  ``spans`` are (start, end) character
    offsets into the *claim* text of the words that caused a contradiction (or, for
    ``unclear``, the words the evidence does not back), so a finding can highlight them.
    """

    label: Label
    score: float
    reasons: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


class Checker(Protocol):
    """Anything that can judge claims against evidence; ``check_many`` is the fast path."""

    def check(self, evidence: str, claim: str) -> CheckResult: ...

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]: ...


# --------------------------------------------------------------------------------------------
# The rule checker.
# --------------------------------------------------------------------------------------------


@dataclass
class Assessment:
    """What the rules found for one pair, before a label is chosen.

    ``support`` is the weakest claim sentence's support (similarity blended with how much of
    its content the evidence contains); the label thresholds act on it.
    """

    support: float
    conflicts: list[tuple[str, tuple[int, int]]]
    gaps: list[tuple[str, tuple[int, int]]]


class RuleChecker:
    """Offline rules over the spaCy parse and MiniLM similarity (see the module docstring).

    Its numbers are a :class:`~pressdiff.config.CheckerConfig` (by default the one in force
    when the checker is made); ``support_threshold`` and ``gap_tolerance`` were chosen on the
    SummEdits domains other than news (``bench/claims_summedits.py --tune``).

    ``embed`` encodes sentences (default ``nlp.embed``); a story's analysis passes its
    articles' :func:`~pressdiff.annotate.embedder`, so claims the annotation already holds are
    read, not encoded again.  ``parse`` gives the spaCy Doc of each text (default: parse
    it); a story's analysis passes the Docs claim extraction made
    (:func:`~pressdiff.claims.passage.reuse_parses`), so a claim is not parsed twice.
    """

    def __init__(
        self,
        config: CheckerConfig | None = None,
        embed: Callable[[list[str]], np.ndarray] | None = None,
        parse: Parser = spacy_parse,
    ) -> None:
        self.config = config or settings().claims.checker
        self.embed = embed or nlp.embed
        self.parse = parse
        self._cache: BoundedCache[str, Parsed] = BoundedCache(self.config.cache_size)

    # -- public API ---------------------------------------------------------------------------

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        return [self.decide(a) for a in self.assess_many(pairs)]

    def assess_many(self, pairs: Sequence[tuple[str, str]]) -> list[Assessment]:
        """Parse and embed everything once, then run the rules on each pair."""
        parsed, vectors = self.prepare(pairs)
        # Each evidence text's sentence vectors stacked once: a story's checker meets one
        # evidence text in a score of pairs.
        stacked: dict[str, np.ndarray] = {}
        return [self._assess(evidence, claim, vectors, stacked) for evidence, claim in parsed]

    def prepare(
        self, pairs: Sequence[tuple[str, str]]
    ) -> tuple[list[tuple[Parsed, Parsed]], dict[str, np.ndarray]]:
        """Each pair parsed (evidence, claim), and the MiniLM vector of every sentence in them.

        Shared with the decision layer (:mod:`pressdiff.claims.support`), which reads the same
        parses to measure the claim's alignment.
        """
        texts = list(dict.fromkeys(t for pair in pairs for t in pair))
        parsed = dict(
            zip(
                texts,
                self._cache.get_many(texts, partial(parse_texts, parse=self.parse)),
                strict=True,
            )
        )
        sentences = list(dict.fromkeys(p.text for t in texts for p in parsed[t].passages))
        vectors = dict(zip(sentences, self.embed(sentences), strict=True))
        return [(parsed[evidence], parsed[claim]) for evidence, claim in pairs], vectors

    def decide(self, a: Assessment) -> CheckResult:
        """Turn an assessment into a label, a confidence and the reasons behind it."""
        cfg = self.config
        if a.conflicts:
            # Each independent conflict makes a coincidence less likely.
            score = 1.0 - cfg.conflict_doubt * 0.5 ** (len(a.conflicts) - 1)
            return CheckResult(
                "contradicts",
                round(score, 3),
                [r for r, _ in a.conflicts],
                sorted({s for _, s in a.conflicts}),
            )
        if len(a.gaps) <= cfg.gap_tolerance and a.support >= cfg.support_threshold:
            score = 0.5 + 0.5 * min(1.0, (a.support - cfg.support_threshold) / cfg.confidence_span)
            return CheckResult("supports", round(score, 3), [r for r, _ in a.gaps])
        distance = max(cfg.support_threshold - a.support, cfg.gap_distance * len(a.gaps))
        score = 0.5 + 0.5 * min(1.0, distance / cfg.confidence_span)
        reasons = [r for r, _ in a.gaps] or [f"weak match (support {a.support:.2f})"]
        return CheckResult("unclear", round(score, 3), reasons, sorted({s for _, s in a.gaps}))

    # -- internals ----------------------------------------------------------------------------

    def _assess(
        self,
        ev: Parsed,
        cl: Parsed,
        vectors: dict[str, np.ndarray],
        stacked: dict[str, np.ndarray],
    ) -> Assessment:
        conflicts: list[tuple[str, tuple[int, int]]] = []
        gaps: list[tuple[str, tuple[int, int]]] = []
        supports: list[float] = []
        if not ev.passages or not cl.passages:
            return Assessment(0.0, [], [("empty text", (0, len(cl.text)))])
        ev_matrix = stacked.get(ev.text)
        if ev_matrix is None:
            ev_matrix = stacked[ev.text] = np.stack([vectors[p.text] for p in ev.passages])
        for claim in cl.passages:
            sims = ev_matrix @ vectors[claim.text]
            overlap = np.array([rules.overlap(claim, p) for p in ev.passages])
            order = np.argsort(-(sims + overlap))[: self.config.top_k]
            aligned = [ev.passages[i] for i in order]
            coverage = rules.coverage(claim, ev)
            best = order[0]
            supports.append(0.5 * float(sims[best]) + 0.5 * coverage)
            same_topic = (
                sims[best] >= self.config.topic_similarity
                or overlap[best] >= self.config.topic_overlap
            )
            conflicts += rules.conflicts(claim, aligned, ev, bool(same_topic))
            gaps += rules.gaps(claim, ev)
        # Several rules can flag the same words; report each span once, first reason wins.
        return Assessment(min(supports), rules.dedupe(conflicts), rules.dedupe(gaps))


@lru_cache(maxsize=4)
def _default_checker(config: CheckerConfig) -> RuleChecker:
    """One checker (and parse cache) per configuration in force."""
    return RuleChecker(config)


def check(evidence: str, claim: str, checker: Checker | None = None) -> CheckResult:
    """Judge whether ``evidence`` supports, contradicts, or does not settle ``claim``.

    >>> check("Baldwin, 63, spoke to ABC News.", "The 63-year-old Baldwin spoke to ABC.").label
    'supports'
    """
    return (checker or _default_checker(settings().claims.checker)).check(evidence, claim)


# --------------------------------------------------------------------------------------------
# Aligned claims of one story.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlignedClaims:
    """A claim and its closest claim in another article (``similarity``: MiniLM cosine)."""

    claim: Claim
    evidence: Claim
    similarity: float


def _speaker_key(claim: Claim, names: NameIndex) -> str | None:
    """Whose claim this is: None for the outlet itself, a canonical name, or '?' if unknown."""
    if not claim.is_reported_speech:
        return None
    return (names.canonical(claim.speaker) if claim.speaker else None) or "?"


def _same_voice(a: str | None, b: str | None) -> bool:
    """Two claims can contradict each other only if the same voice makes both."""
    return a == b or ("?" in (a, b) and None not in (a, b))


def _speaker_swapped(
    claim: Claim, ev: Claim, swap: tuple[str, str] | None, names: NameIndex
) -> bool:
    """Whether the names two near-twins swap are their speakers ("BBC reporter Güney Yıldız
    says ..." / "BBC reporter Mutlu Civiroglu says ..."): the twins then disagree about who
    said it, which is no disagreement between two sources but one outlet getting it wrong."""
    return swap is not None and (
        names.canonical(swap[0]) == _speaker_key(claim, names)
        and names.canonical(swap[1]) == _speaker_key(ev, names)
    )


def _word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of two texts' lowercased words."""
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / max(1, len(wa | wb))


def check_aligned(
    checker: Checker,
    pairs: Sequence[AlignedClaims],
    names: NameIndex,
    words: dict[str, rules.ClaimWords],
    reworded: Callable[[Claim, Claim], str | None] | None = None,
) -> list[CheckResult]:
    """The verdict on each aligned pair of a story's claims: ``checker``'s on the two texts,
    then the twin rules (near-twins that negate, fill a closed slot or name someone
    differently contradict; a denial the other side does not make is not supported), and
    a contradiction only where the two can contradict: not quoted words (the quote
    analysis's job), not sentences too far apart, not two different speakers.  ``words``
    holds each claim's :class:`~.rules.ClaimWords` by claim id; ``reworded`` (from
    :mod:`~pressdiff.claims.twins`) says what a pair alike enough to be a rewording
    (``reworded_sim``) changes, if anything."""
    cfg = settings().claims
    results = checker.check_many([(p.evidence.text, p.claim.text) for p in pairs])
    out = []
    for pair, res in zip(pairs, results, strict=True):
        claim, ev, sim = pair.claim, pair.evidence, pair.similarity
        label, reasons = res.label, list(res.reasons)
        overlap = _word_overlap(claim.text, ev.text)
        twins = sim >= cfg.pair_contra_sim or overlap >= cfg.pair_contra_words
        swap = rules.name_swap(claim, ev, words, names) if twins else None
        if not twins and sim >= cfg.pair_negation_sim:
            conflict = rules.negation_conflict(claim, ev, words, same_subject=True)
            if conflict:
                twins, label = True, "contradicts"
                reasons.append(conflict)
        elif twins:
            for conflict in (
                rules.negation_conflict(claim, ev, words),
                rules.closed_set_conflict(claim, ev),
                rules.word_swap(claim, ev, words),
                swap and f"name: '{swap[0]}' where its twin says '{swap[1]}'",
            ):
                if conflict:
                    label = "contradicts"
                    reasons.append(conflict)
        if reworded is not None and label != "contradicts" and sim >= cfg.reworded_sim:
            change = reworded(claim, ev)
            if change:
                twins, label = True, "contradicts"
                reasons.append(change)
        if label == "supports" and rules.unbacked_denial(claim, ev):
            label = "unclear"
            reasons.append("the claim denies something; the other sentence denies nothing")
        if label == "contradicts":
            if claim.is_quote or ev.is_quote:
                label = "unclear"
                reasons.append("quoted words: wording differences are the quote analysis's job")
            elif not twins:
                label = "unclear"
                reasons.append(f"sentences too far apart to compare (similarity {sim:.2f})")
            elif not _same_voice(
                _speaker_key(claim, names), _speaker_key(ev, names)
            ) and not _speaker_swapped(claim, ev, swap, names):
                label = "unclear"
                reasons.append("different speakers: a disagreement between sources")
        out.append(CheckResult(label, res.score, reasons, res.spans))
    return out
