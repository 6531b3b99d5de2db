"""Who is who in a story: full names, roles and pronoun gender of the people mentioned.

Quote attribution names a speaker the way the sentence does ("Baldwin",
"he", "the actor").  To compare speakers across outlets those references
must become one name, and the story's other articles often say what one
article leaves out: one outlet writes "ABC anchor George Stephanopoulos",
another only "the anchor".  :class:`People` gathers that knowledge from every
article of a story (or from one text when used outside a story).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
PERSONAL_PRONOUNS = MALE | FEMALE | {"they", "them", "i", "we", "you"}
# "I said" outside quotation marks in a news story is a quote whose marks were lost
# (or the reporter): either way the pronoun names nobody the reader can look up.
# Nor does "it" (“I am still Sanders,” it read): the sign, ad or statement speaks,
# and its name is no person's.
_SPEAKERS_UNNAMED = frozenset({"i", "me", "we", "us", "you", "it"})
# Honorifics only tell gender; they are never part of the name we report.
_HONORIFIC_GENDER = {"mr": MALE, "mrs": FEMALE, "ms": FEMALE, "miss": FEMALE}


def _person_ents(doc: Doc) -> list[Span]:
    return [e for e in doc.ents if e.label_ == "PERSON" and any(t.is_alpha for t in e)]


def entity_of(tok: Token) -> Span | None:
    """The named entity ``tok`` belongs to, the same span ``doc.ents`` holds.

    Found from the token's own IOB tags rather than by a search of ``doc.ents``,
    which builds every entity of the text on each call: looking up one speaker
    must not cost the length of the article, or an article of many quotes takes
    time quadratic in its quotes."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    first = doc[start]
    if first.ent_iob_ != "B" or not first.ent_type_:
        return None
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=first.ent_type, kb_id=first.ent_kb_id, span_id=first.ent_id)


def _clean_name(ent: Span) -> str:
    words = [
        t.text for t in ent if not (t.is_punct or t.text.lower().rstrip(".") in _HONORIFIC_GENDER)
    ]
    name = " ".join(words)
    return name.removesuffix("'s").removesuffix("’s").strip()


