"""Seeded generator of rewritten copies of real FNC-1 stories, with labelled distortions.

A story is a connected group of FNC-1 bodies (bodies linked through headlines they are
*related* to: stance agree, disagree or discuss).  For some articles of a story the generator
writes a copy, as a careless rewrite would: most sentences get harmless rewrites (a synonym,
two sentences swapped, a sentence or an aside dropped) and, in *distorted* copies, one or two
sentences get a factual change of a known kind:

    person   a named person replaced by another person named in the story
    role     a job title replaced by another ("spokesman" -> "lawyer")
    age      "a 34-year-old" -> "a 41-year-old", "Smith, 34," -> "Smith, 41,"
    number   a count changed ("15 bodies" -> "45 bodies")
    date     a weekday or month replaced by another
    negation a negation added ("was" -> "was not") or dropped ("did not" -> "did")
    medium   "TV" <-> "radio"
    outcome  "killed" <-> "injured"
    relation "wife" -> "sister", "son" -> "nephew", ...

Each change is labelled with the offsets of its sentence in the copy, so a contradiction
finding can be scored against it.  The original article stays in the story, so every
distortion has counter-evidence: at least the sentence it was made from.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scipy.cluster.hierarchy import DisjointSet

from pressdiff import nlp

FNC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "fnc1"


@dataclass
class Change:
    kind: str
    start: int  # offsets of the changed sentence in the copy
    end: int
    before: str
    after: str


@dataclass
class Copy:
    id: str
    source_id: str
    text: str
    distorted: bool
    changes: list[Change] = field(default_factory=list)


def fnc_stories(path: Path = FNC) -> list[list[tuple[str, str]]]:
    """FNC-1 stories as lists of (body id, body text), via related headlines.

    Bodies that *disagree* with a headline are left out: they contradict the rest of their
    story on purpose (debunks), so a contradiction found in them is no false alarm, and
    keeping them would blur what the untouched articles' false-alarm rate measures.
    """
    csv.field_size_limit(10_000_000)
    with (path / "train_bodies.csv").open(newline="", encoding="utf-8") as f:
        bodies = {row["Body ID"] if "Body ID" in row else row["Body_ID"]: row["articleBody"]
                  for row in csv.DictReader(f)}  # fmt: skip
    stories = DisjointSet()
    with (path / "train_stances.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    debunks = {r["Body_ID"] for r in rows if r["Stance"] in {"1", "disagree"}}
    for row in rows:
        if row["Stance"] in {"0", "2", "agree", "discuss"} and row["Body_ID"] not in debunks:
            headline = "h:" + row["Headline"]
            stories.add(headline)
            stories.add(row["Body_ID"])
            stories.merge(headline, row["Body_ID"])
    groups: dict[str, list[str]] = defaultdict(list)
    for body_id in bodies:
        if body_id in stories:
            groups[stories[body_id]].append(body_id)
    return [[(b, bodies[b]) for b in sorted(g, key=int)] for g in groups.values()]


# --------------------------------------------------------------------------------------------
# Distortions: each takes a parsed sentence and the story's people, returns new text or None.
# --------------------------------------------------------------------------------------------

_ROLES = ["spokesman", "lawyer", "president", "director", "minister", "senator", "governor",
          "mayor", "doctor", "teacher", "student", "actor", "singer", "captain", "coach",
          "reporter", "producer", "manager", "chief executive", "officer"]  # fmt: skip
_ROLE_RE = re.compile(r"\b(" + "|".join(_ROLES) + r")\b")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September",
           "October", "November", "December"]  # fmt: skip
_DATE_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS + _MONTHS) + r")\b")
_AGE_RE = re.compile(r"\b(\d{1,2})(-year-old\b)|(, )(\d{1,2})(,)")
_NEG_ADD_RE = re.compile(r"\b(is|was|are|were|has|had|will|can|could|would|did|does)\b(?! not)")
_NEG_DROP = [(re.compile(r"\b(did|does|do|is|was|are|were|has|had|could|would)n['’]t\b"), r"\1"),
             (re.compile(r"\b(did|does|do|is|was|are|were|has|had|will|could|would) not\b"), r"\1"),
             (re.compile(r"\bnever\s+"), "")]  # fmt: skip
_SWAPS = {
    "medium": {"TV": "radio", "television": "radio", "radio": "TV"},
    "outcome": {"killed": "injured", "injured": "killed", "wounded": "killed", "dead": "injured"},
    "relation": {"wife": "sister", "husband": "brother", "son": "nephew", "daughter": "niece",
                 "mother": "aunt", "father": "uncle", "brother": "cousin"},
}  # fmt: skip


def _swap_words(kind: str) -> Callable:
    table = _SWAPS[kind]
    pattern = re.compile(r"\b(" + "|".join(table) + r")\b")

    def apply(sent, rng, people):
        m = pattern.search(sent.text)
        if not m:
            return None
        return sent.text[: m.start()] + table[m.group(1)] + sent.text[m.end() :]

    return apply


def _looks_like_name(text: str) -> bool:
    """Two or three capitalised words and nothing else: the tagger's PERSON label is noisy."""
    words = text.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)


