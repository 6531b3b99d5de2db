"""Claims across a story: alignment, judgement, and the findings a reader should see.

Two kinds of disagreement are looked for, because rewrites break facts in two ways:

* **Sentence against sentence.**  Each claim is aligned to its closest claim in every other
  article (MiniLM cosine, nudged by shared names) and the pair goes to the pairwise
  :class:`~pressdiff.claims.check.Checker`.  This catches a changed number, date, name or
  negation in a sentence that other outlets also wrote.
* **Slot against slot.**  Structured facts (:mod:`pressdiff.claims.facts`) are compared across
  the whole story, whatever the sentence: "Hutchins, the head electrician" in a caption
  conflicts with "cinematographer Halyna Hutchins" in four other articles even though no other
  sentence resembles the caption.

Neither side wins by headcount alone.  Each article carries a *reliability* weight: spun
copies (per reuse analysis) start at half weight, and an article whose facts lose clear
majority votes loses weight before ties are settled.  A claim is flagged only when the weight
against it exceeds the weight for it plus its own article's weight, so one outlet against
one outlet is never enough unless one of them has already shown itself unreliable — which is
what separates "002 says Baldwin's wife is Hilaria" from "004 says he was married to
Hutchins".  Near-duplicates (an article and its reprints or copies) are one outlet here: on
each side they count once, so a reprinted article does not outvote a lone dissenter three to
one; and a near-duplicate copy that differs from its source counts half its own weight,
since it is the one that changed the sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.cluster.hierarchy import DisjointSet

from pressdiff.annotate import embedder
from pressdiff.claims.check import AlignedClaims, Checker, RuleChecker, check_aligned
from pressdiff.claims.extract import Claim, extract_claims
from pressdiff.claims.facts import (
    COMPARED,
    UNATTACHED,
    Fact,
    NameIndex,
    conflicts,
    extract_facts,
)
from pressdiff.claims.passage import reuse_parses
from pressdiff.claims.rules import ClaimWords, claim_words
from pressdiff.claims.twins import Assertions, Embed, assertions, changed, self_contradictions
from pressdiff.config import settings
from pressdiff.model import Article, Evidence, Finding, Quote, span_evidence

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from pressdiff.quotes import QuoteResult
    from pressdiff.reuse import ReuseResult

_WORD = re.compile(r"\w+")
# Slots keyed by a thing rather than a named person ("the interview", "the weapon") assume
# the story has one of it; two outlets must disagree before such a slot flags anything.
THING_SLOTS = frozenset({"medium", "weapon"})


@dataclass
class Alignment:
    """A claim and the closest claim of one other article, with the checker's verdict.

    Claims with no counterpart above the threshold in an article have no alignment to it.
    """

    claim_id: str
    article_id: str
    evidence_claim_id: str
    start: int
    end: int
    text: str
    similarity: float
    label: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class ClaimResult:
    """Everything claim analysis found in one story (JSON-able via ``model.to_jsonable``).

    ``reliability`` is the weight each article's voice carried when sides were weighed.
    """

    claims: list[Claim] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reliability: dict[str, float] = field(default_factory=dict)


@dataclass
class _Side:
    """The weight for and against one claim or fact, and the evidence behind the 'against'."""

    support: dict[str, float] = field(default_factory=dict)  # article id -> weight
    against: dict[str, float] = field(default_factory=dict)
    counter: list[tuple[float, Evidence, str]] = field(default_factory=list)


def _quotes_by_article(quotes: QuoteResult | None) -> dict[str, list[Quote]]:
    return dict(quotes.by_article) if quotes else {}


def align(
    claims: list[Claim], articles: list[Article], names: NameIndex
) -> list[tuple[Claim, Claim, float]]:
    """Best counterpart of each claim in every other article, above the threshold."""
    cfg = settings().claims
    if not claims:
        return []
    vectors = embedder(articles)([c.text for c in claims])
    sims = vectors @ vectors.T
    # Each claim against each article's claims at once: the cosine plus the bonus for a
    # shared name (claims x names incidence, multiplied: > 0 where two claims share one).
    people = [_names_in(c, names) for c in claims]
    columns = {name: k for k, name in enumerate(sorted(set().union(*people)))}
    mentions = np.zeros((len(claims), len(columns)), dtype=np.float32)
    for i, named in enumerate(people):
        mentions[i, [columns[name] for name in named]] = 1.0
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        by_article[c.article_id].append(i)
    owner = np.array([c.article_id for c in claims])
    found = []  # (claim, article's place in ``articles``, its best claim) above the threshold
    for place, other in enumerate(articles):
        idx = by_article.get(other.id)
        if not idx:
            continue
        shared = (mentions @ mentions[idx].T) > 0
        scores = sims[:, idx] + np.where(shared, cfg.name_bonus, 0.0)
        top = np.argmax(scores, axis=1)
        rows = np.nonzero(
            (scores[np.arange(len(claims)), top] >= cfg.align_threshold) & (owner != other.id)
        )[0]
        found.extend((int(i), place, idx[top[i]]) for i in rows)
    found.sort()  # claim by claim, the articles in their order
    return [(claims[i], claims[j], float(sims[i, j])) for i, _, j in found]


def _names_in(claim: Claim, names: NameIndex) -> set[str]:
    words = {w.strip(".,;:'\"’”“") for w in claim.text.split()}
    return {w for w in words if w[:1].isupper() and names.knows(w)}


def _judge(
    pairs: list[tuple[Claim, Claim, float]],
    checker: Checker,
    names: NameIndex,
    words: dict[str, ClaimWords],
    asserts: dict[str, Assertions],
    embed: Embed,
) -> list[Alignment]:
    """Each aligned pair with the checker's verdict on it; a pair that rewords one sentence
    also compares what the two assert (:mod:`pressdiff.claims.twins`)."""

    def reworded(claim: Claim, ev: Claim) -> str | None:
        change = changed(asserts[claim.id], asserts[ev.id], embed)
        return change[1] if change else None

    aligned = [AlignedClaims(*p) for p in pairs]
    verdicts = check_aligned(checker, aligned, names, words, reworded)
    out = []
    for (claim, ev, sim), res in zip(pairs, verdicts, strict=True):
        out.append(
            Alignment(
                claim.id, ev.article_id, ev.id, ev.start, ev.end, ev.text,
                round(sim, 4), res.label, round(float(res.score), 4), res.reasons,
            )
        )  # fmt: skip
    return out


class _Voices:
    """How much one article's word counts when it speaks for or against another's claim.

    ``weights`` are the articles' reliabilities; a voice that is a reuse copy of the very
    article it contradicts (reuse edge from the claimant to it) counts ``echo_weight`` of
    that: a copy that deviates from its own source is a mutation, not an independent witness.
    ``reprints`` are the (source, copy) edges of near-duplicates (``same_voice_score``),
    and ``groups`` maps each article to its near-duplicate group (:func:`_reprint_groups`).
    """

    def __init__(self, weights: dict[str, float], reuse: ReuseResult | None) -> None:
        cfg = settings().claims
        self.weights = weights
        self.echoes = _echoes(reuse, cfg.echo_score)
        self.reprints = _echoes(reuse, cfg.same_voice_score)
        self.groups = _reprint_groups(self.reprints)

    def of(self, voice: str, claimant: str) -> float:
        cfg = settings().claims
        echo = cfg.echo_weight if (claimant, voice) in self.echoes else 1.0
        return self.weights[voice] * echo

    def own(self, claimant: str, side: _Side) -> float:
        """The claimant's own weight in a dispute: ``echo_weight`` of it when an article
        against it is its reuse source, since a copy that deviates from its source in a
        sentence it copied is the one that changed it (else one copy against one source
        would always tie).  Only a near-duplicate is a copy here: two outlets that share
        60% of their text are both originals, and which one the edge calls the source is
        arbitrary (FNC-1: "511 percent" / "500 percent" in two such articles).  Between
        near-duplicates the edge's direction is a guess too, so a claimant outvoted by its
        own near-duplicates (:meth:`odd_copy`) also counts half, whichever way they point."""
        cfg = settings().claims
        echo = any((voice, claimant) in self.reprints for voice in side.against)
        echo = echo or self.odd_copy(claimant, side)
        return self.weights[claimant] * (cfg.echo_weight if echo else 1.0)

    def odd_copy(self, claimant: str, side: _Side) -> bool:
        """Whether more of the claimant's near-duplicates contradict it than agree with it,
        itself counted with those that agree: three copies of one wire story of which one
        changed a number.  Among near-identical texts the reuse edge cannot tell which one
        was copied from which (FNC-1 copies: the edge ran from the changed copy to its
        source), but the odd one out is the one that changed the sentence."""
        group = self.groups.get(claimant)
        if group is None:
            return False
        against = sum(self.groups.get(aid) == group for aid in side.against)
        support = sum(self.groups.get(aid) == group for aid in side.support)
        return against > support + 1

    def total(self, votes: dict[str, float]) -> float:
        """The weight of several voices on one side: near-duplicates count once, at their
        strongest member's weight.  A source and its reprints are one witness; counted apart,
        any outlet that disagrees with a reprinted article loses three to one (FNC-1: one
        outlet's "500 percent" against another's "511 percent" and its two copies)."""
        best: dict[str, float] = {}
        for aid, w in votes.items():
            group = self.groups.get(aid, aid)
            best[group] = max(best.get(group, 0.0), w)
        return sum(best.values())

    def loses(self, side: _Side, own: float) -> bool:
        """Flag only when the weight against exceeds the weight for plus the claimant's own."""
        return self.total(side.against) > self.total(side.support) + own

    def confidence(self, side: _Side, own: float) -> float:
        cfg = settings().claims
        against, support = self.total(side.against), self.total(side.support)
        margin = (against - support) / (against + support + own)
        return round(
            min(cfg.max_confidence, cfg.min_confidence + (1 - cfg.min_confidence) * margin), 3
        )


