"""The claim checker's rules: conflicts (contradictions) and gaps (what support needs).

Each rule reads parsed sentences (:mod:`.passage`) and returns ``(reason, span)`` pairs, the
span pointing at the claim's words that caused it; :class:`~.check.RuleChecker` weighs them.
See the module docstring of :mod:`.check` for what counts as a conflict and as a gap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel
from spacy.tokens import Span

from pressdiff.claims import facts
from pressdiff.claims.extract import Claim
from pressdiff.claims.facts import COMPARED, Fact, NameIndex
from pressdiff.claims.passage import (
    CONTRAST_PHRASES,
    NAME_LABELS,
    Parsed,
    ParsedSentence,
    about,
    is_negated,
)
from pressdiff.config import settings
from pressdiff.lexicon import (
    ANTONYMS,
    LIGHT_VERBS,
    NEGATING_WORDS,
    NEGATIVE_PREFIXES,
    TIME_UNITS,
    WEEKDAYS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

# Figures of 1,000 or more within this relative difference agree: "4.5 million" rounds
# 4,512,000 (a writing convention, not a tuned number).
_ROUNDED = 0.02


def dedupe(items: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    seen: set[tuple[int, int]] = set()
    out = []
    for reason, span in items:
        if span not in seen:
            seen.add(span)
            out.append((reason, span))
    return out


def overlap(claim: ParsedSentence, evidence: ParsedSentence) -> float:
    """Share of the claim's content lemmas found in one evidence sentence (for alignment)."""
    if not claim.content:
        return 0.0
    return sum(lemma in evidence.lemmas for lemma in claim.content_lemmas) / len(claim.content)


def coverage(claim: ParsedSentence, ev: Parsed) -> float:
    """Share of the claim's content words the evidence mentions anywhere (lemma or form)."""
    if not claim.content:
        return 1.0
    found = sum(
        lemma in ev.lemmas or form in ev.words
        for lemma, form in zip(claim.content_lemmas, claim.content_forms, strict=True)
    )
    return found / len(claim.content)


def claim_span(tok_or_span: Token | Span) -> tuple[int, int]:
    """Character offsets into the claim text (its Doc is the whole claim)."""
    if hasattr(tok_or_span, "start_char"):
        return (tok_or_span.start_char, tok_or_span.end_char)
    return (tok_or_span.idx, tok_or_span.idx + len(tok_or_span))


def _name_found(name: Span, own: list[str], words: set[str]) -> bool:
    """A name is backed when its distinctive words (``own``: ``ParsedSentence.name_words``)
    appear in the evidence (surname suffices)."""
    if not own:
        return True
    if name.label_ == "PERSON":
        return own[-1] in words
    return all(w in words or w.rstrip("s") in words for w in own)


def _number_found(value: float, numbers: Iterable[float]) -> bool:
    for other in numbers:
        if math.isclose(value, other, rel_tol=1e-9):
            return True
        # Rounded figures ("4.5 million" for 4,512,000) agree within a couple of percent.
        if min(value, other) >= 1000 and math.isclose(value, other, rel_tol=_ROUNDED):
            return True
    return False


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def conflicts(
    claim: ParsedSentence, aligned: list[ParsedSentence], ev: Parsed, same_topic: bool
) -> list[tuple[str, tuple[int, int]]]:
    """Concrete disagreements between a claim sentence and the evidence it aligns to.

    Numbers and closed-set facts carry their own key (the counted noun, the person), so they
    are compared whatever the alignment; names, dates, negation and antonyms only when the
    claim and its best evidence sentence are about the same thing (``same_topic``), since an
    unrelated sentence naturally names other people and days.
    """
    out = _number_conflicts(claim, aligned) + _fact_conflicts(claim, ev)
    if same_topic:
        out += _name_conflicts(claim, aligned) + _date_conflicts(claim, aligned, ev)
        out += _polarity_conflicts(claim, aligned)
    return out


