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
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from pressdiff import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Label = Literal["supports", "contradicts", "unclear"]


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
# Lexicons.  Small closed sets: a rule fires only when both sides use words we understand.
# --------------------------------------------------------------------------------------------

# Mutually exclusive alternatives.  Words in the same inner tuple mean the same thing; two
# words from different tuples of one group conflict when attached to the same person or noun.
CONTRAST_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "role": (
        ("cinematographer", "director of photography", "cameraman", "camera operator"),
        ("director", "filmmaker"),
        ("assistant director", "first assistant director"),
        ("producer", "executive producer"),
        ("armorer", "armourer", "weapons master"),
        ("electrician", "gaffer", "head electrician"),
        ("writer", "screenwriter"),
        ("editor",),
        ("lawyer", "attorney"),
        ("sheriff",),
        ("prosecutor", "district attorney"),
        ("spokesman", "spokeswoman", "spokesperson"),
        ("senator",),
        ("governor",),
        ("president",),
        ("minister",),
        ("mayor",),
        ("ceo", "chief executive"),
        ("coach",),
        ("doctor", "physician"),
        ("nurse",),
        ("teacher",),
        ("student",),
    ),
    "medium": (
        ("tv", "television", "televised", "on-camera"),
        ("radio",),
        ("podcast",),
        ("phone", "telephone"),
        ("print", "newspaper"),
        ("email",),
    ),
    "outcome": (
        ("kill", "killed", "dead", "die", "died", "slay", "slain", "fatally", "death"),
        ("injure", "injured", "wound", "wounded", "hurt", "hospitalize", "hospitalized"),
        ("unharmed", "unhurt", "uninjured"),
    ),
    "relation": (
        ("wife", "husband", "spouse"),
        ("son",),
        ("daughter",),
        ("mother", "mom", "mum"),
        ("father", "dad"),
        ("brother",),
        ("sister",),
        ("aunt",),
        ("uncle",),
        ("niece",),
        ("nephew",),
        ("cousin",),
        ("grandmother", "grandma"),
        ("grandfather", "grandpa"),
        ("grandson",),
        ("granddaughter",),
        # "partner" is left out: it names a spouse as often as a girlfriend or a colleague
        # ("caught husband Cheng" / "caught bed-hopping partner Cheng").
        ("girlfriend", "boyfriend", "fiancee", "fiance"),
        ("employer", "boss"),
    ),
    "colour": (
        ("red",),
        ("orange",),
        ("yellow",),
        ("green",),
        ("blue",),
        ("purple", "violet"),
        ("pink",),
        ("brown",),
        ("black",),
        ("white",),
        ("grey", "gray"),
    ),
    "ordinal": (
        ("first",),
        ("second",),
        ("third",),
        ("fourth",),
        ("fifth",),
        ("sixth",),
    ),
    "time of day": (
        ("morning",),
        ("afternoon",),
        ("evening",),
        ("night", "overnight"),
    ),
    "season": (
        ("spring",),
        ("summer",),
        ("autumn",),
        ("winter",),
    ),
    "weapon": (
        ("gun", "firearm", "pistol", "revolver", "handgun", "weapon"),
        ("rifle", "shotgun"),
        ("knife",),
        ("toy gun", "replica", "prop gun", "prop"),
    ),
}