def _echoes(reuse: ReuseResult | None, min_score: float) -> set[tuple[str, str]]:
    """(source, copy) pairs from the reuse analysis's edges of at least ``min_score``."""
    edges = reuse.edges if reuse else []
    return {(e.source, e.target) for e in edges if e.score >= min_score}


def _slot_phrase(entity: str, attribute: str) -> str:
    """Readable words for a fact's slot: "Dana Whitcombe's age", "the interview's medium",
    "the weapon" (a slot keyed by a thing names it twice), "the outcome of 2 firefighter(s)"."""
    if entity == attribute:
        return f"the {attribute}"
    if entity[:1].isdigit():
        return f"the {attribute} of {entity}"
    return f"the {entity}'s {attribute}" if entity[:1].islower() else f"{entity}'s {attribute}"


def _reprint_groups(reprints: set[tuple[str, str]]) -> dict[str, str]:
    """Each article's near-duplicate group (a representative id), from the (source, copy)
    pairs of near-duplicates; articles in no such pair are left out."""
    groups = DisjointSet()
    for source, copy in reprints:
        groups.add(source)
        groups.add(copy)
        groups.merge(source, copy)
    return {x: groups[x] for x in groups}


def _fact_sides(facts: list[Fact], voices: _Voices) -> dict[Fact, _Side]:
    """For each compared fact, the other articles that agree with it or conflict with it."""
    slots: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if f.attribute in COMPARED and f.entity != UNATTACHED:
            slots[(f.entity, f.attribute)].append(f)
    sides: dict[Fact, _Side] = {}
    for slot in slots.values():
        for f in slot:
            side = _Side()
            for g in slot:
                if g.article_id == f.article_id:
                    continue
                w = voices.of(g.article_id, f.article_id)
                if g.value == f.value:
                    side.support[g.article_id] = w
                elif conflicts(f.attribute, f.value, g.value):
                    side.against[g.article_id] = w
                    ev = Evidence(g.article_id, g.start, g.end, g.text)
                    side.counter.append((w, ev, f"{g.attribute} '{g.value}'"))
            # Someone who also states the disputed value elsewhere is not on the other side.
            for aid in list(side.against):
                if aid in side.support:
                    del side.against[aid]
                    side.counter = [c for c in side.counter if c[1].article_id != aid]
            if side.against:
                sides[f] = side
    return sides