class People:
    """Name, role and gender knowledge collected from one or more parsed texts."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self._full_names: dict[str, Counter[str]] = defaultdict(Counter)
        self._roles: dict[str, Counter[str]] = defaultdict(Counter)
        self._gender: dict[str, Counter[str]] = defaultdict(Counter)
        self._indexes: dict[int, tuple[Doc, _Index]] = {}
        for doc in docs:
            self._learn(doc)

    def _learn(self, doc: Doc) -> None:
        ents = _person_ents(doc)
        for ent in ents:
            name = _clean_name(ent)
            if not name:
                continue
            words = name.split()
            self._full_names[words[-1].lower()][name] += len(words)
            self._learn_roles(ent, name)
            honorific = ent.doc[ent.start - 1].text.lower().rstrip(".") if ent.start else ""
            if honorific in _HONORIFIC_GENDER:
                self._gender[name]["m" if _HONORIFIC_GENDER[honorific] is MALE else "f"] += 3
        by_sentence: dict[tuple[int, int], list[Span]] = defaultdict(list)
        for ent in ents:
            by_sentence[ent.sent.start, ent.sent.end].append(ent)
        for sent in doc.sents:
            people = {self.full_name(_clean_name(e)) for e in by_sentence[sent.start, sent.end]}
            if len(people) != 1:
                continue
            (person,) = people
            for tok in sent:
                low = tok.lower_
                if low in MALE:
                    self._gender[person]["m"] += 1
                elif low in FEMALE:
                    self._gender[person]["f"] += 1

    def _learn_roles(self, ent: Span, name: str) -> None:
        """Role nouns written next to a name: "anchor George Stephanopoulos",
        "Joel Souza, the film's director"."""
        doc = ent.doc
        i = ent.start - 1
        while i >= 0 and doc[i].pos_ in ("NOUN", "PROPN") and doc[i].ent_type_ != "PERSON":
            if doc[i].pos_ == "NOUN" or not doc[i].ent_type_:
                self._roles[doc[i].lemma_.lower()][name] += 1
            i -= 1
        for tok in ent.root.children:
            if tok.dep_ == "appos" and tok.pos_ == "NOUN":
                self._roles[tok.lemma_.lower()][name] += 1
        if ent.root.dep_ == "appos" and ent.root.head.pos_ == "NOUN":
            self._roles[ent.root.head.lemma_.lower()][name] += 1

    def full_name(self, name: str) -> str:
        """The fullest form of ``name`` the story uses ("Baldwin" -> "Alec Baldwin")."""
        words = name.split()
        if not words:
            return name
        candidates = self._full_names.get(words[-1].lower())
        if not candidates:
            return name
        fitting = [(n, c) for n, c in candidates.items() if set(words) <= set(n.split())]
        if not fitting:
            return name
        return max(fitting, key=lambda nc: (nc[1], len(nc[0])))[0]

    def by_role(self, role_lemma: str) -> str | None:
        """The person the story calls by this role ("anchor"), if only one stands out."""
        counts = self._roles.get(role_lemma.lower())
        if not counts:
            return None
        (best, n), *rest = [*counts.most_common(2), ("", 0)]
        return self.full_name(best) if n > rest[0][1] else None

    def compatible(self, name: str, pronoun: str) -> bool:
        """False only when what we know of ``name``'s pronouns contradicts ``pronoun``."""
        low = pronoun.lower()
        votes = self._gender.get(self.full_name(name))
        if not votes or low not in MALE | FEMALE:
            return True
        want, other = ("m", "f") if low in MALE else ("f", "m")
        return votes[want] >= votes[other]

    def resolve(self, speaker: Span, inside_quote: list[bool]) -> str | None:
        """The name a speaker reference stands for.

        Names become their fullest form; a pronoun or a role ("the actor")
        becomes the nearest earlier compatible person mention outside quotes.
        First- and second-person pronouns ("I", "we", "you") and "it" (a sign, an
        ad, a statement) stand for no name: None, never the pronoun itself as if
        it were one.
        """
        doc = speaker.doc
        root = speaker.root
        if root.lower_ == "who" and root.head.dep_ == "relcl":
            root = root.head.head  # "Sanders, who said …" speaks for Sanders
            speaker = doc[root.i : root.i + 1]
        ent = _person_entity(root)
        if ent is not None:
            return self.full_name(_clean_name(ent))
        low = root.lower_
        if low in _SPEAKERS_UNNAMED:
            return None
        if root.pos_ == "PRON" and low in PERSONAL_PRONOUNS:
            if low in ("they", "them"):
                return root.text
            found = self._nearest_person(doc, speaker.start, low, inside_quote)
            return found or root.text
        if root.pos_ == "NOUN" and any(t.dep_ == "det" and t.lower_ == "the" for t in root.lefts):
            named = self.by_role(root.lemma_)
            if named:
                return named
            found = self._nearest_person(doc, speaker.start, "", inside_quote)
            if found and root.lemma_.lower() in self._roles:
                return found
        return speaker.text

    def _index(self, doc: Doc) -> _Index:
        """The person mentions and sentence starts of ``doc``, found once per text.

        What counts as a mention depends on the names learnt from every text,
        which are all known once the constructor has run."""
        key = id(doc)
        if key not in self._indexes:  # the Doc is kept with its index, so its id stays its own
            self._indexes[key] = (doc, _Index.of(doc, self._mentions(doc)))
        return self._indexes[key][1]

    def _mentions(self, doc: Doc) -> list[Span]:
        """Person mentions in ``doc``: PERSON entities, and proper nouns the story uses
        elsewhere as a person's surname (the tagger calls "Kasich" a place in one
        sentence and a person in the next; the pronoun after it still means him)."""
        ents = _person_ents(doc)
        covered = {i for e in ents for i in range(e.start, e.end)}
        known = [
            doc[t.i : t.i + 1]
            for t in doc
            if t.pos_ == "PROPN" and t.i not in covered and t.lower_ in self._full_names
        ]
        return sorted(ents + known, key=lambda span: span.start)

    def _nearest_person(
        self, doc: Doc, before: int, pronoun: str, inside: list[bool]
    ) -> str | None:
        """The nearest earlier compatible person; a sentence subject within the last
        three sentences wins over a nearer mention in an object position, since a
        pronoun subject usually continues the previous subject.

        The mentions are walked back from ``before`` only as far as the answer
        needs, so one pronoun costs the sentences it looks at, not the article."""
        index = self._index(doc)
        starts = index.sentence_starts
        earlier = bisect_left(starts, before)  # the sentences that start before ``before``
        horizon = starts[max(0, earlier - 4)] if earlier else 0
        nearest: str | None = None
        for i in range(bisect_right(index.mention_ends, before) - 1, -1, -1):
            ent = index.mentions[i]
            if inside[ent.start]:
                continue
            name = self.full_name(_clean_name(ent))
            if pronoun and not self.compatible(name, pronoun):
                continue
            if nearest is None:
                nearest = name
            if ent.start < horizon:
                break
            if ent.root.dep_ in ("nsubj", "nsubjpass"):
                return name
        return nearest


@dataclass(frozen=True)
class _Index:
    """Person mentions of one text in order (they never overlap, so their ends
    are in order too) and the start token of each sentence, for bisecting."""

    mentions: list[Span]
    mention_ends: list[int]
    sentence_starts: list[int]

    @classmethod
    def of(cls, doc: Doc, mentions: list[Span]) -> _Index:
        ends = [m.end for m in mentions]
        return cls(mentions, ends, [s.start for s in doc.sents])


def _person_entity(tok: Token) -> Span | None:
    return entity_of(tok) if tok.ent_type_ == "PERSON" else None
