"""Structured facts: the (entity, attribute, value) triples that rewrites most often get wrong.

A careless or machine rewrite keeps the gist of a sentence and breaks one slot: the victim
becomes the "head electrician", the TV interview a "radio interview", the injured director
"killed", the actor "married to" the woman he shot.  Comparing whole sentences misses these
when the broken sentence has no close twin elsewhere; comparing slots catches them anywhere
in the story.  So each claim yields facts about *story-level entities*: names are resolved to
one canonical form across all articles ("Baldwin" -> "Alec Baldwin", "Halyna" -> "Halyna
Hutchins") and possessive pronouns to the person the article is talking about, so that
"His wife, Hilaria Baldwin" in one outlet and "Baldwin was then married to Hutchins" in
another fill the same (Alec Baldwin, spouse) slot.

Attributes and what makes two values conflict (see :func:`conflicts`):

* ``role``: a job from :data:`ROLES`; synonyms share a value ("director of photography" is
  "cinematographer"); a person may hold several compatible roles (actor and producer).
* ``age``: an integer; ``spouse``, ``child``: a canonical person name.
* ``outcome``: ``killed`` or ``injured`` (released from hospital counts as injured).
* ``medium``: of an interview or broadcast (``tv``, ``radio``, ``podcast``, ``phone``, ``print``).
* ``weapon``: ``toy`` conflicts with a real or prop gun; a handgun with a long gun.
* ``count``, ``date``, ``negation``: recorded for display and pairwise checks; they are not
  compared across the story, because two sentences rarely count the same thing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pressdiff import nlp
from pressdiff.config import settings
from pressdiff.lexicon import (
    CHILD_WORDS,
    COMPATIBLE_ROLES,
    GUN_NOUNS,
    INJURED,
    KILLED,
    MEDIA,
    MEDIUM_NOUNS,
    MONTHS,
    NUMBER_WORDS,
    ROLES,
    SPOUSE_WORDS,
    WEAPON_CLASHES,
    WEAPONS,
    WEEKDAYS,
)
from pressdiff.model import Article

if TYPE_CHECKING:
    from spacy.tokens import Token

    from pressdiff.claims.extract import Claim


@dataclass(frozen=True)
class Fact:
    """A slot filled by one claim; ``start``/``end`` cover the words that state the value."""

    article_id: str
    claim_id: str
    entity: str
    attribute: str
    value: str
    start: int
    end: int
    text: str
    # The entity or value came from resolving a pronoun ("his wife"): a guess, so the fact is
    # flagged only in an article that has already proved unreliable.
    resolved: bool = False


_MEDIUM_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, MEDIA), key=len, reverse=True)) + r")"
    r"\s+(?:[\w-]+\s+)?(" + "|".join(MEDIUM_NOUNS) + r")\b",
    re.IGNORECASE,
)
# A toy or prop kind names a weapon only before a gun word ("toy gun", "replica pistol");
# the other kinds are weapons on their own.
_WEAPON_RE = re.compile(
    r"\b(?:("
    + "|".join(w for w, kind in WEAPONS.items() if kind in {"toy", "prop"})
    + r")\s+(?:"
    + "|".join(GUN_NOUNS)
    + r")s?|("
    + "|".join(w for w, kind in WEAPONS.items() if kind not in {"toy", "prop"})
    + r")s?)\b",
    re.IGNORECASE,
)
# The entity of a fact whose words name no one: compared only between twin sentences.
UNATTACHED = ""
_CONTRACTED_NOT = frozenset({"n't", "n’t"})
_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "they", "their", "them"}
_FIRST_PERSON = {"i", "me", "my", "mine"}


# --------------------------------------------------------------------------------------------
# Names across the story
# --------------------------------------------------------------------------------------------


_GLUED = re.compile(r"[a-z]{3,}[A-Z]")


def _name_words(text: str) -> list[str]:
    text = re.sub(r"['’]s?$", "", text.strip())
    return [w for w in re.split(r"\s+", text) if w and w[0].isupper()]


class NameIndex:
    """Canonical person names for one story.

    Full names ("Alec Baldwin") are canonical; a lone surname or first name resolves to the
    most frequent full name that ends or starts with it, with fuzzy matching for the
    misspellings rewrites introduce ("Stephanopoulous").
    """

    def __init__(self, articles: Iterable[Article]) -> None:
        counts: Counter[str] = Counter()
        for article in articles:
            for ent in article.entities:
                if ent.label == "PERSON":
                    words = _name_words(ent.text)
                    if 2 <= len(words) <= 4:
                        counts[" ".join(words)] += 1
        self.full = counts
        # Every word of a known full name: ``knows`` is asked for each capitalised word of
        # each claim, a scan of all the names each time.
        self._words = frozenset(w for f in counts for w in f.split())

    def canonical(self, text: str) -> str | None:
        words = _name_words(text)
        # Words glued by a scraper ("StephanopoulosGeorge") are debris, not a name.
        if not words or any(_GLUED.search(w) for w in words):
            return None
        cfg = settings().claims
        if len(words) >= 2:
            joined = " ".join(words)
            return (
                # "Weepy Alec Baldwin": a known full name at the end of a longer one.
                self._best(lambda f: f == joined or joined.endswith(" " + f))
                or self._best(lambda f: fuzz.ratio(f, joined) >= cfg.full_name_ratio)
                or joined
            )
        word = words[0]
        return (
            self._best(lambda f: f.split()[-1] == word)
            or self._best(lambda f: f.split()[0] == word)
            or self._best(lambda f: fuzz.ratio(f.split()[-1], word) >= cfg.name_word_ratio)
            or word
        )

    def _best(self, keep) -> str | None:
        matches = [(n, f) for f, n in self.full.items() if keep(f)]
        return max(matches)[1] if matches else None

    def knows(self, word: str) -> bool:
        """Whether a capitalised word is part of a known person's name (tagger misses)."""
        return word in self._words


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------


