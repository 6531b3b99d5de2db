"""Seeded generator of news stories with known reuse, from real FNC-1 bodies.

Each story keeps three real bodies of one FNC-1 story as independent
reports, and adds three derived articles, each built on filler sentences
from a body of an unrelated story with passages of one real body (the
source) inserted:

* ``verbatim`` — passages copied word for word;
* ``edited`` — passages copied with light edits (a word dropped, an adverb
  inserted, "said" turned into "says", digits reformatted);
* ``reworded`` — passages run sentence by sentence through a synonym
  substitution spinner (``SYNONYMS``, our own table), as content farms do.

Each derived article copies different sentences of the source, so derived
articles share nothing with each other.  The truth is kept as character
spans on both sides.  Everything depends on ``seed`` alone.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

from scipy.cluster.hierarchy import DisjointSet

FNC1 = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1"

SYNONYMS: dict[str, list[str]] = {
    "said": ["stated", "declared", "remarked"],
    "says": ["states", "claims", "declares"],
    "told": ["informed", "advised"],
    "reported": ["described", "revealed"],
    "big": ["large", "huge"],
    "large": ["big", "sizeable"],
    "small": ["little", "tiny"],
    "new": ["fresh", "novel"],
    "old": ["aged", "elderly"],
    "people": ["individuals", "persons"],
    "man": ["gentleman", "male"],
    "woman": ["lady", "female"],
    "children": ["kids", "youngsters"],
    "police": ["law enforcement", "officers"],
    "officials": ["authorities", "representatives"],
    "government": ["administration", "authorities"],
    "company": ["firm", "business"],
    "home": ["house", "residence"],
    "killed": ["slain", "murdered"],
    "died": ["passed away", "perished"],
    "found": ["discovered", "located"],
    "show": ["demonstrate", "reveal"],
    "shows": ["demonstrates", "reveals"],
    "showed": ["demonstrated", "revealed"],
    "claimed": ["alleged", "asserted"],
    "according": ["as per"],
    "believe": ["think", "suppose"],
    "believed": ["thought", "supposed"],
    "began": ["started", "commenced"],
    "start": ["begin", "commence"],
    "help": ["aid", "assist"],
    "get": ["obtain", "receive"],
    "got": ["obtained", "received"],
    "make": ["create", "produce"],
    "made": ["created", "produced"],
    "use": ["utilise", "employ"],
    "used": ["utilised", "employed"],
    "want": ["wish", "desire"],
    "wanted": ["wished", "desired"],
    "need": ["require"],
    "needed": ["required"],
    "important": ["crucial", "significant"],
    "many": ["numerous", "several"],
    "several": ["a number of", "various"],
    "also": ["additionally", "likewise"],
    "after": ["following", "once"],
    "before": ["prior to", "ahead of"],
    "about": ["regarding", "concerning"],
    "because": ["since", "as"],
    "however": ["nevertheless", "yet"],
    "but": ["however", "yet"],
    "group": ["organisation", "band"],
    "attack": ["assault", "strike"],
    "attacks": ["assaults", "strikes"],
    "video": ["footage", "clip"],
    "photo": ["picture", "image"],
    "photos": ["pictures", "images"],
    "news": ["information", "reports"],
    "story": ["tale", "account"],
    "report": ["account", "statement"],
    "fighters": ["militants", "combatants"],
    "city": ["town", "metropolis"],
    "country": ["nation", "state"],
    "area": ["region", "zone"],
    "week": ["seven days"],
    "recently": ["lately", "newly"],
    "quickly": ["rapidly", "swiftly"],
    "very": ["extremely", "really"],
    "really": ["truly", "actually"],
    "went": ["travelled", "headed"],
    "go": ["travel", "head"],
    "come": ["arrive", "appear"],
    "came": ["arrived", "appeared"],
    "took": ["grabbed", "seized"],
    "take": ["grab", "seize"],
    "saw": ["witnessed", "observed"],
    "seen": ["witnessed", "observed"],
    "hospital": ["medical centre", "clinic"],
    "family": ["relatives", "household"],
    "friends": ["pals", "companions"],
    "death": ["passing", "demise"],
    "dead": ["deceased", "lifeless"],
    "fake": ["bogus", "phony"],
    "true": ["accurate", "genuine"],
    "false": ["untrue", "inaccurate"],
    "hoax": ["prank", "fabrication"],
    "rumours": ["gossip", "speculation"],
    "rumors": ["gossip", "speculation"],
    "claims": ["allegations", "assertions"],
    "statement": ["declaration", "announcement"],
    "announced": ["declared", "revealed"],
    "confirmed": ["verified", "corroborated"],
    "denied": ["refuted", "rejected"],
    "asked": ["questioned", "requested"],
    "known": ["recognised", "famous"],
    "famous": ["well-known", "renowned"],
    "money": ["cash", "funds"],
    "buy": ["purchase", "acquire"],
    "bought": ["purchased", "acquired"],
    "car": ["vehicle", "automobile"],
    "worker": ["employee", "staffer"],
    "workers": ["employees", "staff"],
    "lost": ["misplaced", "forfeited"],
    "local": ["regional", "area"],
    "spokesman": ["representative", "spokesperson"],
    "posted": ["published", "uploaded"],
    "online": ["on the internet", "on the web"],
    "website": ["site", "web page"],
    "there": ["here"],
    "while": ["whilst", "although"],
    "just": ["merely", "simply"],
    "now": ["currently", "presently"],
    "later": ["afterwards", "subsequently"],
    "first": ["initial", "earliest"],
    "last": ["final", "previous"],
    "during": ["throughout", "amid"],
    "near": ["close to", "nearby"],
    "following": ["after", "subsequent to"],
    "appeared": ["seemed", "emerged"],
    "according to": ["as reported by"],
    "released": ["issued", "published"],
    "shot": ["gunned down", "fired on"],
    "captured": ["seized", "caught"],
    "soldiers": ["troops", "servicemen"],
    "army": ["military", "forces"],
    "military": ["armed forces", "army"],
}
"""A small synonym table of everyday news words, for the reworded copies."""

ADVERBS = ("also", "now", "reportedly", "still", "apparently")


@dataclass
class Case:
    """One reused passage: ``source[s_start:s_end]`` reused in ``target[t_start:t_end]``."""

    source: str
    target: str
    s_start: int
    s_end: int
    t_start: int
    t_end: int
    kind: str


@dataclass
class Doc:
    id: str
    text: str
    role: str  # "independent" or the reuse kind


@dataclass
class GenStory:
    id: str
    docs: list[Doc]
    cases: list[Case]
    source: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as character spans (paragraph lines split after . ! ? before a capital)."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        for sep in re.finditer(r"(?<=[.!?])\s+(?=[A-Z“\"])", para.group()):
            spans.append((start, para.start() + sep.start()))
            start = para.start() + sep.end()
        spans.append((start, para.end()))
    return [(s, e) for s, e in spans if len(text[s:e].split()) >= 4]


def _case_like(template: str, word: str) -> str:
    return word.capitalize() if template[:1].isupper() else word


def spin(sentence: str, rng: random.Random) -> str:
    """Replace the words of ``SYNONYMS`` (most of them) with a synonym."""

    def swap(m: re.Match[str]) -> str:
        word = m.group()
        options = SYNONYMS.get(word.lower())
        if options and rng.random() < 0.9:
            return _case_like(word, rng.choice(options))
        return word

    return re.sub(r"[A-Za-z]+", swap, sentence)


def light_edit(sentence: str, rng: random.Random) -> str:
    """One or two small edits, as a sub-editor makes them."""
    words = sentence.split(" ")
    for _ in range(rng.randint(1, 2)):
        choice = rng.random()
        if choice < 0.35 and len(words) > 6:
            del words[rng.randrange(1, len(words) - 1)]
        elif choice < 0.7:
            words.insert(rng.randrange(1, len(words)), rng.choice(ADVERBS))
        else:
            swaps = {"said": "says", "says": "said", "has": "had", "is": "was", "the": "a"}
            at = [i for i, w in enumerate(words) if w in swaps]
            if at:
                i = rng.choice(at)
                words[i] = swaps[words[i]]
    return " ".join(words)


def load_stories() -> tuple[dict[int, str], list[list[int]]]:
    """FNC-1 bodies and their stories (connected groups of related headline/body pairs)."""
    with (FNC1 / "train_bodies.csv").open(encoding="utf-8") as f:
        bodies = {int(r["Body_ID"]): r["articleBody"] for r in csv.DictReader(f)}
    stories = DisjointSet()
    with (FNC1 / "train_stances.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["Stance"] != "3":
                body, headline = f"b{r['Body_ID']}", f"h{r['Headline']}"
                stories.add(body)
                stories.add(headline)
                stories.merge(body, headline)
    groups = [sorted(int(k[1:]) for k in keys if k.startswith("b")) for keys in stories.subsets()]
    return bodies, sorted(groups, key=lambda g: g[0])


def _usable(text: str) -> bool:
    return 8 <= len(sentence_spans(text)) <= 60


def _grams8(text: str) -> set[str]:
    forms = re.findall(r"\w+", text.lower())
    return {" ".join(forms[i : i + 8]) for i in range(len(forms) - 7)}


def _independent(group: list[int], bodies: dict[int, str], rng: random.Random) -> list[int]:
    """Up to three bodies of a story that share no word 8-gram with each other.

    FNC-1 bodies of one story often copy each other (wire copy, tabloid
    rewrites of one another); those are true reuse, so they cannot serve as
    the independent reports.  An exact 8-gram test keeps this filter
    independent of the detector being measured.
    """
    chosen: list[int] = []
    grams: list[set[str]] = []
    for body in rng.sample(group, len(group)):
        mine = _grams8(bodies[body])
        if all(not mine & other for other in grams):
            chosen.append(body)
            grams.append(mine)
        if len(chosen) == 3:
            break
    return chosen


def _derived(
    doc_id: str, kind: str, source: Doc, picks: list[list[int]], filler: str, rng: random.Random
) -> tuple[Doc, list[Case]]:
    """Filler sentences with the source's picked sentence runs inserted at random places."""
    src_spans = sentence_spans(source.text)
    fill = [filler[s:e] for s, e in sentence_spans(filler)][:12]
    slots = sorted(rng.sample(range(len(fill) + 1), len(picks)))
    parts: list[tuple[str, list[int] | None]] = []
    for k, sentence in enumerate([*fill, ""]):
        if k in slots:
            parts.append(("", picks[slots.index(k)]))
        if sentence:
            parts.append((sentence, None))
    text, cases = "", []
    for sentence, run in parts:
        if text:
            text += "\n\n"
        if run is None:
            text += sentence
            continue
        start = len(text)
        copied = [source.text[src_spans[i][0] : src_spans[i][1]] for i in run]
        if kind == "edited":
            copied = [light_edit(s, rng) for s in copied]
        elif kind == "reworded":
            copied = [spin(s, rng) for s in copied]
        text += " ".join(copied)
        s_start, s_end = src_spans[run[0]][0], src_spans[run[-1]][1]
        cases.append(Case(source.id, doc_id, s_start, s_end, start, len(text), kind))
    return Doc(doc_id, text, kind), cases