# Antonyms by lemma, one direction listed; the lookup is made symmetric below.
_ANTONYM_PAIRS = (
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("rise", "fall"),
    ("rise", "drop"),
    ("raise", "lower"),
    ("gain", "lose"),
    ("win", "lose"),
    ("accept", "reject"),
    ("accept", "decline"),
    ("agree", "disagree"),
    ("approve", "reject"),
    ("allow", "forbid"),
    ("allow", "prohibit"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("support", "oppose"),
    ("open", "close"),
    ("start", "end"),
    ("begin", "end"),
    ("buy", "sell"),
    ("arrive", "depart"),
    ("enter", "leave"),
    ("include", "exclude"),
    ("succeed", "fail"),
    ("success", "failure"),
    ("positive", "negative"),
    ("high", "low"),
    ("higher", "lower"),
    ("large", "small"),
    ("larger", "smaller"),
    ("big", "small"),
    ("more", "less"),
    ("more", "fewer"),
    ("most", "least"),
    ("long", "short"),
    ("early", "late"),
    ("earlier", "later"),
    ("before", "after"),
    ("first", "last"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("easy", "difficult"),
    ("easy", "hard"),
    ("possible", "impossible"),
    ("legal", "illegal"),
    ("true", "false"),
    ("right", "wrong"),
    ("correct", "incorrect"),
    ("safe", "dangerous"),
    ("safe", "unsafe"),
    ("alive", "dead"),
    ("guilty", "innocent"),
    ("new", "old"),
    ("young", "old"),
    ("rich", "poor"),
    ("happy", "sad"),
    ("calm", "angry"),
    ("private", "public"),
    ("internal", "external"),
    ("domestic", "foreign"),
    ("male", "female"),
    ("man", "woman"),
    ("north", "south"),
    ("east", "west"),
    ("up", "down"),
    ("upward", "downward"),
    ("profit", "loss"),
    ("expand", "shrink"),
    ("strengthen", "weaken"),
    ("improve", "worsen"),
    ("accidentally", "deliberately"),
    ("accidental", "deliberate"),
    ("accidentally", "intentionally"),
    ("accidental", "intentional"),
    ("always", "never"),
    ("all", "none"),
    ("likely", "unlikely"),
    ("certain", "uncertain"),
    ("similar", "different"),
    ("same", "different"),
    ("add", "remove"),
    ("attack", "defend"),
    ("arrest", "release"),
    ("convict", "acquit"),
    ("praise", "criticize"),
    ("praise", "criticise"),
    ("full", "empty"),
    ("cheap", "expensive"),
    ("fast", "slow"),
    ("rare", "common"),
    ("minor", "major"),
    ("majority", "minority"),
    ("maximum", "minimum"),
    ("import", "export"),
    ("ally", "enemy"),
    ("friend", "enemy"),
    ("pass", "fail"),
    ("present", "absent"),
    ("remember", "forget"),
    ("hire", "fire"),
    ("borrow", "lend"),
    ("cause", "prevent"),
    ("sooner", "later"),
    ("earn", "lose"),
    ("earnings", "losses"),
    ("gain", "loss"),
    ("above", "below"),
    ("over", "under"),
    ("surplus", "deficit"),
    ("upgrade", "downgrade"),
    ("inflow", "outflow"),
    ("boring", "interesting"),
    ("win", "defeat"),
    ("victory", "defeat"),
    ("outperform", "underperform"),
    ("overestimate", "underestimate"),
    ("optimistic", "pessimistic"),
    ("benefit", "harm"),
    ("encourage", "discourage"),
    ("like", "dislike"),
    ("love", "hate"),
    ("ahead", "behind"),
    ("inside", "outside"),
    ("maximize", "minimize"),
    ("simple", "complex"),
    ("visible", "invisible"),
    ("temporary", "permanent"),
    ("explicit", "implicit"),
    ("input", "output"),
    ("manual", "automatic"),
    ("manual", "automated"),
    ("free", "paid"),
    ("next", "previous"),
    ("next", "last"),
    ("beginning", "end"),
    ("online", "offline"),
    ("urban", "rural"),
    ("ancient", "modern"),
    ("junior", "senior"),
    ("winner", "loser"),
    ("buyer", "seller"),
    ("general", "specific"),
    ("abstract", "concrete"),
    ("active", "passive"),
    ("absolute", "relative"),
    ("global", "local"),
    ("qualitative", "quantitative"),
    ("static", "dynamic"),
    ("upper", "lower"),
    ("inner", "outer"),
    ("top", "bottom"),
    ("front", "back"),
    ("offensive", "defensive"),
    ("offense", "defense"),
    ("supporter", "opponent"),
    ("peace", "war"),
    ("wet", "dry"),
    ("hot", "cold"),
    ("warm", "cold"),
    ("heavy", "light"),
    ("thick", "thin"),
    ("wide", "narrow"),
    ("deep", "shallow"),
    ("rise", "decline"),
    ("increase", "decline"),
    ("grow", "shrink"),
    ("growth", "decline"),
    ("surge", "plunge"),
    ("soar", "plummet"),
    ("climb", "fall"),
    ("jump", "drop"),
    ("bullish", "bearish"),
    ("hawkish", "dovish"),
    ("acquire", "divest"),
    ("lift", "impose"),
    ("ease", "tighten"),
    ("loosen", "tighten"),
    ("allow", "ban"),
    ("morning", "evening"),
    ("day", "night"),
    ("birth", "death"),
    ("arrival", "departure"),
    ("entrance", "exit"),
    ("send", "receive"),
    ("credit", "debit"),
    ("asset", "liability"),
    ("income", "expense"),
    ("overvalue", "undervalue"),
    ("accelerate", "decelerate"),
    ("accelerate", "slow"),
    ("minimal", "maximal"),
    ("negligible", "significant"),
    ("crucial", "irrelevant"),
    ("advanced", "basic"),
    ("comprehensive", "basic"),
    ("expensive", "affordable"),
    ("costly", "cheap"),
    ("wealthy", "poor"),
    ("victory", "loss"),
    ("ignore", "highlight"),
)
ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in _ANTONYM_PAIRS:
    ANTONYMS[_a] = ANTONYMS.get(_a, frozenset()) | {_b}
    ANTONYMS[_b] = ANTONYMS.get(_b, frozenset()) | {_a}

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "half": 0.5, "twice": 2, "once": 1,
}  # fmt: skip
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
                "m": 1e6, "bn": 1e9}  # fmt: skip