class _Context:
    """Per-article state: offsets of the current claim and recently mentioned people."""

    def __init__(self, article: Article, names: NameIndex) -> None:
        self.article = article
        self.names = names
        self.mentions: Counter[str] = Counter()
        self.recent: list[list[str]] = []
        self.claim: Claim | None = None
        self.base = 0

    def fact(
        self, entity: str, attribute: str, value: str, start: int, end: int, resolved: bool = False
    ) -> Fact:
        a, b = self.base + start, self.base + end
        assert self.claim is not None
        return Fact(
            self.article.id, self.claim.id, entity, attribute, value, a, b,
            self.article.text[a:b], resolved,
        )  # fmt: skip

    def resolve_pronoun(self, tok: Token, persons: dict, exclude: set[str]) -> str | None:
        """The person a he/she/his/her most likely means: the nearest person named before it
        in the same claim, else the article's most talked-about person among those named in
        the last few claims; never a person the pronoun's own phrase names ("Hutchins was his
        husband": "his" is not Hutchins)."""
        before = [persons[i][0] for i in sorted(persons) if i < tok.i]
        before = [p for p in before if p not in exclude]
        if before:
            return before[-1]
        recent = self.recent[-settings().claims.pronoun_window :]
        window = {p for names in recent for p in names} - exclude
        if not window:
            return None
        return max(window, key=lambda p: (self.mentions[p], p))


def _persons(span: Span, ctx: _Context) -> dict[int, tuple[str, int, int]]:
    """Token index -> (canonical name, first token, end token) for each person mention."""
    out: dict[int, tuple[str, int, int]] = {}
    for ent in span.ents:
        words = _name_words(ent.text)
        if ent.label_ == "PERSON" or (
            ent.label_ in {"ORG", "GPE"} and words and ctx.names.knows(words[-1])
        ):
            name = ctx.names.canonical(ent.text)
            if name:
                for tok in ent:
                    out[tok.i] = (name, ent.start, ent.end)
    for tok in span:
        if tok.i not in out and tok.pos_ == "PROPN" and ctx.names.knows(tok.text):
            name = ctx.names.canonical(tok.text)
            if name:
                out[tok.i] = (name, tok.i, tok.i + 1)
    return out