def _number_conflicts(
    claim: ParsedSentence, aligned: list[ParsedSentence]
) -> list[tuple[str, tuple[int, int]]]:
    """The aligned evidence gives another value for the same thing ("Baldwin, 63" vs "51")."""
    out = []
    aligned_numbers = [(v, u) for p in aligned for v, u, _ in p.numbers]
    for value, unit, tok in claim.numbers:
        units = {u for v, u in aligned_numbers if _number_found(value, [v])}
        if units:
            # The same count of another span of time: "two weeks" vs "two months".
            other = units & TIME_UNITS - {unit}
            if unit in TIME_UNITS and other and unit not in units:
                counted = tok.doc[tok.i : max(tok.i, tok.head.i) + 1]
                out.append((f"'{value:g} {unit}' vs '{value:g} {min(other)}'", claim_span(counted)))
            continue
        rivals = [v for v, u in aligned_numbers if u == unit]
        if rivals:
            out.append((f"number {_fmt(value)} vs {_fmt(rivals[0])}", claim_span(tok)))
    return out


def _name_conflicts(
    claim: ParsedSentence, aligned: list[ParsedSentence]
) -> list[tuple[str, tuple[int, int]]]:
    """Another name of the same kind in the same slot of the aligned sentence, and not ours.

    The slot is the name's head word and relation to it ("told *ABC* News" vs "told *CBS*"):
    sentences about one event name many participants, and only a name that takes another's
    place is a swap.  A rival the claim itself also names is a different participant.
    """
    out = []
    aligned_words = set().union(*(p.words for p in aligned))
    for name, own in zip(claim.names, claim.name_words, strict=True):
        if _name_found(name, own, aligned_words):
            continue
        rivals = [
            e
            for p in aligned
            for e, theirs in zip(p.names, p.name_words, strict=True)
            if e.label_ == name.label_
            and e.root.head.lemma_ == name.root.head.lemma_
            and e.root.dep_ == name.root.dep_
            and not _name_found(e, theirs, claim.words)
        ]
        if rivals:
            out.append(
                (
                    f"{name.label_.lower()} '{name.text}' not in evidence; "
                    f"evidence says '{rivals[0].text}'",
                    claim_span(name),
                )
            )
    return out


def _date_conflicts(
    claim: ParsedSentence, aligned: list[ParsedSentence], ev: Parsed
) -> list[tuple[str, tuple[int, int]]]:
    """A weekday or month the evidence never gives, where the aligned evidence gives another."""
    out = []
    for word, tok in claim.dates.items():
        if word in ev.dates:
            continue
        weekday = word in WEEKDAYS
        rivals = [t for p in aligned for d, t in p.dates.items() if (d in WEEKDAYS) == weekday]
        if rivals:
            out.append((f"date '{tok.text}' vs '{rivals[0].text}'", claim_span(tok)))
    return out


def _polarity_conflicts(
    claim: ParsedSentence, aligned: list[ParsedSentence]
) -> list[tuple[str, tuple[int, int]]]:
    """The same predicate negated on one side only, or replaced by its opposite.

    A negation mismatch needs the two predicates to share an argument ("did not pull the
    *trigger*" vs "pulled the *trigger*"), and a claim that both asserts and denies the
    predicate (different clauses) is left alone; opposites must face each other in the aligned
    evidence sentences, outside names ("new" in "New York" opposes nothing).
    """
    out = []
    facing = set().union(*(p.plain_lemmas for p in aligned))
    for tok, lemma in zip(claim.content, claim.content_lemmas, strict=True):
        for denier, mine, theirs in (
            ("claim", claim.negated, "asserted"),
            ("evidence", claim.asserted, "negated"),
        ):
            mixed = lemma in claim.negated and lemma in claim.asserted
            if lemma not in mine or mixed:
                continue
            opposed = set().union(*(getattr(p, theirs).get(lemma, set()) for p in aligned))
            agreeing = "negated" if theirs == "asserted" else "asserted"
            if mine[lemma] & opposed and not any(lemma in getattr(p, agreeing) for p in aligned):
                reason = f"negation mismatch: {denier} negates '{tok.text}', the other does not"
                out.append((reason, claim_span(tok)))
        if tok.ent_type_ in NAME_LABELS:
            continue
        # A claim that holds both words of a pair ("on the high *end* ... to *start* at")
        # opposes nothing by using one of them.
        opposite = (_opposites(lemma, tok.pos_) & facing) - claim.plain_lemmas
        if opposite and lemma not in facing:
            out.append((f"antonym: '{tok.text}' vs '{min(opposite)}'", claim_span(tok)))
    return out