def _pair_sides(
    alignments: list[Alignment], voices: _Voices, by_id: dict[str, Claim]
) -> dict[str, _Side]:
    sides: dict[str, _Side] = defaultdict(_Side)
    for al in alignments:
        side = sides[al.claim_id]
        w = voices.of(al.article_id, by_id[al.claim_id].article_id)
        if al.label == "supports":
            side.support[al.article_id] = w
        elif al.label == "contradicts":
            side.against[al.article_id] = w
            ev = Evidence(al.article_id, al.start, al.end, al.text)
            side.counter.append((w * al.score, ev, "; ".join(al.reasons)))
    return sides


def _outlets(ids: Iterable[str], outlet_of: dict[str, str]) -> list[str]:
    return sorted({outlet_of[i] for i in ids})


def _finding(
    article: Article,
    start: int,
    end: int,
    side: _Side,
    confidence: float,
    what: str,
    outlet_of: dict[str, str],
) -> Finding:
    cfg = settings().claims
    counter = sorted(side.counter, key=lambda c: -c[0])
    seen, evidence, reasons = set(), [], []
    for _, ev, reason in counter:
        if ev.article_id in seen:
            continue
        seen.add(ev.article_id)
        evidence.append(ev)
        reasons.append(f"{outlet_of[ev.article_id]}: {reason}")
        if len(evidence) == cfg.max_evidence:
            break
    against = _outlets(side.against, outlet_of)
    support = _outlets(side.support, outlet_of)
    explanation = (
        f"{what} — {len(against)} other outlet(s) say otherwise ({', '.join(against)}); "
        f"{len(support)} agree{' (' + ', '.join(support) + ')' if support else ''}. "
        f"Strongest counter-evidence: {reasons[0]}."
    )
    return Finding(
        "contradiction",
        article.id,
        start,
        end,
        article.text[start:end],
        [span_evidence(article, start, end), *evidence],
        explanation,
        confidence,
    )