def _who(
    tok: Token, persons: dict, ctx: _Context, speaker: str | None, near: set[str]
) -> tuple[str, bool]:
    """The person a token names or refers to ("" when it is neither), and whether it took
    resolving a pronoun to know."""
    if tok.i in persons:
        return persons[tok.i][0], False
    for child in tok.children:
        if child.dep_ == "compound" and child.i in persons:
            return persons[child.i][0], False
    low = tok.lower_
    if low in _FIRST_PERSON:
        return speaker or "", True
    if low in _PRONOUNS:
        return ctx.resolve_pronoun(tok, persons, near) or "", True
    return "", False


@lru_cache(maxsize=1)
def _role_matcher() -> PhraseMatcher:
    vocab = nlp.spacy_model().vocab
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for phrase in ROLES:
        matcher.add(phrase, [Doc(vocab, words=phrase.split())])
    return matcher


def _role_matches(span: Span) -> list[tuple[int, int, str]]:
    """(first token, end token, canonical role) for each role phrase ending in a noun, the
    longest where they overlap ("director of photography" is not "director")."""
    doc = span.doc
    found = [
        Span(doc, start, end, label=match_id)
        for match_id, start, end in _role_matcher()(span)
        if doc[end - 1].pos_ in {"NOUN", "PROPN"}
    ]
    return [(m.start, m.end, ROLES[m.label_]) for m in filter_spans(found)]


def _roles(span: Span, persons: dict, ctx: _Context) -> list[Fact]:
    """Role phrases glued to a name: "director Joel Souza", "Souza, the film's director",
    "the film's armorer, Hannah Gutierrez-Reed", "Dave Halls, who was an assistant director"."""
    doc = span.doc
    facts = []
    for first, end, role in _role_matches(span):
        who = ""
        if end < span.end and end in persons:  # role right before the name
            who = persons[end][0]
        elif end + 1 < span.end and doc[end].text == "," and end + 1 in persons:
            who = persons[end + 1][0]
        else:  # "Name, [who was] the [film's] role": walk left over the appositive
            j = first - 1
            steps = 0
            reach = settings().claims.appositive_reach
            while j >= span.start and steps < reach and doc[j].i not in persons:
                if doc[j].text in {".", ";", ":"} or doc[j].pos_ == "VERB":
                    break
                steps += 1
                j -= 1
            bridge = {t.lower_ for t in doc[j + 1 : first]}
            if j >= span.start and j in persons and ("," in bridge or "who" in bridge):
                who = persons[j][0]
            elif j >= span.start and j in persons:
                head = doc[first:end].root
                if head.dep_ == "attr" and any(
                    c.i == j or c.i in range(persons[j][1], persons[j][2])
                    for c in head.head.children
                    if c.dep_ in {"nsubj", "nsubjpass"}
                ):
                    who = persons[j][0]
        # A role with no name beside it ("a hospital spokesman said") is kept unattached:
        # it is compared with its twin sentence elsewhere, never across the story.
        end_char = doc[end - 1].idx + len(doc[end - 1])
        facts.append(ctx.fact(who or UNATTACHED, "role", role, doc[first].idx, end_char))
    return facts