def _fact_conflicts(claim: ParsedSentence, ev: Parsed) -> list[tuple[str, tuple[int, int]]]:
    """The same person or thing given another role, medium, outcome, relation, weapon,
    ordinal, time of day or season."""
    out = []
    for fact in claim.facts:
        same_key = [f for f in ev.facts if f.key == fact.key and f.group == fact.group]
        if same_key and all(f.choice != fact.choice for f in same_key):
            out.append(
                (
                    f"{fact.group} of '{fact.key}': '{fact.word}' vs '{same_key[0].word}'",
                    (fact.start, fact.end),
                )
            )
    return out


@lru_cache(maxsize=1 << 14)  # asked again for every evidence sentence a claim meets
def _opposites(lemma: str, pos: str) -> frozenset[str]:
    """Listed antonyms, plus negative-prefix forms of adjectives and adverbs ("inefficient" vs
    "efficient"); verbs and nouns are left out, where prefixes rarely negate ("inform")."""
    out = set(ANTONYMS.get(lemma, ()))
    if pos not in {"ADJ", "ADV"}:
        return frozenset(out)
    for prefix in NEGATIVE_PREFIXES:
        if lemma.startswith(prefix) and len(lemma) - len(prefix) >= 4:
            out.add(lemma[len(prefix) :].lstrip("-"))
        out.add(prefix + lemma)
    return frozenset(out)


def gaps(claim: ParsedSentence, ev: Parsed) -> list[tuple[str, tuple[int, int]]]:
    """Specifics of the claim that the evidence never mentions (no conflict, just no backing)."""
    out: list[tuple[str, tuple[int, int]]] = []
    for value, _, tok in claim.numbers:
        if not _number_found(value, ev.numbers):
            out.append((f"number {_fmt(value)} not in evidence", claim_span(tok)))
    for name, own in zip(claim.names, claim.name_words, strict=True):
        if not _name_found(name, own, ev.words):
            out.append((f"{name.label_.lower()} '{name.text}' not in evidence", claim_span(name)))
    # A proper noun the tagger left untagged ("the Falcons and the Saints") is a name too.
    for tok in claim.untagged:
        if not {tok.lower_, tok.lower_.rstrip("s")} & ev.words:
            out.append((f"name '{tok.text}' not in evidence", claim_span(tok)))
    for word, tok in claim.dates.items():
        if word not in ev.dates:
            out.append((f"date '{tok.text}' not in evidence", claim_span(tok)))
    # A word that sets the claim's reach (``SCOPE_WORDS``) must be the evidence's word too.
    for tok in claim.scope:
        if tok.lower_ not in ev.words:
            out.append((f"evidence does not say '{tok.text}'", claim_span(tok)))
    # Codes name one thing exactly (a quarter, a model, a variant): another is another thing.
    for tok in claim.codes:
        if tok.lower_ not in ev.words:
            out.append((f"'{tok.text}' not in evidence", claim_span(tok)))
    # A denial is a claim of its own: the evidence must deny the same thing.  Every negated
    # predicate counts, stop words too: "will not quickly become the number one vendor" is
    # no more backed by "will claim 55 percent of the market" than any other denial.
    # The evidence denies what the claim has or is, or the reverse ("has no smart navigation"
    # / "has smart navigation").  Light verbs are compared by their object, since their
    # subjects are everywhere: "the account is not official" does not deny "the account is a
    # fake".
    for mine, theirs, agreeing, says in (
        (claim.held, ev.denied_held, ev.held, "denies"),
        (claim.denied_held, ev.held, ev.denied_held, "asserts"),
    ):
        for verb, obj, tok in mine:
            if (verb, obj) in theirs and (verb, obj) not in agreeing:
                out.append((f"evidence {says} '{tok.text} {obj}'", claim_span(tok)))
    # The same thing denied in other words ("no casualties were *reported*" / "*stated*")
    # backs it too.
    for tok in claim.denials:
        if tok.lemma_.lower() not in ev.negated and not about(tok) & ev.denied_about:
            out.append((f"evidence does not deny '{tok.text}'", claim_span(tok)))
    return out


