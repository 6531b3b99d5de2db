"""Reworded twins: two sentences that say one thing in other words, compared by what each asserts.

A careless rewrite that rewords a sentence, rather than swapping one word, slips past word
diffs and past the near-twin rules of :mod:`pressdiff.claims.story`: "Seth Kenney, a
51-year-old Hollywood veteran" becomes "a Hollywood veteran of 51 years" (an age became the
length of a career), "the bullet may have been a homemade bullet" becomes "... an accidental
shot", and "he didn't pull the trigger" becomes "the gun was never his".  So the two
sentences are read for what they assert, from the parse, not the words:

* **numbers with their units** — the same number as an age in one and a length of time in
  the other, or in another unit ("45 minutes" / "45 seconds", "5 miles" / "5 kilometres");
* **what the subject is said to be** — the nouns after a copula ("may have been a homemade
  bullet" / "may have been an accidental shot"), when no noun of one is a noun of the other
  and MiniLM finds the two phrases far apart, or, for one source's word given twice in one
  article, when both name the same kind of thing and then another thing ("a homemade
  bullet" / "a homemade shotgun": one modifier, another head noun, neither head in the
  other sentence);
* **what is denied** — both deny something, but not the same thing, and the twin's denial
  is nowhere in the sentence ("the gun was never his" / "he didn't pull the trigger").

Twins come from two places.  The story alignment pairs sentences of different articles and
:mod:`~pressdiff.claims.story` asks :func:`changed` about every pair alike enough
(``ClaimsConfig.reworded_sim``), so the usual weighing of outlets decides.  And
:func:`self_contradictions` pairs the sentences of one article: a rewrite that kept the
original caption beside its rewording says the thing twice, differently, and one of the two
is wrong whatever the other outlets say.  Two sentences of one article are paired when one
number is about one name in both, or when both give one source's hedged word on what
something is ("may have been a homemade bullet, according to court documents" / "court
documents suggest that the gunshot may have been a homemade shotgun"): then only what each
says the thing is gets compared.  The hedge (a modal) is what makes two such sentences one
claim: a source's guess at what a thing was is one guess, while a thing plainly called two
things ("Baldwin said the shooting was a tragedy" / "... was an accident") is normal writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pressdiff.claims.passage import is_negated, number_value
from pressdiff.config import settings
from pressdiff.lexicon import AGE_WORDS, LIGHT_VERBS, UNIT_KINDS
from pressdiff.model import Article, Finding, span_evidence

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from pressdiff.claims.extract import Claim

Embed = Callable[[list[str]], np.ndarray]
_NEGATORS = frozenset({"not", "never", "n't", "n’t"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})

# How an explanation names each kind of measure.
_KIND_WORDS = {"age": "an age", "time": "a length of time", "money": "a sum of money",
               "percent": "a percentage", "distance": "a distance",
               "weight": "a weight"}  # fmt: skip


class Phrase(NamedTuple):
    """Words of a sentence that carry one assertion, with their offsets in the article."""

    key: str  # what is compared: a measure's "value kind unit", a noun lemma, a denied lemma
    text: str
    start: int
    end: int
    context: str = ""  # a denial's predicate with its arguments, for MiniLM
    kinds: frozenset[str] = frozenset()  # a complement's modifiers ("homemade")


@dataclass(frozen=True)
class Assertions:
    """What one sentence asserts, as the twin comparison reads it from the parse."""

    lemmas: frozenset[str]
    held: frozenset[tuple[str, str]]  # (number, the name it is about) of each measure
    measures: tuple[Phrase, ...]  # key: (value, kind, unit)
    complements: tuple[Phrase, ...]  # key: the noun's lemma
    denials: tuple[Phrase, ...]  # key: the denied predicate, or its complement if light
    sources: frozenset[str] = frozenset()  # "modal: source" of each hedged complement


class Measure(NamedTuple):
    """A number, what kind of measure it is ("age", "time", "money" ...) and its unit."""

    value: float
    kind: str
    unit: str

    @property
    def key(self) -> str:
        return f"{self.value:g}|{self.kind}|{self.unit}"


def assertions(span: Span, start: int) -> Assertions:
    """The measures, copula complements and denials of one claim's parse; ``start`` is the
    claim's offset in its article (the parse is of the claim's paragraph alone)."""
    base = start - span.start_char - (len(span.text) - len(span.text.lstrip()))
    measures: list[Phrase] = []
    held: set[tuple[str, str]] = set()
    complements: list[Phrase] = []
    sources: set[str] = set()
    denials: list[Phrase | None] = []
    for tok in span:
        measure = _measure(tok)
        if measure:
            words = span.doc[min(tok.i, measure[1].i) : max(tok.i, measure[1].i) + 1]
            measures.append(_phrase(measure[0].key, words, base))
            holder = _holder(tok)
            if holder:
                held.add((f"{measure[0].value:g}", holder))
        if tok.lemma_ == "be" and tok.pos_ == "AUX":
            negated = is_negated(tok)
            for c in tok.children:
                if c.dep_ == "attr" and c.pos_ == "NOUN" and not negated:
                    words = _noun_phrase(c)
                    kinds = frozenset(t.lemma_.lower() for t in words if t.i != c.i)
                    found = _phrase(c.lemma_.lower(), words, base)
                    complements.append(found._replace(kinds=kinds))
                    sources.update(_sources(tok))
        if tok.pos_ in {"VERB", "AUX"} and _main(tok) and is_negated(tok):
            denials.append(_denial(tok, base))
    return Assertions(
        frozenset(t.lemma_.lower() for t in span),
        frozenset(held),
        tuple(measures),
        tuple(complements),
        tuple(d for d in denials if d is not None),
        frozenset(sources),
    )


def _phrase(key: str, words: Span, base: int) -> Phrase:
    return Phrase(key, words.text, base + words.start_char, base + words.end_char)


def _measure(tok: Token) -> tuple[Measure, Token] | None:
    """A number with its unit and what kind of measure it is ("51-year-old": 51, age, year).

    The unit is the noun the number counts, or a unit symbol hanging on the number ("$",
    "%"); a length of time that something is "old" or "aged" is an age.
    """
    if tok.pos_ != "NUM" and not tok.like_num:
        return None
    value = number_value(tok)
    if value is None:
        return None
    for unit in (tok.head, *tok.children):
        word = unit.lemma_.lower()
        kind = UNIT_KINDS.get(word) or UNIT_KINDS.get(unit.lower_)
        if unit is tok or kind is None:
            continue
        age = [t for t in (unit.head, *unit.children) if t.lemma_.lower() in AGE_WORDS]
        if kind == "time" and age:
            return Measure(value, "age", word), age[0]
        return Measure(value, kind, word), unit
    if tok.head.lower_ in AGE_WORDS:  # "aged 51"
        return Measure(value, "age", "year"), tok.head
    return None


def _holder(number: Token) -> str | None:
    """The name a number is about: the first proper noun up the parse from it, or the
    subject of the copula it describes ("Seth Kenney, a *51*-year-old veteran", "Kenney was
    a veteran of *51* years"); None when the path meets neither."""
    tok = number
    while tok.head.i != tok.i:
        tok = tok.head
        if tok.pos_ == "PROPN":
            return tok.lower_
        if tok.lemma_ == "be":
            subjects = [c for c in tok.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
            return subjects[0].lower_ if subjects else None
    return None


def _noun_phrase(noun: Token) -> Span:
    """A noun with the words that say what kind of thing it is ("homemade bullet")."""
    left = [c for c in noun.lefts if c.dep_ in {"amod", "compound", "nmod"}]
    return noun.doc[(left[0].left_edge.i if left else noun.i) : noun.i + 1]


def _sources(copula: Token) -> list[str]:
    """Whom a copula's hedged word is reported from, with its modal ("may: court document"):
    the noun after "according to" on it, or the subject of the verb that reports it ("court
    documents *suggest* that it may have been ..."), named with its compounds.  None for a
    copula without a modal (see the module's docstring)."""
    modal = next((c.lemma_.lower() for c in copula.children if c.tag_ == "MD"), None)
    if modal is None:
        return []
    nouns = [
        obj
        for c in copula.children
        if c.lower_ == "according"
        for to in c.children
        for obj in to.children
        if obj.dep_ == "pobj"
    ]
    if copula.dep_ == "ccomp" and copula.head.pos_ == "VERB":
        nouns += [c for c in copula.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return [
        f"{modal}: "
        + " ".join([*(t.lemma_.lower() for t in n.lefts if t.dep_ == "compound"), n.lemma_.lower()])
        for n in nouns
        if n.pos_ in {"NOUN", "PROPN"}
    ]


def _main(tok: Token) -> bool:
    """Whether a predicate is what its sentence asserts: the root, or the clause a root verb
    of saying reports ("Baldwin has alleged that the gun *was* never his").  A denial in a
    side clause is a detail two rewordings may well keep or drop."""
    if tok.dep_ == "ROOT":
        return True
    return tok.dep_ == "ccomp" and tok.head.dep_ == "ROOT" and tok.head.pos_ == "VERB"


def _denial(tok: Token, base: int) -> Phrase | None:
    """What a predicate negated after its subject denies: the verb, or for a light verb its
    complement or object ("was never *his*"); ``context`` is the predicate with its
    arguments but its subject, which tells reworded denials of one thing apart from denials
    of another.  Denials through a denied object ("had no idea") are left out: their verb
    is not what is denied."""
    subject = {t.i for c in tok.children if c.dep_ in _SUBJECTS for t in c.subtree}
    after = max(subject, default=-1)  # a negation before the subject ("Never, ... he told")
    negs = [c for c in tok.children if c.i > after and (c.dep_ == "neg" or c.lower_ in _NEGATORS)]
    if not negs:
        return None
    thing = tok
    if tok.lemma_.lower() in LIGHT_VERBS:
        rest = [c for c in tok.children if c.dep_ in {"attr", "acomp", "dobj", "oprd"}]
        if not rest:
            return None
        thing = rest[0]
    aux = [c.i for c in tok.children if c.i > after and c.dep_ in {"aux", "auxpass"}]
    ends = [tok.i, thing.i, *aux, *(c.i for c in negs)]
    context = " ".join(t.text for t in tok.subtree if t.i not in subject)
    words = tok.doc[min(ends) : max(ends) + 1]
    return Phrase(thing.lemma_.lower(), words.text, base + words.start_char,
                  base + words.end_char, context)  # fmt: skip


def changed(ours: Assertions, theirs: Assertions, embed: Embed) -> tuple[Phrase, str] | None:
    """The first assertion of ours that its reworded twin changes, with the reason."""
    return (
        _changed_measure(ours, theirs)
        or _changed_complement(ours, theirs, embed)
        or _changed_denial(ours, theirs, embed)
    )


def _changed_measure(ours: Assertions, theirs: Assertions) -> tuple[Phrase, str] | None:
    """The same number measured differently: an age for a length of time, minutes for
    seconds.  A number the twin also measures our way is no change (two numbers alike)."""
    their_keys = {m.key for m in theirs.measures}
    for m in ours.measures:
        if m.key in their_keys:
            continue
        value, kind, _ = _split(m.key)
        rivals = [t for t in theirs.measures if _split(t.key)[0] == value]
        if rivals:
            other = rivals[0]
            _, other_kind, _ = _split(other.key)
            if kind != other_kind:
                what = f"{_KIND_WORDS[kind]} where its twin has {_KIND_WORDS[other_kind]}"
            else:
                what = "another unit"
            return m, f"measure: '{m.text}' ({what}: '{other.text}')"
    return None


def _split(key: str) -> tuple[str, str, str]:
    value, kind, unit = key.split("|")
    return value, kind, unit


def _changed_complement(
    ours: Assertions, theirs: Assertions, embed: Embed, heads: bool = False
) -> tuple[Phrase, str] | None:
    """Both say what the subject is, and nothing the claim says it is resembles anything the
    twin says it is: no shared noun, and MiniLM puts every pair of phrases apart; with
    ``heads``, also when one kind of thing is made another thing (:func:`_changed_head`)."""
    if not ours.complements or not theirs.complements:
        return None
    if {c.key for c in ours.complements} & {c.key for c in theirs.complements}:
        return None
    head = _changed_head(ours, theirs, embed) if heads else None
    if head:
        return head
    mine = [c.text for c in ours.complements]
    other = [c.text for c in theirs.complements]
    vectors = embed(mine + other)
    sims = vectors[: len(mine)] @ vectors[len(mine) :].T
    if float(sims.max()) >= settings().claims.reworded_complement:
        return None
    best = int(np.argmax(sims.max(axis=1)))
    twin = other[int(np.argmax(sims[best]))]
    return ours.complements[best], f"what it is: '{mine[best]}' where its twin says '{twin}'"


def _changed_head(ours: Assertions, theirs: Assertions, embed: Embed) -> tuple[Phrase, str] | None:
    """The same modifier before another head noun ("a homemade bullet" / "a homemade
    shotgun"): the thing is said to be of one kind in both, and a different thing.  The
    twin's head must be nowhere in the claim and ours nowhere in the twin (a rewording that
    moves the noun elsewhere keeps it), and MiniLM must not make the two heads synonyms
    (``ClaimsConfig.reworded_head``: "gun" / "firearm" 0.83, "bullet" / "shotgun" 0.60).
    Only for one source's word given twice in one article (:func:`_reported`): between
    outlets the head is what rewordings swap most ("an ISIS fighter" / "an ISIS militant",
    whose heads MiniLM puts at 0.49), so there it would flag rewordings."""
    pairs = [
        (c, t)
        for c in ours.complements
        for t in theirs.complements
        if c.kinds & t.kinds and t.key not in ours.lemmas and c.key not in theirs.lemmas
    ]
    if not pairs:
        return None
    vectors = embed([w for c, t in pairs for w in (c.key, t.key)])
    for n, (c, t) in enumerate(pairs):
        if float(vectors[2 * n] @ vectors[2 * n + 1]) < settings().claims.reworded_head:
            return c, f"what it is: '{c.text}' where its twin says '{t.text}' (another thing)"
    return None


def _changed_denial(
    ours: Assertions, theirs: Assertions, embed: Embed
) -> tuple[Phrase, str] | None:
    """Both deny something, but not the same thing: no denied word in common, what the twin
    denies is nowhere in the claim, and MiniLM puts the denied predicates apart ("wasn't
    meant to be on the premises" and "wasn't even supposed to be on the property" are one
    denial)."""
    if not ours.denials or not theirs.denials:
        return None
    if {d.key for d in ours.denials} & {d.key for d in theirs.denials}:
        return None
    absent = [d for d in theirs.denials if d.key not in ours.lemmas]
    if not absent:
        return None
    vectors = embed([d.context for d in ours.denials] + [d.context for d in absent])
    sims = vectors[: len(ours.denials)] @ vectors[len(ours.denials) :].T
    if float(sims.max()) >= settings().claims.reworded_denial:
        return None
    mine = ours.denials[0]
    return mine, f"denial: '{mine.text}' where its twin denies '{absent[0].text}'"


def _anchored(a: Assertions, b: Assertions) -> bool:
    """Two sentences of one article that give one number about one name are about one thing
    however differently worded ("Seth Kenney, a 51-year-old Hollywood veteran" / "Kenney was
    a Hollywood veteran of 51 years": MiniLM cosine 0.45).  The number must be about the
    name in both (:func:`_holder`): "Foley, missing for two years" and "airstrikes launched
    two weeks ago, Foley says" share a number and a name by chance."""
    return bool(a.held & b.held)


def _reported(a: Assertions, b: Assertions, similarity: float) -> bool:
    """Two sentences of one article that give one source's hedged word on what something
    is ("may ..., according to court documents" / "court documents suggest ... may"), alike enough
    (``ClaimsConfig.self_twin_source_sim``) to be about one thing: a caption and its
    rewording in the text, when the rewrite kept the caption."""
    return bool(a.sources & b.sources) and similarity >= settings().claims.self_twin_source_sim


def self_contradictions(
    claims: list[Claim], asserts: dict[str, Assertions], articles: list[Article], embed: Embed
) -> list[Finding]:
    """Findings for articles that say one thing twice, differently: two claims of one article
    alike enough to be a sentence and its rewording (:func:`_anchored`, or
    ``ClaimsConfig.self_twin_sim`` when ``self_twins_by_similarity`` is on), of which the
    later changes what the earlier asserts; pairs that only share a source (:func:`_reported`)
    compare what each says the thing is.  Quotes are left to the quote analysis; the evidence
    is both sentences, the flagged one first, since nothing tells which is right.  A
    sentence is flagged once, against its most alike earlier twin."""
    cfg = settings().claims
    by_id = {a.id: a for a in articles}
    candidates = [c for c in claims if not c.is_quote]
    if len(candidates) < 2:
        return []
    vectors = embed([c.text for c in candidates])
    sims = vectors @ vectors.T
    findings = []
    flagged: set[tuple[str, int, int]] = set()
    # Only two claims of one article are compared: a story's claims pair up across
    # articles by the hundred thousand, and sorting those pairs was most of the work.
    # The order is all pairs' order (most alike first, ties in index order) kept.
    own: dict[str, list[int]] = {}
    for k, c in enumerate(candidates):
        own.setdefault(c.article_id, []).append(k)
    pairs = sorted(
        (p for ks in own.values() for p in combinations(ks, 2)), key=lambda p: (-sims[p], p)
    )
    for i, j in pairs:
        first, later = sorted((candidates[i], candidates[j]), key=lambda c: c.start)
        if first.end > later.start:
            continue
        ours, theirs = asserts[later.id], asserts[first.id]
        alike = cfg.self_twins_by_similarity and sims[i, j] >= cfg.self_twin_sim
        if alike or _anchored(ours, theirs):
            found = changed(ours, theirs, embed)
        elif _reported(ours, theirs, float(sims[i, j])):
            found = _changed_complement(ours, theirs, embed, heads=True)
        else:
            continue
        if found is None or (later.article_id, found[0].start, found[0].end) in flagged:
            continue
        words, reason = found
        flagged.add((later.article_id, words.start, words.end))
        article = by_id[later.article_id]
        findings.append(
            Finding(
                "contradiction",
                article.id,
                words.start,
                words.end,
                article.text[words.start : words.end],
                [
                    span_evidence(article, later.start, later.end),
                    span_evidence(article, first.start, first.end),
                ],
                "The article says this twice, differently: this sentence rewords an earlier "
                f"one of its own (similarity {sims[i, j]:.2f}) and changes it — {reason}. "
                "One of the two is wrong.",
                cfg.self_twin_confidence,
            )
        )
    return findings