_DATE_WORDS = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun", "january": "jan", "jan": "jan", "february": "feb",
    "feb": "feb", "march": "mar", "mar": "mar", "april": "apr", "apr": "apr", "may": "may",
    "june": "jun", "jun": "jun", "july": "jul", "jul": "jul", "august": "aug", "aug": "aug",
    "september": "sep", "sep": "sep", "sept": "sep", "october": "oct", "oct": "oct",
    "november": "nov", "nov": "nov", "december": "dec", "dec": "dec",
}  # fmt: skip
_NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non", "non-")
_TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
)
_WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
# Verbs too common to carry a claim's polarity on their own, or to stand for a predicate:
# "the account is not official" and "the account is a fake" share subject and verb "be",
# and agree.
LIGHT_VERBS = frozenset({"be", "have", "do", "say", "tell", "make", "get", "go", "take", "come"})
# Words that set how far a claim reaches: its scope ("*only* on phones", "*except* custom
# content", "*all* simmers"), a comparison ("*more*", "*fewer*") or a degree ("*slight*").
# Each is a claim of its own that the evidence must make too.  On the SummEdits tuning
# domains this gap fires on 37 edited summaries and no consistent one.  (Negators are left
# to the denial rules: "never" and "n't" deny alike.)
_SCOPE_WORDS = frozenset(
    {"only", "except", "solely", "exclusively", "all", "every", "none", "more", "less",
     "fewer", "most", "least", "slight", "slightly", "minor", "negligible", "small"}
)  # fmt: skip
# Verbs that deny their complement: "the authors fail to *build* a model".
_DENYING_VERBS = frozenset({"fail", "refuse", "neglect"})
_CODE_RE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])")
_NUMBER_RE = re.compile(r"^[$£€]?\d[\d,]*(\.\d+)?(%|k|m|bn|st|nd|rd|th)?$", re.IGNORECASE)