def _ages(span: Span, persons: dict, ctx: _Context) -> list[Fact]:
    """Ages next to a name: "Baldwin, 63,", "Baldwin (63)", "Seth Kenney, a 51-year-old"."""
    doc = span.doc
    facts = []
    ends = {p[2]: p[0] for p in persons.values()}
    for tok in span:
        if not tok.like_num or not tok.text.isdigit() or not 0 < int(tok.text) < 120:
            continue
        nxt = doc[tok.i + 1 : tok.i + 5].text.replace(" ", "").lower()
        prev = doc[tok.i - 1].text if tok.i > span.start else ""
        who = ""
        if nxt.startswith("-year-old") or nxt.startswith("yearsold"):
            back = [ends[k] for k in ends if tok.i - 4 <= k <= tok.i]
            ahead = [
                persons[k][0] for k in range(tok.i + 5, min(span.end, tok.i + 9)) if k in persons
            ]
            who = back[-1] if back else (ahead[0] if ahead else "")
        elif (
            prev in {",", "("}
            and tok.i in ends.keys() | {k + 1 for k in ends}
            and (tok.i + 1 >= span.end or doc[tok.i + 1].text in {",", ")", "."})
        ):
            who = ends.get(tok.i - 1, "")
        if who:
            facts.append(ctx.fact(who, "age", tok.text, tok.idx, tok.idx + len(tok)))
    return facts


def _relations(span: Span, persons: dict, ctx: _Context, speaker: str | None) -> list[Fact]:
    """Spouse and child: "His wife, Hilaria Baldwin", "X was married to Y", "Y was his
    husband and son"."""
    facts = []
    for tok in span:
        lemma = tok.lemma_.lower()
        if lemma in {"marry", "married"} and tok.pos_ in {"VERB", "ADJ", "AUX"}:
            subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is None and tok.head.lemma_ == "be":
                subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            to = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if subj is not None and obj is not None:
                b, rb = _who(obj, persons, ctx, speaker, set())
                a, ra = _who(subj, persons, ctx, speaker, {b})
                if a and b and a != b:
                    end = obj.idx + len(obj)
                    facts.append(ctx.fact(a, "spouse", b, tok.idx, end, ra or rb))
                    facts.append(ctx.fact(b, "spouse", a, tok.idx, end, ra or rb))
            continue
        if lemma not in SPOUSE_WORDS | CHILD_WORDS:
            continue
        attribute = "spouse" if lemma in SPOUSE_WORDS else "child"
        head_rel = (
            tok.head
            if tok.dep_ == "conj" and tok.head.lemma_ in SPOUSE_WORDS | CHILD_WORDS
            else tok
        )
        owner_tok = next((c for c in head_rel.children if c.dep_ == "poss"), None)
        relative_tok = next((c for c in tok.children if c.dep_ == "appos"), None)
        if relative_tok is None and head_rel.dep_ == "appos":
            relative_tok = head_rel.head
        if relative_tok is None and head_rel.dep_ == "attr":
            relative_tok = next(
                (c for c in head_rel.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None
            )
        if owner_tok is None or relative_tok is None:
            continue
        relative, r1 = _who(relative_tok, persons, ctx, speaker, set())
        owner, r2 = _who(owner_tok, persons, ctx, speaker, {relative})
        if owner and relative and owner != relative:
            end = tok.idx + len(tok)
            facts.append(ctx.fact(owner, attribute, relative, tok.idx, end, r1 or r2))
            if attribute == "spouse":
                facts.append(ctx.fact(relative, "spouse", owner, tok.idx, end, r1 or r2))
    return facts


def _patients(verb: Token) -> list[Token]:
    """Who undergoes an outcome verb: passive subject, object, or the noun a relative clause
    hangs on, each with its coordinated partners ("Hutchins and Souza")."""
    passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children) or (
        verb.dep_ == "conj" and any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.head.children)
    )
    if verb.lemma_.lower() == "die":
        roots = [c for c in verb.children if c.dep_ == "nsubj"]
    elif passive:
        roots = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if not roots and verb.dep_ == "conj":
            roots = [c for c in verb.head.children if c.dep_ == "nsubjpass"]
        if verb.dep_ == "relcl" and all(r.lower_ in {"who", "that", "which"} for r in roots):
            roots = [verb.head, *_plural_partners(verb)]
    else:
        roots = [c for c in verb.children if c.dep_ == "dobj"]
    out = []
    for r in roots:
        out.append(r)
        for c in r.subtree:
            # A partner with its own outcome word ("and injuring director Joel Souza") is not
            # a patient of this verb.
            own = any(t.lemma_.lower() in KILLED | INJURED for t in c.subtree if t != c)
            if c.dep_ == "conj" and c.head.i in {x.i for x in out} and not own:
                out.append(c)
    return out


