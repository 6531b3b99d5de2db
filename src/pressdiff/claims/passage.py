"""Parsing a text for the claim checker: what the rules read from each side of a pair.

A text is parsed once (spaCy, then :func:`parse_texts`) into :class:`Parsed`: its sentences
as :class:`ParsedSentence` records (content lemmas, numbers, names, dates, negated and
asserted predicates, closed-set slot words, codes, scope words) and the whole-text
vocabularies that "mentioned anywhere" tests need.  The rules (:mod:`.rules`) only read
these records; the checker (:mod:`.check`) caches them by text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pressdiff import nlp
from pressdiff.lexicon import (
    CONTRAST_GROUPS,
    DENYING_VERBS,
    LIGHT_VERBS,
    MONTHS,
    MULTIPLIERS,
    NUMBER_WORDS,
    SCOPE_WORDS,
    TIME_UNITS,
    WEEKDAYS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

# --------------------------------------------------------------------------------------------
# Lexicons (pressdiff.lexicon).  Small closed sets: a rule fires only when both sides use
# words we understand.
# --------------------------------------------------------------------------------------------

# What the rules read from the lexicon, as dates are compared: a weekday by name, a month by
# its number whatever the spelling ("Sept." and "September").
_DATE_WORDS: dict[str, str] = {day: day for day in WEEKDAYS} | {
    name: f"month {number}" for name, number in MONTHS.items()
}
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
_CODE_RE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])")
_NUMBER_RE = re.compile(r"^[$£€]?\d[\d,]*(\.\d+)?(%|k|m|bn|st|nd|rd|th)?$", re.IGNORECASE)

# Phrase index for the contrast groups: lowercase phrase -> (group, synonym-set index).
CONTRAST_PHRASES: dict[str, tuple[str, int]] = {
    phrase: (group, i)
    for group, sets in CONTRAST_GROUPS.items()
    for i, synonyms in enumerate(sets)
    for phrase in synonyms
}


@lru_cache(maxsize=1)
def _contrast_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """Matchers for the contrast phrases as written ("killed") and as lemmas ("kill")."""
    vocab = nlp.spacy_model().vocab
    by_form = PhraseMatcher(vocab, attr="LOWER")
    by_lemma = PhraseMatcher(vocab, attr="LEMMA")
    for phrase in CONTRAST_PHRASES:
        words = phrase.split()
        by_form.add(phrase, [Doc(vocab, words=words)])
        by_lemma.add(phrase, [Doc(vocab, words=words, lemmas=words)])
    return by_form, by_lemma


def _contrast_spans(doc: Doc | Span) -> list[Span]:
    """Contrast phrases in ``doc``, longest first where they overlap, labelled by phrase."""
    whole = doc if isinstance(doc, Doc) else doc.doc
    found: dict[tuple[int, int], str] = {}
    for matcher in _contrast_matchers():  # a span's own words win over its lemmas
        for match_id, start, end in matcher(doc):
            found.setdefault((start, end), whole.vocab.strings[match_id])
    return filter_spans([Span(whole, a, b, label=phrase) for (a, b), phrase in found.items()])


# --------------------------------------------------------------------------------------------
# Parsed texts: what the rules need from each side, computed once per distinct text.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotWord:
    """A closed-set word attached to a key: ("souza", "role", 1) for "director Joel Souza"."""

    key: str
    group: str
    choice: int
    word: str
    start: int
    end: int


@dataclass
class ParsedSentence:
    """One parsed sentence (or the parts of it the rules read)."""

    text: str
    lemmas: set[str]
    plain_lemmas: set[str]  # lemmas outside names ("new", but not the one in "New York")
    words: set[str]
    content: list[Token]
    numbers: list[tuple[float, str, Token]]  # value, unit (head lemma), token
    names: list[Span]
    dates: dict[str, Token]  # normalised weekday/month -> the token that names it
    negated: dict[str, set[str]]  # predicate lemma under negation -> its argument lemmas
    asserted: dict[str, set[str]]  # the same for content predicates not under negation
    denials: list[Token]  # the negated predicates themselves, stop words included ("become")
    facts: list[SlotWord]
    codes: list[Token]  # letters and digits in one word: "Q2", "G7", "COVID-19", "3D"
    scope: list[Token]  # words that set a claim's reach: "only", "all", "more", "slight"
    # Light verbs with their objects, asserted and denied: ("have", "navigation", token).
    held: list[tuple[str, str, Token]]
    denied_held: list[tuple[str, str, Token]]
    # Read from the tokens once here, since the rules look them up against every evidence
    # sentence a claim is compared with (a story's checker compares thousands of pairs):
    content_lemmas: list[str]  # each content word's lowercased lemma, in ``content``'s order
    content_forms: list[str]  # and its lowercased form
    untagged: list[Token]  # content proper nouns outside every entity, not first in the sentence
    name_words: list[list[str]]  # each name's own words (letters, no stop words), lowercased


@dataclass
class Parsed:
    """A text split into passages, with the whole-text vocabularies for 'mentioned anywhere'."""

    text: str
    passages: list[ParsedSentence]
    lemmas: set[str]
    words: set[str]
    numbers: list[float]
    dates: set[str]
    negated: set[str]
    denied_about: set[str]  # what the denials are about: their arguments, stop words aside
    held: set[tuple[str, str]]
    denied_held: set[tuple[str, str]]
    facts: list[SlotWord]


def number_value(tok: Token) -> float | None:
    """The numeric value of a token ("1,200", "63", "five", "third", "$2.5"), if it has one."""
    low = tok.lower_
    if low in NUMBER_WORDS:
        value = float(NUMBER_WORDS[low])
    elif _NUMBER_RE.match(low):
        digits = re.sub(r"[^\d.]", "", low)
        try:
            value = float(digits)
        except ValueError:
            return None
        suffix = re.search(r"(k|m|bn)$", low)
        if suffix:
            value *= MULTIPLIERS[suffix.group(1)]
    else:
        return None
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ in MULTIPLIERS and len(nxt.lower_) > 2:
        value *= MULTIPLIERS[nxt.lower_]
    return value


_CORE_ARGS = frozenset({"nsubj", "nsubjpass", "dobj", "attr"})


def _denied_noun(noun: Token) -> bool:
    """ "no charges", "nothing", "nobody": a subject or object that denies its verb."""
    return noun.lower_ in {"nothing", "nobody", "none"} or any(
        c.dep_ == "det" and c.lower_ == "no" for c in noun.children
    )


def is_negated(tok: Token) -> bool:
    """Whether a predicate is denied, directly or through the verb that governs it.

    Negation reaches into coordinations, the future with "go" ("not going to *pull*",
    "would never point a gun and *pull* the trigger") and a copula's complement ("is not
    *official*"); a denied subject or object, "without" and verbs like "fail to" deny too.
    "Won't air until Thursday" denies only the time, not the airing, so a negation with
    "until" does not count.
    """
    while True:
        children = list(tok.children)
        if any(c.lower_ == "until" for c in children):
            return False
        # A curly "n’t" is sometimes tagged a noun, not a negation, by the small model.
        if any(c.dep_ == "neg" or c.lower_ in {"never", "no", "n’t"} for c in children):
            return True
        # "No charges were *filed*", "*provides* no link", "nothing was *found*".
        if any(c.dep_ in _CORE_ARGS and _denied_noun(c) for c in children):
            return True
        if tok.dep_ == "pcomp" and tok.head.lower_ == "without":
            return True
        if tok.dep_ == "xcomp" and tok.head.lemma_ in DENYING_VERBS:
            return True
        chained = tok.dep_ in {"conj", "acomp"} or (tok.dep_ == "xcomp" and tok.head.lemma_ == "go")
        if not chained or tok.head is tok:
            return False
        tok = tok.head


def _facts(doc: Doc | Span) -> list[SlotWord]:
    """Closed-set words (roles, media, outcomes, relations, weapons) and what they are about.

    A word is about a person when it touches the person's name in the parse ("director Joel
    Souza", "Souza, the director", "Hutchins was killed", "killing Hutchins"); otherwise it is
    about the noun it modifies ("radio interview" -> interview).  Unattached words are skipped:
    without a key there is nothing to compare them with.
    """
    persons = {t.i: ent for ent in doc.ents if ent.label_ == "PERSON" for t in ent}
    facts: list[SlotWord] = []
    for span in _contrast_spans(doc):
        group, choice = CONTRAST_PHRASES[span.label_]
        head_tok = span[-1]
        if head_tok.i in persons:
            # A title the tagger swallowed into the name ("Cinematographer Halyna Hutchins")
            # is about that person; a closed-set word inside a name proper is not a fact.
            name = persons[head_tok.i]
            key = name[-1].lower_ if span[0].i == name.start and name.end > head_tok.i + 1 else None
        else:
            key = _fact_key(head_tok, persons)
        if key:
            facts.append(
                SlotWord(
                    key,
                    group,
                    choice,
                    " ".join(t.text for t in span),
                    span[0].idx,
                    span[-1].idx + len(span[-1]),
                )
            )
    return facts


def _fact_key(tok: Token, persons: dict[int, Span]) -> str | None:
    """The person surname or noun lemma a closed-set word is attached to, if any."""
    # "yellow and blue paint": blue modifies paint through yellow.  Coordinated clauses
    # ("Hutchins was killed and Souza was injured") keep their own subjects.
    if tok.dep_ == "conj" and tok.head.dep_ in {"amod", "compound", "nmod"}:
        tok = tok.head
    neighbours = [tok.head, *tok.children]
    if tok.dep_ in {"compound", "amod", "nmod"} and tok.head.i in persons:
        return persons[tok.head.i][-1].lower_
    for n in neighbours:
        if n.i in persons and n.dep_ in {"appos", "compound", "nsubjpass", "dobj", "nsubj", "attr"}:
            return persons[n.i][-1].lower_
    if tok.dep_ in {"appos", "attr"} and tok.head.i in persons:
        return persons[tok.head.i][-1].lower_
    # "Hutchins, the cinematographer" / "Souza was the director": the name is a sibling.
    if tok.dep_ in {"attr", "appos"}:
        for sib in tok.head.children:
            if sib.i in persons and sib.dep_ in {"nsubj", "nsubjpass"}:
                return persons[sib.i][-1].lower_
    if tok.dep_ in {"compound", "amod", "nmod"} and tok.head.pos_ == "NOUN":
        return tok.head.lemma_.lower()
    return None


def _arguments(tok: Token) -> set[str]:
    """Who or what a predicate is about: its subjects, objects and prepositional objects.

    Walks up complement chains so "was supposed to provide" finds the subject of "supposed".
    """
    out: set[str] = set()
    while True:
        for child in tok.children:
            if child.dep_ in {"nsubj", "nsubjpass", "dobj", "attr", "agent"}:
                out.add(child.lemma_.lower())
            elif child.dep_ == "prep":
                out.update(g.lemma_.lower() for g in child.children if g.dep_ == "pobj")
        if tok.dep_ not in {"xcomp", "conj", "acomp"} or tok.head is tok:
            return out
        tok = tok.head


def about(predicate: Token) -> set[str]:
    """The arguments of a predicate that say what it is about (not "it", "they", "that")."""
    return {a for a in _arguments(predicate) if a not in STOP_WORDS}


def _objects(verb: Token) -> set[str]:
    """What a light verb has, does or is: "has smart *navigation*", "there is no *mention*"."""
    return {
        c.lemma_.lower()
        for c in verb.children
        if c.dep_ in {"dobj", "attr"} and c.lemma_.lower() not in STOP_WORDS
    }


def _passage(sent: Span) -> ParsedSentence:
    numbers: list[tuple[float, str, Token]] = []
    negated: dict[str, set[str]] = {}
    asserted: dict[str, set[str]] = {}
    dates: dict[str, Token] = {}
    denials: list[Token] = []
    held: list[tuple[str, str, Token]] = []
    denied_held: list[tuple[str, str, Token]] = []
    for tok in sent:
        if tok.like_num or tok.lower_ in NUMBER_WORDS or _NUMBER_RE.match(tok.lower_):
            value = number_value(tok)
            # Ordinal words and "one" are mostly not quantities ("one of the", "first time");
            # a number word counting time is ("two weeks").
            counted = tok.ent_type_ == "CARDINAL" or tok.head.lemma_.lower() in TIME_UNITS
            if value is not None and not (tok.is_alpha and not counted):
                numbers.append((value, tok.head.lemma_.lower(), tok))
        # "may" and "march" are months only inside a date entity.
        if tok.lower_.rstrip(".") in _DATE_WORDS and (
            tok.ent_type_ in {"DATE", "TIME"} or tok.lower_ not in {"may", "march"}
        ):
            dates.setdefault(_DATE_WORDS[tok.lower_.rstrip(".")], tok)
        if tok.pos_ in {"VERB", "ADJ"} and tok.lemma_.lower() not in LIGHT_VERBS:
            polarity = negated if is_negated(tok) else asserted
            polarity.setdefault(tok.lemma_.lower(), set()).update(_arguments(tok))
            # A denied predicate adjective ("not as *competitive*") is compared with what the
            # evidence says of the same subject, but is no denial the evidence must repeat:
            # it is paraphrased too freely ("worse than"); measured on SummEdits tuning data.
            if polarity is negated and tok.dep_ != "acomp":
                denials.append(tok)
        elif tok.pos_ in {"VERB", "AUX"} and tok.dep_ == "ROOT" and is_negated(tok):
            # "did not *have* a meeting", "he *is* not a suspect": a light verb's denial is
            # still a denial, though too common to pair with an assertion elsewhere.
            denials.append(tok)
        if tok.lemma_.lower() in LIGHT_VERBS and tok.dep_ not in {"aux", "auxpass"}:
            polarity = denied_held if is_negated(tok) else held
            polarity += [(tok.lemma_.lower(), o, tok) for o in _objects(tok)]
    content = [t for t in sent if t.pos_ in _CONTENT_POS and not t.is_stop and t.is_alpha]
    names = [e for e in sent.ents if e.label_ in NAME_LABELS]
    return ParsedSentence(
        text=sent.text,
        lemmas={t.lemma_.lower() for t in sent if not t.is_punct},
        plain_lemmas={t.lemma_.lower() for t in sent if t.ent_type_ not in NAME_LABELS},
        words={t.lower_ for t in sent if not t.is_punct},
        content=content,
        numbers=numbers,
        names=names,
        dates=dates,
        negated=negated,
        asserted=asserted,
        denials=denials,
        facts=_facts(sent),
        codes=[t for t in sent if _CODE_RE.search(t.text) and not _NUMBER_RE.match(t.lower_)],
        held=held,
        denied_held=denied_held,
        scope=[t for t in sent if t.lower_ in SCOPE_WORDS],
        content_lemmas=[t.lemma_.lower() for t in content],
        content_forms=[t.lower_ for t in content],
        untagged=[
            t for t in content if t.pos_ == "PROPN" and not t.ent_type_ and t.i != t.sent.start
        ],
        name_words=[[t.lower_ for t in e if t.is_alpha and not t.is_stop] for e in names],
    )


Parser = Callable[[list[str]], Iterable[Doc]]
"""Texts to their spaCy Docs, in order (the checker's ``parse`` hook)."""


def spacy_parse(texts: list[str]) -> Iterable[Doc]:
    """Parse texts no annotation holds (a pair of user strings, a benchmark's texts)."""
    return nlp.spacy_model().pipe(texts, batch_size=16)


def reuse_parses(known: Mapping[str, Doc]) -> Parser:
    """A parser that reads the Docs ``known`` already holds (claims whose parse claim
    extraction made) and parses only the other texts, in one call."""

    def parse(texts: list[str]) -> list[Doc]:
        missing = [t for t in texts if t not in known]
        parsed = dict(zip(missing, spacy_parse(missing), strict=True))
        return [known[t] if t in known else parsed[t] for t in texts]

    return parse


def parse_texts(texts: list[str], parse: Parser = spacy_parse) -> list[Parsed]:
    """What the rules read from each text, from the Docs ``parse`` gives."""
    return [_parsed(text, doc) for text, doc in zip(texts, parse(texts), strict=True)]


def _parsed(text: str, doc: Doc) -> Parsed:
    passages = [_passage(s) for s in doc.sents if s.text.strip()]
    return Parsed(
        text=text,
        passages=passages,
        lemmas=set().union(*(p.lemmas for p in passages)),
        words=set().union(*(p.words for p in passages)),
        numbers=[n for p in passages for n, _, _ in p.numbers],
        dates={d for p in passages for d in p.dates},
        negated={t.lemma_.lower() for p in passages for t in p.denials},
        denied_about={a for p in passages for t in p.denials for a in about(t)},
        held={(v, o) for p in passages for v, o, _ in p.held},
        denied_held={(v, o) for p in passages for v, o, _ in p.denied_held},
        facts=[f for p in passages for f in p.facts],
    )