# Phrase index for the contrast groups: lowercase phrase -> (group, synonym-set index).
CONTRAST_PHRASES: dict[str, tuple[str, int]] = {
    phrase: (group, i)
    for group, sets in CONTRAST_GROUPS.items()
    for i, synonyms in enumerate(sets)
    for phrase in synonyms
}
_MAX_PHRASE = max(len(p.split()) for p in CONTRAST_PHRASES)


# --------------------------------------------------------------------------------------------
# Parsed texts: what the rules need from each side, computed once per distinct text.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A closed-set word attached to a key: ("souza", "role", 1) for "director Joel Souza"."""

    key: str
    group: str
    choice: int
    word: str
    start: int
    end: int


@dataclass
class Passage:
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
    facts: list[Fact]
    codes: list[Token]  # letters and digits in one word: "Q2", "G7", "COVID-19", "3D"
    scope: list[Token]  # words that set a claim's reach: "only", "all", "more", "slight"
    # Light verbs with their objects, asserted and denied: ("have", "navigation", token).
    held: list[tuple[str, str, Token]]
    denied_held: list[tuple[str, str, Token]]


@dataclass
class Parsed:
    """A text split into passages, with the whole-text vocabularies for 'mentioned anywhere'."""

    text: str
    passages: list[Passage]
    lemmas: set[str]
    words: set[str]
    numbers: list[float]
    dates: set[str]
    negated: set[str]
    denied_about: set[str]  # what the denials are about: their arguments, stop words aside
    held: set[tuple[str, str]]
    denied_held: set[tuple[str, str]]
    facts: list[Fact]


def _number_value(tok: Token) -> float | None:
    """The numeric value of a token ("1,200", "63", "five", "third", "$2.5"), if it has one."""
    low = tok.lower_
    if low in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS[low])
    elif _NUMBER_RE.match(low):
        digits = re.sub(r"[^\d.]", "", low)
        try:
            value = float(digits)
        except ValueError:
            return None
        suffix = re.search(r"(k|m|bn)$", low)
        if suffix:
            value *= _MULTIPLIERS[suffix.group(1)]
    else:
        return None
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ in _MULTIPLIERS and len(nxt.lower_) > 2:
        value *= _MULTIPLIERS[nxt.lower_]
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
        if tok.dep_ == "xcomp" and tok.head.lemma_ in _DENYING_VERBS:
            return True
        chained = tok.dep_ in {"conj", "acomp"} or (tok.dep_ == "xcomp" and tok.head.lemma_ == "go")
        if not chained or tok.head is tok:
            return False
        tok = tok.head