def _flags(
    claims: list[Claim],
    facts: list[Fact],
    alignments: list[Alignment],
    voices: _Voices,
    base: dict[str, float],
    articles: dict[str, Article],
) -> list[Finding]:
    """Contradiction findings under the given article weights (slot conflicts first).

    A fact that needed a pronoun resolved is flagged only in an article that has already
    lost weight: a wrong guess at "his" must not get an honest outlet flagged.
    """
    cfg = settings().claims
    by_id = {c.id: c for c in claims}
    outlet_of = {a.id: a.outlet for a in articles.values()}
    findings: list[Finding] = []
    flagged: set[str] = set()
    weights = voices.weights
    for fact, side in _fact_sides(facts, voices).items():
        if fact.resolved and weights[fact.article_id] >= cfg.unreliable * base[fact.article_id]:
            continue
        own = voices.own(fact.article_id, side)
        if not voices.loses(side, own) or (
            fact.attribute in THING_SLOTS and len(side.against) < cfg.min_thing_against
        ):
            continue
        claim = by_id[fact.claim_id]
        voice = ""
        if claim.is_reported_speech:
            named = claim.speaker and claim.speaker[0].isupper()
            voice = f" (in the words of {claim.speaker})" if named else " (reported speech)"
        whose = _slot_phrase(fact.entity, fact.attribute)
        what = f"Gives {whose} as '{fact.value}'{voice}"
        art = articles[fact.article_id]
        if any(f.start == fact.start and f.article_id == fact.article_id for f in findings):
            continue
        confidence = voices.confidence(side, own)
        findings.append(_finding(art, fact.start, fact.end, side, confidence, what, outlet_of))
        flagged.add(claim.id)
    for claim_id, side in _pair_sides(alignments, voices, by_id).items():
        claim = by_id[claim_id]
        own = voices.own(claim.article_id, side)
        if claim_id in flagged or not side.against or not voices.loses(side, own):
            continue
        findings.append(
            _finding(
                articles[claim.article_id], claim.start, claim.end, side,
                voices.confidence(side, own),
                "This claim conflicts with the closest sentences of other outlets", outlet_of,
            )
        )  # fmt: skip
    return findings