def _person(sent, rng, people):
    names = [e for e in sent.ents if e.label_ == "PERSON" and _looks_like_name(e.text)]
    if not names:
        return None
    ent = rng.choice(names)
    others = [
        p for p in people if _looks_like_name(p) and not set(p.split()) & set(ent.text.split())
    ]
    if not others:
        return None
    a, b = ent.start_char - sent.start_char, ent.end_char - sent.start_char
    return sent.text[:a] + rng.choice(others) + sent.text[b:]


def _role(sent, rng, people):
    m = _ROLE_RE.search(sent.text)
    if not m:
        return None
    new = rng.choice([r for r in _ROLES if r != m.group(1)])
    return sent.text[: m.start()] + new + sent.text[m.end() :]


def _age(sent, rng, people):
    m = _AGE_RE.search(sent.text)
    if not m:
        return None
    grp = 1 if m.group(1) else 4
    new = str(int(m.group(grp)) + rng.randint(3, 15))
    return sent.text[: m.start(grp)] + new + sent.text[m.end(grp) :]


def _number(sent, rng, people):
    toks = [t for t in sent if t.dep_ == "nummod" and t.text.isdigit() and t.ent_type_ != "DATE"]
    if not toks:
        return None
    tok = rng.choice(toks)
    value = int(tok.text)
    new = str(value * rng.choice([2, 3]) + rng.randint(1, 9))
    a = tok.idx - sent.start_char
    return sent.text[:a] + new + sent.text[a + len(tok.text) :]


def _date(sent, rng, people):
    m = _DATE_RE.search(sent.text)
    if not m:
        return None
    pool = _WEEKDAYS if m.group(1) in _WEEKDAYS else _MONTHS
    new = rng.choice([d for d in pool if d != m.group(1)])
    return sent.text[: m.start()] + new + sent.text[m.end() :]


def _negation(sent, rng, people):
    for pattern, repl in _NEG_DROP:
        if pattern.search(sent.text):
            return pattern.sub(repl, sent.text, count=1)
    m = _NEG_ADD_RE.search(sent.text)
    if not m:
        return None
    return sent.text[: m.end()] + " not" + sent.text[m.end() :]


DISTORTIONS: dict[str, Callable] = {
    "person": _person,
    "role": _role,
    "age": _age,
    "number": _number,
    "date": _date,
    "negation": _negation,
    "medium": _swap_words("medium"),
    "outcome": _swap_words("outcome"),
    "relation": _swap_words("relation"),
}

# Harmless rewrites: meaning-preserving word swaps.
_SYNONYMS = {"said": "stated", "says": "states", "told": "informed", "about": "around",
             "big": "large", "help": "assist", "buy": "purchase", "shows": "indicates",
             "showed": "indicated", "also": "additionally", "began": "started",
             "however": "nevertheless", "reported": "stated", "many": "numerous"}  # fmt: skip
_SYN_RE = re.compile(r"\b(" + "|".join(_SYNONYMS) + r")\b")
_QUOTE_RE = re.compile(r"[\"“”]")
_ASIDE_RE = re.compile(r" \([^()]{3,80}\)")


def _harmless(text: str, rng: random.Random) -> str:
    text = _SYN_RE.sub(lambda m: _SYNONYMS[m.group(1)], text)
    if rng.random() < 0.5:
        text = _ASIDE_RE.sub("", text)
    return text


def make_copy(
    copy_id: str, source_id: str, text: str, people: list[str], rng: random.Random, distort: bool
) -> Copy:
    """A rewritten copy of one article; ``distort`` adds one or two labelled distortions."""
    sents = [s for s in nlp.spacy_model()(text).sents if len(s.text.split()) >= 5]
    # Quoted words are left alone: altering a quote is the quote analysis's finding.
    quoted = {i for i, s in enumerate(sents) if _QUOTE_RE.search(s.text)}
    out_sents: list[tuple[str, str | None, str]] = []  # (text, kind, original)
    budget = rng.choice([1, 2]) if distort else 0
    order = list(range(len(sents)))
    rng.shuffle(order)
    chosen: dict[int, tuple[str, str]] = {}
    # Pick the kind first, so that every kind is drawn as often as the text allows.
    kinds = list(DISTORTIONS)
    rng.shuffle(kinds)
    for kind in kinds:
        if len(chosen) == budget:
            break
        for i in order:
            if i in chosen or i in quoted:
                continue
            new = DISTORTIONS[kind](sents[i], rng, people)
            if new and new != sents[i].text:
                chosen[i] = (kind, new)
                break
    for i, s in enumerate(sents):
        if i in chosen:
            out_sents.append((chosen[i][1], chosen[i][0], s.text))
        elif rng.random() < 0.1:
            continue  # dropped detail
        else:
            out_sents.append((_harmless(s.text, rng), None, s.text))
    # Reordered: swap a few adjacent pairs of untouched sentences.
    for _ in range(max(1, len(out_sents) // 8)):
        j = rng.randrange(max(1, len(out_sents) - 1))
        if j + 1 < len(out_sents) and out_sents[j][1] is None and out_sents[j + 1][1] is None:
            out_sents[j], out_sents[j + 1] = out_sents[j + 1], out_sents[j]
    parts, changes, cursor = [], [], 0
    for new, kind, original in out_sents:
        if kind:
            changes.append(Change(kind, cursor, cursor + len(new), original, new))
        parts.append(new)
        cursor += len(new) + 2
    return Copy(copy_id, source_id, "\n\n".join(parts), bool(changes), changes)