def _facts(doc: Doc | Span) -> list[Fact]:
    """Closed-set words (roles, media, outcomes, relations, weapons) and what they are about.

    A word is about a person when it touches the person's name in the parse ("director Joel
    Souza", "Souza, the director", "Hutchins was killed", "killing Hutchins"); otherwise it is
    about the noun it modifies ("radio interview" -> interview).  Unattached words are skipped:
    without a key there is nothing to compare them with.
    """
    tokens = list(doc)
    persons = {t.i: ent for ent in doc.ents if ent.label_ == "PERSON" for t in ent}
    facts: list[Fact] = []
    i = 0
    while i < len(tokens):
        match = None
        for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            forms = (" ".join(t.lower_ for t in span), " ".join(t.lemma_.lower() for t in span))
            for form in forms:
                if form in CONTRAST_PHRASES:
                    match = (span, CONTRAST_PHRASES[form])
                    break
            if match:
                break
        if not match:
            i += 1
            continue
        span, (group, choice) = match
        i += len(span)
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
                Fact(
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


def _about(predicate: Token) -> set[str]:
    """The arguments of a predicate that say what it is about (not "it", "they", "that")."""
    return {a for a in _arguments(predicate) if a not in STOP_WORDS}


def _objects(verb: Token) -> set[str]:
    """What a light verb has, does or is: "has smart *navigation*", "there is no *mention*"."""
    return {
        c.lemma_.lower()
        for c in verb.children
        if c.dep_ in {"dobj", "attr"} and c.lemma_.lower() not in STOP_WORDS
    }


def _passage(sent: Span) -> Passage:
    numbers: list[tuple[float, str, Token]] = []
    negated: dict[str, set[str]] = {}
    asserted: dict[str, set[str]] = {}
    dates: dict[str, Token] = {}
    denials: list[Token] = []
    held: list[tuple[str, str, Token]] = []
    denied_held: list[tuple[str, str, Token]] = []
    for tok in sent:
        if tok.like_num or tok.lower_ in _NUMBER_WORDS or _NUMBER_RE.match(tok.lower_):
            value = _number_value(tok)
            # Ordinal words and "one" are mostly not quantities ("one of the", "first time");
            # a number word counting time is ("two weeks").
            counted = tok.ent_type_ == "CARDINAL" or tok.head.lemma_.lower() in _TIME_UNITS
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
    return Passage(
        text=sent.text,
        lemmas={t.lemma_.lower() for t in sent if not t.is_punct},
        plain_lemmas={t.lemma_.lower() for t in sent if t.ent_type_ not in _NAME_LABELS},
        words={t.lower_ for t in sent if not t.is_punct},
        content=[t for t in sent if t.pos_ in _CONTENT_POS and not t.is_stop and t.is_alpha],
        numbers=numbers,
        names=[e for e in sent.ents if e.label_ in _NAME_LABELS],
        dates=dates,
        negated=negated,
        asserted=asserted,
        denials=denials,
        facts=_facts(sent),
        codes=[t for t in sent if _CODE_RE.search(t.text) and not _NUMBER_RE.match(t.lower_)],
        held=held,
        denied_held=denied_held,
        scope=[t for t in sent if t.lower_ in _SCOPE_WORDS],
    )


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
        denied_about={a for p in passages for t in p.denials for a in _about(t)},
        held={(v, o) for p in passages for v, o, _ in p.held},
        denied_held={(v, o) for p in passages for v, o, _ in p.denied_held},
        facts=[f for p in passages for f in p.facts],
    )


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

    ``support_threshold`` and ``gap_tolerance`` were chosen on the SummEdits domains other than
    news (``bench/claims_summedits.py --tune``); news is held out for the benchmark.
    """

    def __init__(
        self,
        support_threshold: float = 0.62,
        gap_tolerance: int = 0,
        top_k: int = 2,
        topic_similarity: float = 0.5,
        cache_size: int = 512,
    ) -> None:
        self.support_threshold = support_threshold
        self.topic_similarity = topic_similarity
        self.gap_tolerance = gap_tolerance
        self.top_k = top_k
        self._cache: dict[str, Parsed] = {}
        self._cache_size = cache_size

    # -- public API ---------------------------------------------------------------------------

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        return [self.decide(a) for a in self.assess_many(pairs)]

    def assess_many(self, pairs: Sequence[tuple[str, str]]) -> list[Assessment]:
        """Parse and embed everything once, then run the rules on each pair."""
        parsed, vectors = self.prepare(pairs)
        return [self._assess(evidence, claim, vectors) for evidence, claim in parsed]

    def prepare(
        self, pairs: Sequence[tuple[str, str]]
    ) -> tuple[list[tuple[Parsed, Parsed]], dict[str, np.ndarray]]:
        """Each pair parsed (evidence, claim), and the MiniLM vector of every sentence in them.

        Shared with the decision layer (:mod:`pressdiff.claims.support`), which reads the same
        parses to measure the claim's alignment.
        """
        self._parse_all(t for pair in pairs for t in pair)
        parsed = [(self._cache[evidence], self._cache[claim]) for evidence, claim in pairs]
        sentences = list(dict.fromkeys(p.text for pair in parsed for t in pair for p in t.passages))
        return parsed, dict(zip(sentences, nlp.embed(sentences), strict=True))

    def decide(self, a: Assessment) -> CheckResult:
        """Turn an assessment into a label, a confidence and the reasons behind it."""
        if a.conflicts:
            # Each independent conflict makes a coincidence less likely.
            score = 1.0 - 0.35 * 0.5 ** (len(a.conflicts) - 1)
            return CheckResult(
                "contradicts",
                round(score, 3),
                [r for r, _ in a.conflicts],
                sorted({s for _, s in a.conflicts}),
            )
        if len(a.gaps) <= self.gap_tolerance and a.support >= self.support_threshold:
            score = 0.5 + 0.5 * min(1.0, (a.support - self.support_threshold) / 0.2)
            return CheckResult("supports", round(score, 3), [r for r, _ in a.gaps])
        distance = max(self.support_threshold - a.support, 0.05 * len(a.gaps))
        score = 0.5 + 0.5 * min(1.0, distance / 0.2)
        reasons = [r for r, _ in a.gaps] or [f"weak match (support {a.support:.2f})"]
        return CheckResult("unclear", round(score, 3), reasons, sorted({s for _, s in a.gaps}))

    # -- internals ----------------------------------------------------------------------------

    def _parse_all(self, texts: Iterable[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if not todo:
            return
        if len(self._cache) + len(todo) > self._cache_size:
            self._cache.clear()
        for text, doc in zip(todo, nlp.spacy_model().pipe(todo, batch_size=16), strict=True):
            self._cache[text] = _parsed(text, doc)

    def _assess(self, ev: Parsed, cl: Parsed, vectors: dict[str, np.ndarray]) -> Assessment:
        conflicts: list[tuple[str, tuple[int, int]]] = []
        gaps: list[tuple[str, tuple[int, int]]] = []
        supports: list[float] = []
        if not ev.passages or not cl.passages:
            return Assessment(0.0, [], [("empty text", (0, len(cl.text)))])
        ev_matrix = np.stack([vectors[p.text] for p in ev.passages])
        for claim in cl.passages:
            sims = ev_matrix @ vectors[claim.text]
            overlap = np.array([_overlap(claim, p) for p in ev.passages])
            order = np.argsort(-(sims + overlap))[: self.top_k]
            aligned = [ev.passages[i] for i in order]
            coverage = _coverage(claim, ev)
            best = order[0]
            supports.append(0.5 * float(sims[best]) + 0.5 * coverage)
            same_topic = sims[best] >= self.topic_similarity or overlap[best] >= 0.5
            conflicts += _conflicts(claim, aligned, ev, bool(same_topic))
            gaps += _gaps(claim, ev)
        # Several rules can flag the same words; report each span once, first reason wins.
        return Assessment(min(supports), _dedupe(conflicts), _dedupe(gaps))


def _dedupe(items: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    seen: set[tuple[int, int]] = set()
    out = []
    for reason, span in items:
        if span not in seen:
            seen.add(span)
            out.append((reason, span))
    return out


def _overlap(claim: Passage, evidence: Passage) -> float:
    """Share of the claim's content lemmas found in one evidence sentence (for alignment)."""
    if not claim.content:
        return 0.0
    return sum(t.lemma_.lower() in evidence.lemmas for t in claim.content) / len(claim.content)