def _plural_partners(relcl: Token) -> list[Token]:
    """The noun joined by "and" just before a singular noun that a plural relative clause
    hangs on: in "the Souza family, and Hutchins, who were also killed" the plural "were"
    says both were killed, though the parser hangs the clause on "Hutchins" alone and often
    misattaches the coordination (so the surface words decide, not the conj arc)."""
    plural = any(
        c.dep_ in {"aux", "auxpass"} and c.lower_ in {"were", "are"} for c in relcl.children
    )
    antecedent = relcl.head
    if not plural or antecedent.tag_ not in {"NN", "NNP"}:
        return []
    doc, i, joined = antecedent.doc, antecedent.left_edge.i - 1, False
    while i >= 0 and (doc[i].is_punct or doc[i].lower_ == "and"):
        joined = joined or doc[i].lower_ == "and"
        i -= 1
    if not joined or i < 0 or doc[i].pos_ not in {"NOUN", "PROPN"}:
        return []
    return [doc[i]]


def _outcomes(span: Span, persons: dict, ctx: _Context, speaker: str | None) -> list[Fact]:
    """Killed or injured: "killing Hutchins and injuring director Joel Souza", "Souza was
    treated and released", "Hutchins is dead", "the death of Hutchins"."""
    facts = []
    for tok in span:
        lemma = tok.lemma_.lower()
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        if lemma in KILLED | INJURED and tok.pos_ == "VERB":
            value = "killed" if lemma in KILLED else "injured"
            patients = _patients(tok)
        elif lemma == "release" and (
            any(c.lower_ == "hospital" for c in tok.subtree)
            or (tok.dep_ == "conj" and tok.head.lemma_.lower() == "treat")
        ):
            # "released from hospital", "treated and released": hurt, and alive.
            value, patients = "injured", _patients(tok)
        elif lemma == "dead" and tok.dep_ == "acomp":
            value = "killed"
            patients = [c for c in tok.head.children if c.dep_ == "nsubj"]
        elif lemma == "death":
            value = "killed"
            patients = [c for c in tok.children if c.dep_ == "poss"] + [
                g for c in tok.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"
            ]
        else:
            continue
        named = [w for w in (_patient_name(p, persons) or _patient_group(p) for p in patients) if w]
        for who in named or [UNATTACHED]:
            facts.append(ctx.fact(who, "outcome", value, tok.idx, tok.idx + len(tok)))
    return facts


def _patient_name(tok: Token, persons: dict) -> str:
    """The person a patient token names, directly or through its compound ("director Souza")."""
    if tok.i in persons:
        return persons[tok.i][0]
    return next(
        (persons[c.i][0] for c in tok.children if c.dep_ == "compound" and c.i in persons), ""
    )


def _patient_group(tok: Token) -> str:
    """A counted group as a patient ("two firefighters" -> "2 firefighter(s)"): outlets that
    count the same victims name them the same way, so the group is a story-level entity."""
    if tok.pos_ != "NOUN":
        return ""
    for child in tok.children:
        if child.dep_ == "nummod":
            count = NUMBER_WORDS.get(child.lower_, child.text.replace(",", ""))
            return f"{count} {tok.lemma_.lower()}(s)"
    return ""