def _reliability(
    base: dict[str, float], findings: list[Finding], checkable: dict[str, int]
) -> dict[str, float]:
    """Lower the weight of articles whose claims lost clear votes, by their rate of losses."""
    penalty = settings().claims.loss_penalty
    lost: dict[str, int] = defaultdict(int)
    for f in findings:
        lost[f.article_id] += 1
    return {
        aid: round(w / (1.0 + penalty * lost[aid] / max(1, checkable.get(aid, 0))), 4)
        for aid, w in base.items()
    }


def _unsupported(
    claims: list[Claim], alignments: list[Alignment], articles: dict[str, Article]
) -> list[Finding]:
    """Specific outlet claims (a name, number or fact) that no other article comes close to."""
    if len(articles) < 2:
        return []
    aligned = {a.claim_id for a in alignments}
    out = []
    for c in claims:
        specific = any(f.attribute != "negation" for f in c.facts)
        if c.is_reported_speech or c.id in aligned or not specific:
            continue
        art = articles[c.article_id]
        out.append(
            Finding(
                "unsupported_claim",
                c.article_id,
                c.start,
                c.end,
                c.text,
                [span_evidence(art, c.start, c.end)],
                f"No other outlet in this story makes this claim (none of "
                f"{len(articles) - 1} other article(s) has a matching sentence); "
                "it may be first-hand reporting, or an addition.",
                settings().claims.unsupported_confidence,
            )
        )
    return out


def analyse(
    articles: list[Article],
    reuse: ReuseResult | None = None,
    quotes: QuoteResult | None = None,
    checker: Checker | None = None,
) -> ClaimResult:
    """Claims, facts, alignments and findings for one story of annotated articles."""
    cfg = settings().claims
    names = NameIndex(articles)
    by_article_quotes = _quotes_by_article(quotes)
    claims: list[Claim] = []
    facts: list[Fact] = []
    words: dict[str, ClaimWords] = {}
    asserts: dict[str, Assertions] = {}
    # A claim that is a whole piece of its article was parsed on its own by claim
    # extraction: the checker reads that Doc instead of parsing the same text again.
    docs: dict[str, Doc] = {}
    for article in articles:
        parsed = extract_claims(article, by_article_quotes.get(article.id))
        facts.extend(extract_facts(article, parsed, names))
        claims.extend(c for c, _ in parsed)
        words.update((c.id, claim_words(span)) for c, span in parsed)
        asserts.update((c.id, assertions(span, c.start)) for c, span in parsed)
        docs.update((c.text, span.doc) for c, span in parsed if c.text == span.doc.text.strip())
    embed = embedder(articles)
    checker = checker or RuleChecker(embed=embed, parse=reuse_parses(docs))
    alignments = _judge(align(claims, articles, names), checker, names, words, asserts, embed)
    spun = set(reuse.spun_ids) if reuse else set()
    base = {a.id: cfg.spun_weight if a.id in spun else 1.0 for a in articles}
    by_id = {a.id: a for a in articles}
    # An article's loss rate is over the claims that could be checked at all.
    aligned = {a.claim_id for a in alignments}
    checkable: dict[str, int] = defaultdict(int)
    for c in claims:
        if c.id in aligned or any(f.attribute in COMPARED for f in c.facts):
            checkable[c.article_id] += 1
    first = _flags(claims, facts, alignments, _Voices(base, reuse), base, by_id)
    weights = _reliability(base, first, checkable)
    findings = _flags(claims, facts, alignments, _Voices(weights, reuse), base, by_id)
    findings += _unsupported(claims, alignments, by_id)
    findings += self_contradictions(claims, asserts, articles, embed)
    findings.sort(key=lambda f: (f.article_id, f.start))
    return ClaimResult(claims, facts, alignments, findings, weights)