def _coverage(claim: Passage, ev: Parsed) -> float:
    """Share of the claim's content words the evidence mentions anywhere (lemma or form)."""
    if not claim.content:
        return 1.0
    found = sum(t.lemma_.lower() in ev.lemmas or t.lower_ in ev.words for t in claim.content)
    return found / len(claim.content)


def _span(tok_or_span: Token | Span) -> tuple[int, int]:
    """Character offsets into the claim text (its Doc is the whole claim)."""
    if hasattr(tok_or_span, "start_char"):
        return (tok_or_span.start_char, tok_or_span.end_char)
    return (tok_or_span.idx, tok_or_span.idx + len(tok_or_span))


def _name_found(name: Span, words: set[str]) -> bool:
    """A name is backed when its distinctive words appear in the evidence (surname suffices)."""
    own = [t.lower_ for t in name if t.is_alpha and not t.is_stop]
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
        if min(value, other) >= 1000 and math.isclose(value, other, rel_tol=0.02):
            return True
    return False


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def _conflicts(
    claim: Passage, aligned: list[Passage], ev: Parsed, same_topic: bool
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


def _number_conflicts(claim: Passage, aligned: list[Passage]) -> list[tuple[str, tuple[int, int]]]:
    """The aligned evidence gives another value for the same thing ("Baldwin, 63" vs "51")."""
    out = []
    aligned_numbers = [(v, u) for p in aligned for v, u, _ in p.numbers]
    for value, unit, tok in claim.numbers:
        units = {u for v, u in aligned_numbers if _number_found(value, [v])}
        if units:
            # The same count of another span of time: "two weeks" vs "two months".
            other = units & _TIME_UNITS - {unit}
            if unit in _TIME_UNITS and other and unit not in units:
                counted = tok.doc[tok.i : max(tok.i, tok.head.i) + 1]
                out.append((f"'{value:g} {unit}' vs '{value:g} {min(other)}'", _span(counted)))
            continue
        rivals = [v for v, u in aligned_numbers if u == unit]
        if rivals:
            out.append((f"number {_fmt(value)} vs {_fmt(rivals[0])}", _span(tok)))
    return out


def _name_conflicts(claim: Passage, aligned: list[Passage]) -> list[tuple[str, tuple[int, int]]]:
    """Another name of the same kind in the same slot of the aligned sentence, and not ours.

    The slot is the name's head word and relation to it ("told *ABC* News" vs "told *CBS*"):
    sentences about one event name many participants, and only a name that takes another's
    place is a swap.  A rival the claim itself also names is a different participant.
    """
    out = []
    aligned_words = set().union(*(p.words for p in aligned))
    for name in claim.names:
        if _name_found(name, aligned_words):
            continue
        rivals = [
            e
            for p in aligned
            for e in p.names
            if e.label_ == name.label_
            and e.root.head.lemma_ == name.root.head.lemma_
            and e.root.dep_ == name.root.dep_
            and not _name_found(e, claim.words)
        ]
        if rivals:
            out.append(
                (
                    f"{name.label_.lower()} '{name.text}' not in evidence; "
                    f"evidence says '{rivals[0].text}'",
                    _span(name),
                )
            )
    return out


def _date_conflicts(
    claim: Passage, aligned: list[Passage], ev: Parsed
) -> list[tuple[str, tuple[int, int]]]:
    """A weekday or month the evidence never gives, where the aligned evidence gives another."""
    out = []
    for word, tok in claim.dates.items():
        if word in ev.dates:
            continue
        weekday = word in _WEEKDAYS
        rivals = [t for p in aligned for d, t in p.dates.items() if (d in _WEEKDAYS) == weekday]
        if rivals:
            out.append((f"date '{tok.text}' vs '{rivals[0].text}'", _span(tok)))
    return out


def _polarity_conflicts(
    claim: Passage, aligned: list[Passage]
) -> list[tuple[str, tuple[int, int]]]:
    """The same predicate negated on one side only, or replaced by its opposite.

    A negation mismatch needs the two predicates to share an argument ("did not pull the
    *trigger*" vs "pulled the *trigger*"), and a claim that both asserts and denies the
    predicate (different clauses) is left alone; opposites must face each other in the aligned
    evidence sentences, outside names ("new" in "New York" opposes nothing).
    """
    out = []
    facing = set().union(*(p.plain_lemmas for p in aligned))
    for tok in claim.content:
        lemma = tok.lemma_.lower()
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
                out.append((reason, _span(tok)))
        if tok.ent_type_ in _NAME_LABELS:
            continue
        # A claim that holds both words of a pair ("on the high *end* ... to *start* at")
        # opposes nothing by using one of them.
        opposite = (_opposites(lemma, tok.pos_) & facing) - claim.plain_lemmas
        if opposite and lemma not in facing:
            out.append((f"antonym: '{tok.text}' vs '{min(opposite)}'", _span(tok)))
    return out


def _fact_conflicts(claim: Passage, ev: Parsed) -> list[tuple[str, tuple[int, int]]]:
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


def _opposites(lemma: str, pos: str) -> set[str]:
    """Listed antonyms, plus negative-prefix forms of adjectives and adverbs ("inefficient" vs
    "efficient"); verbs and nouns are left out, where prefixes rarely negate ("inform")."""
    out = set(ANTONYMS.get(lemma, ()))
    if pos not in {"ADJ", "ADV"}:
        return out
    for prefix in _NEGATIVE_PREFIXES:
        if lemma.startswith(prefix) and len(lemma) - len(prefix) >= 4:
            out.add(lemma[len(prefix) :].lstrip("-"))
        out.add(prefix + lemma)
    return out


def _gaps(claim: Passage, ev: Parsed) -> list[tuple[str, tuple[int, int]]]:
    """Specifics of the claim that the evidence never mentions (no conflict, just no backing)."""
    out: list[tuple[str, tuple[int, int]]] = []
    for value, _, tok in claim.numbers:
        if not _number_found(value, ev.numbers):
            out.append((f"number {_fmt(value)} not in evidence", _span(tok)))
    for name in claim.names:
        if not _name_found(name, ev.words):
            out.append((f"{name.label_.lower()} '{name.text}' not in evidence", _span(name)))
    # A proper noun the tagger left untagged ("the Falcons and the Saints") is a name too.
    for tok in claim.content:
        untagged = tok.pos_ == "PROPN" and not tok.ent_type_ and tok.i != tok.sent.start
        if untagged and not {tok.lower_, tok.lower_.rstrip("s")} & ev.words:
            out.append((f"name '{tok.text}' not in evidence", _span(tok)))
    for word, tok in claim.dates.items():
        if word not in ev.dates:
            out.append((f"date '{tok.text}' not in evidence", _span(tok)))
    # A word that sets the claim's reach (``_SCOPE_WORDS``) must be the evidence's word too.
    for tok in claim.scope:
        if tok.lower_ not in ev.words:
            out.append((f"evidence does not say '{tok.text}'", _span(tok)))
    # Codes name one thing exactly (a quarter, a model, a variant): another is another thing.
    for tok in claim.codes:
        if tok.lower_ not in ev.words:
            out.append((f"'{tok.text}' not in evidence", _span(tok)))
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
                out.append((f"evidence {says} '{tok.text} {obj}'", _span(tok)))
    # The same thing denied in other words ("no casualties were *reported*" / "*stated*")
    # backs it too.
    for tok in claim.denials:
        if tok.lemma_.lower() not in ev.negated and not _about(tok) & ev.denied_about:
            out.append((f"evidence does not deny '{tok.text}'", _span(tok)))
    return out


@lru_cache(maxsize=1)
def _default_checker() -> Checker:
    """The decision layer over these rules (it imports this module, hence the late import):
    the rules alone said "supports" too easily on text they were not tuned on (issue #16)."""
    from pressdiff.claims.support import SupportChecker

    return SupportChecker()


def check(evidence: str, claim: str, checker: Checker | None = None) -> CheckResult:
    """Judge whether ``evidence`` supports, contradicts, or does not settle ``claim``.

    >>> check("Baldwin, 63, spoke to ABC News.", "The 63-year-old Baldwin spoke to ABC.").label
    'supports'
    """
    return (checker or _default_checker()).check(evidence, claim)