# --------------------------------------------------------------------------------------------
# Rules between near-twin claims of one story: two outlets' versions of one sentence, read
# through the claims' parses and facts (claim extraction), not through a fresh parse.
# --------------------------------------------------------------------------------------------


class _Token(NamedTuple):
    """A word as the twin rules read it: ``label`` is its entity type, "PROPN" for an
    untagged proper noun, or "" for any other word."""

    text: str
    label: str
    lemma: str


@dataclass(frozen=True)
class ClaimWords:
    """What the twin rules read from a claim's parse: its lemmas, and its words but
    punctuation."""

    lemmas: frozenset[str]
    tokens: tuple[_Token, ...]
    # (subject noun lemma, predicate lemma) of each predicate stated without negation.
    asserted: frozenset[tuple[str, str]]


def claim_words(span: Span) -> ClaimWords:
    return ClaimWords(
        frozenset(t.lemma_.lower() for t in span),
        tuple(
            _Token(t.text, t.ent_type_ or ("PROPN" if t.pos_ == "PROPN" else ""), t.lemma_.lower())
            for t in span
            if not t.is_punct
        ),
        frozenset(
            (c.lemma_.lower(), t.lemma_.lower())
            for t in span
            if not is_negated(t)
            for c in t.children
            if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ == "NOUN"
        ),
    )


def negation_conflict(
    claim: Claim, ev: Claim, words: dict[str, ClaimWords], same_subject: bool = False
) -> str | None:
    """A negation one near-twin has and the other lacks ("is ongoing" / "is not ongoing").

    A denial is its subject and verb: "the 4GB edition will not be ..." is another denial
    than the "8GB watch won't be ..." both twins share.  The negated word must appear
    un-negated in the other sentence, and that sentence must not negate in other words
    ("judges instead of arbitrators" / "judges, not arbitrators").
    With ``same_subject`` (for sentences less alike than twins) the other sentence must state
    the very predicate of the same subject noun ("the cause ... was not yet known" / "the
    cause ... was already known"), and that predicate must not be a light verb such as "be".
    """
    for a, b, side in ((claim, ev, "claim"), (ev, claim, "twin")):
        ours, theirs = _denials(a), _denials(b)
        if len(ours) <= len(theirs) or _negates_in_words(b):
            continue
        negated = {(f.entity, f.value) for f in theirs}
        for f in ours:
            if same_subject and (
                f.value in LIGHT_VERBS or (f.entity, f.value) not in words[b.id].asserted
            ):
                continue
            if (f.entity, f.value) not in negated and f.value in words[b.id].lemmas:
                other = "its twin" if side == "claim" else "the claim"
                return f"negation mismatch: the {side} says '{f.text}', {other} does not negate it"
    return None


def _denials(claim: Claim) -> list[Fact]:
    """The claim's negation facts: the predicates it denies."""
    return [f for f in claim.facts if f.attribute == "negation"]


def _negates_in_words(claim: Claim) -> bool:
    """Whether the claim uses a word that negates without "not" ("instead", "refused")."""
    return bool({w.strip(".,;:!?\"“”‘’'").lower() for w in claim.text.split()} & NEGATING_WORDS)


def unbacked_denial(claim: Claim, ev: Claim) -> bool:
    """A denial is a claim of its own, which a sentence that denies nothing cannot back:
    "the first smartwatch will not be available in three versions" is not supported by
    "Apple Watch will come in three separate price tiers", however alike the rest.  (The
    checker requires this too, but only for a denial it parses as one: a copula denied in a
    main clause, not one under another verb, "analysts say it will not be available".)"""
    return bool(_denials(claim)) and not _denials(ev) and not _negates_in_words(ev)