def _regex_facts(span: Span, ctx: _Context) -> list[Fact]:
    """Medium of the interview and kind of weapon: closed vocabularies next to a fixed noun."""
    facts = []
    text, offset = span.text, span.start_char
    for m in _MEDIUM_RE.finditer(text):
        facts.append(
            ctx.fact(m.group(2).lower(), "medium", MEDIA[m.group(1).lower()],
                     offset + m.start(1), offset + m.end(1))
        )  # fmt: skip
    for m in _WEAPON_RE.finditer(text):
        word = (m.group(1) or m.group(2)).lower()
        facts.append(
            ctx.fact("weapon", "weapon", WEAPONS[word], offset + m.start(), offset + m.end())
        )
    return facts


def _normal_date(text: str) -> str | None:
    low = text.lower()
    for day in WEEKDAYS:
        if day in low:
            return day
    m = re.search(r"\b([a-z]{3,9})\.?\s+(\d{1,2})\b", low)
    if m and m.group(1) in MONTHS:
        return f"{MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", low)
    return m.group(1) if m else None


def _counts_dates_negation(span: Span, persons: dict, ctx: _Context) -> list[Fact]:
    facts = []
    for ent in span.ents:
        if ent.label_ in {"DATE", "TIME"} and (value := _normal_date(ent.text)):
            anchor = ent.root.head.lemma_.lower()
            facts.append(ctx.fact(anchor, "date", value, ent.start_char, ent.end_char))
    for tok in span:
        if tok.dep_ == "nummod" and tok.ent_type_ not in {"DATE", "TIME"}:
            value = NUMBER_WORDS.get(tok.lower_, tok.text.replace(",", ""))
            facts.append(
                ctx.fact(
                    tok.head.lemma_.lower(),
                    "count",
                    str(value),
                    tok.idx,
                    tok.head.idx + len(tok.head),
                )
            )
        # A contraction with a curly apostrophe ("isn’t") often leaves "n’t" mis-tagged
        # (a noun, "punct"): it negates its head all the same.
        if tok.dep_ == "neg" or tok.lower_ in _CONTRACTED_NOT:
            verb = tok.head
            subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            who = (persons.get(subj.i, (subj.lemma_.lower(),))[0]) if subj is not None else ""
            facts.append(
                ctx.fact(
                    who or verb.lemma_.lower(),
                    "negation",
                    verb.lemma_.lower(),
                    tok.idx,
                    verb.idx + len(verb),
                )
            )
    return facts


def extract_facts(
    article: Article, parsed: list[tuple[Claim, Span]], names: NameIndex
) -> list[Fact]:
    """Fill ``claim.facts`` for each claim of one article and return all its facts."""
    ctx = _Context(article, names)
    out: list[Fact] = []
    for claim, span in parsed:
        lead = len(span.text) - len(span.text.lstrip())
        ctx.claim, ctx.base = claim, claim.start - span.start_char - lead
        persons = _persons(span, ctx)
        speaker = names.canonical(claim.speaker) if claim.speaker else None
        facts = (
            _roles(span, persons, ctx)
            + _ages(span, persons, ctx)
            + _relations(span, persons, ctx, speaker)
            + _outcomes(span, persons, ctx, speaker)
            + _regex_facts(span, ctx)
            + _counts_dates_negation(span, persons, ctx)
        )
        claim.facts = facts
        out.extend(facts)
        mentioned = [p[0] for p in persons.values()]
        ctx.mentions.update(dict.fromkeys(mentioned, 1))
        ctx.recent.append(list(dict.fromkeys(mentioned)))
    return out


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------

COMPARED = frozenset({"role", "age", "spouse", "child", "outcome", "medium", "weapon"})


def conflicts(attribute: str, a: str, b: str) -> bool:
    """Whether two values of one (entity, attribute) slot cannot both be true."""
    if a == b or attribute not in COMPARED:
        return False
    if attribute == "role":
        return not any(a in group and b in group for group in COMPATIBLE_ROLES)
    if attribute == "weapon":
        return frozenset({a, b}) in WEAPON_CLASHES
    # People have several children: a child is only wrong through another slot.
    return attribute != "child"