def generate(n_stories: int, seed: int = 13) -> list[GenStory]:
    """``n_stories`` stories of three independent and three derived articles each."""
    rng = random.Random(seed)
    bodies, groups = load_stories()
    usable = [[b for b in g if _usable(bodies[b])] for g in groups]
    eligible = [ind for g in usable if len(ind := _independent(g, bodies, rng)) == 3]
    rng.shuffle(eligible)
    chosen, spare = eligible[:n_stories], [b for g in eligible[n_stories:] for b in g]
    rng.shuffle(spare)
    stories = []
    for n, group in enumerate(chosen):
        picked = list(group)
        # The longest body is the source, so that each derived article gets its own sentences.
        picked.sort(key=lambda b: -len(sentence_spans(bodies[b])))
        real = [Doc(f"s{n}-ind{k}", bodies[b], "independent") for k, b in enumerate(picked)]
        source = real[0]
        n_src = len(sentence_spans(source.text))
        # Disjoint runs of 2-3 sentences, one or two for each derived article.
        order = list(range(0, n_src - 1, 3))
        rng.shuffle(order)
        docs, cases = list(real), []
        for k, kind in enumerate(("verbatim", "edited", "reworded")):
            starts = sorted(order[k::3][:2])
            picks = [list(range(s, min(n_src, s + rng.randint(2, 3)))) for s in starts]
            doc, doc_cases = _derived(f"s{n}-{kind}", kind, source, picks, bodies[spare.pop()], rng)
            docs.append(doc)
            cases.extend(doc_cases)
        stories.append(GenStory(f"s{n}", docs, cases, source.id))
    return stories