def closed_set_conflict(claim: Claim, ev: Claim) -> str | None:
    """Twins that fill a closed slot differently, named or not ("a hospital spokesman said" /
    "a hospital chief executive said"; "three were killed" / "three were injured")."""
    for attribute in sorted(COMPARED - {"age"}):
        ours = {f.value: f for f in claim.facts if f.attribute == attribute}
        theirs = {f.value for f in ev.facts if f.attribute == attribute}
        for value, fact in ours.items():
            rivals = sorted(u for u in theirs - ours.keys() if facts.conflicts(attribute, value, u))
            if value not in theirs and rivals:
                return f"{attribute}: '{fact.text}' where its twin says '{rivals[0]}'"
    return None


_NAME_TAGS = frozenset(NAME_LABELS | {"PROPN"})


def name_swap(
    claim: Claim, ev: Claim, words: dict[str, ClaimWords], names: NameIndex
) -> tuple[str, str] | None:
    """One near-twin names a person where the other names someone else, word for word in the
    same place ("his girlfriend, Shin Tan, ..." / "his girlfriend, Cong Yen, ..."): the
    claim's name and the twin's.

    The pairwise checker misses these when the two parses differ, or when the new name is
    mentioned elsewhere in the twin; the word diff of two near-identical sentences does not
    depend on either.  The twin's name must be absent from the claim (a reordered list is no
    swap), one side must be a person, and the two must not be spellings of one name.
    """
    cfg = settings().claims
    claim_words = {t.text.lower() for t in words[claim.id].tokens}
    for a, b in _replacements(words[claim.id], words[ev.id]):
        if not all(t.label in _NAME_TAGS for t in a + b):
            continue
        if "PERSON" not in {t.label for t in a + b} or claim_words & {t.text.lower() for t in b}:
            continue
        x, y = " ".join(t.text for t in a), " ".join(t.text for t in b)
        spelling = fuzz.ratio(x.lower(), y.lower()) >= cfg.same_name
        if not spelling and names.canonical(x) != names.canonical(y):
            return x, y
    return None


def _replacements(
    ours: ClaimWords, theirs: ClaimWords
) -> list[tuple[tuple[_Token, ...], tuple[_Token, ...]]]:
    """The runs of words the word diff of two sentences replaces, ours against theirs: the
    gaps between rapidfuzz's matching blocks (longest common subsequence) where both
    sentences have words."""
    diff = Indel.opcodes(
        [t.text.lower() for t in ours.tokens], [t.text.lower() for t in theirs.tokens]
    )
    out = []
    i = j = 0
    for block in diff.as_matching_blocks():
        if i < block.a and j < block.b:
            out.append((ours.tokens[i : block.a], theirs.tokens[j : block.b]))
        i, j = block.a + block.size, block.b + block.size
    return out


# One-word members of the checker's closed sets: word -> (group, synonym set).
_CONTRAST_WORDS = {word: slot for word, slot in CONTRAST_PHRASES.items() if " " not in word}


def word_swap(claim: Claim, ev: Claim, words: dict[str, ClaimWords]) -> str | None:
    """Near-twins that put different words of one closed set in the same place: "the
    mother refused to let her child go" / "the aunt refused ...", "found dead" / "found
    injured", "a radio interview" / "a TV interview".

    The checker compares such words only when the parse ties them to a person or a noun,
    which "her husband" or "the mother" never are; in two sentences alike but for that
    word, the place is the same by construction.  Words inside names are left out ("Mother
    Nature"), and a twin's word the claim also uses elsewhere makes no swap.
    """
    ours, theirs = words[claim.id], words[ev.id]
    for a, b in _replacements(ours, theirs):
        if len(a) != 1 or len(b) != 1 or a[0].label or b[0].label:
            continue
        x, y = a[0], b[0]
        mine = _CONTRAST_WORDS.get(x.text.lower()) or _CONTRAST_WORDS.get(x.lemma)
        other = _CONTRAST_WORDS.get(y.text.lower()) or _CONTRAST_WORDS.get(y.lemma)
        if mine is None or other is None or mine[0] != other[0] or mine == other:
            continue
        if y.lemma in ours.lemmas or x.lemma in theirs.lemmas:
            continue
        return f"{mine[0]}: '{x.text}' where its twin says '{y.text}'"
    return None
