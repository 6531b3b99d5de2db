"""Word-level comparison of two printings of one quote.

Quotes are compared as normalised words: lower case, no punctuation, and
contractions expanded (“I'd” = “I would”), because an outlet that writes
"do not" for "don't" has not changed what was said.  The rest of the
comparison is about *where* words differ, since that decides whether a
difference is harmless:

- words missing at either end are a trim (outlets quote the part they need);
- words missing in the middle where the printing shows “…” or splits the
  quote around an attribution are a stitch;
- any other content word replaced, added or dropped is an alteration.

A content word is a word outside spaCy's stop-word list, or one of the
stop words that still decide what a sentence says: negations ("not",
"never", "nobody"), quantifiers ("all", "everyone", "almost", "only"),
degree and frequency words ("very", "always") and numbers ("two").  “We got
everyone out” and “We got almost everyone out” differ by a stop word, yet
say different things.  Evidence that two printings are the same quote is
counted in *topical* words only: two quotes that share "not" and "all" are
not thereby the same quote.

The aligner is rapidfuzz: Indel (longest common subsequence) opcodes over the
words give the diff; short matches stranded far from the shared stretch are
discounted so that a long printing's extra sentences read as a trim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel
from spacy.lang.en.stop_words import STOP_WORDS

from pressdiff.lexicon import MEANING_WORDS, WORD_RE
from pressdiff.model import Quote
from pressdiff.sentences import sentence_starts_within

_ELLIPSIS = re.compile(r"…|\.\s?\.\s?\.")
_NOT_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
_CLITICS = {"d": "would", "m": "am", "re": "are", "ve": "have", "ll": "will"}
_RELATION = {"content": "altered", "stitch": "stitched", "edit": "edited", "trim": "trimmed"}
_IS_HOSTS = frozenset(
    ["it", "that", "he", "she", "what", "there", "here", "who", "where", "how", "let"]
)


Block = tuple[str, int, int, int, int]  # (tag, ref_from, ref_to, var_from, var_to)


@dataclass(frozen=True)
class Word:
    """A normalised word with the characters it came from in the article."""

    norm: str
    start: int
    end: int
    part: int  # which part of a split quote it lies in


@dataclass
class DiffOp:
    """One step of a word diff from the reference printing to this one.

    ``op`` is equal, replace, insert (words only this printing has), delete
    (words only the reference has); ``kind`` says how the difference reads:
    same, trim, stitch, edit (function words only) or content.
    """

    op: str
    reference: str
    variant: str
    kind: str


@dataclass
class Comparison:
    """How a printing ``variant`` relates to a ``reference`` printing."""

    matched: int  # words the two share, in order
    coverage: float  # matched / words of the shorter printing
    content_matched: int  # topical words among the shared ones
    content_coverage: float  # content_matched / topical words of the shorter printing
    inner_changes: int  # diff steps between the first and last shared word
    density: float  # matched / words between the first and last shared word (longer side)
    ops: list[DiffOp]
    relation: str  # verbatim, trimmed, stitched, edited, altered

    @property
    def content_changes(self) -> list[DiffOp]:
        return [op for op in self.ops if op.kind == "content"]


def _expand(word: str) -> list[str]:
    low = word.lower().replace("’", "'")
    if low == "cannot":
        return ["can", "not"]  # as "can't" expands: the same words either way
    if "'" not in low:
        return [low]
    stem, _, clitic = low.rpartition("'")
    if clitic == "t" and stem.endswith("n"):
        base = stem[:-1]
        return [_NOT_STEMS.get(base, base), "not"] if base else ["not"]
    if clitic in _CLITICS:
        return [stem, _CLITICS[clitic]]
    if clitic == "s" and stem in _IS_HOSTS:
        return [stem, "is"]
    return [low.replace("'", "")]


def words_of(text: str, quote: Quote) -> list[Word]:
    """The normalised words of a quote, each pointing back at its characters."""
    parts = quote.parts or [(quote.start, quote.end)]
    out: list[Word] = []
    for index, (a, b) in enumerate(parts):
        for m in WORD_RE.finditer(text, a, b):
            for norm in _expand(m.group()):
                out.append(Word(norm, m.start(), m.end(), index))
    return out


@lru_cache(maxsize=1 << 16)
def is_topical(norm: str) -> bool:
    """A word that says what a quote is about: evidence that two printings are one quote."""
    return norm not in STOP_WORDS and any(c.isalnum() for c in norm)


def is_content(norm: str) -> bool:
    """A word whose change changes what a quote says: topical words and meaning words."""
    return norm in MEANING_WORDS or is_topical(norm)


def _slide(blocks: list[Block], r_norm: list[str], v_norm: list[str]) -> list[Block]:
    """Move a match across an insertion or deletion that ends with the same words,
    so that it joins the match after it.  The aligner may pair "I" in "I didn't
    pull the trigger. I would never" with the first "I" instead of the second;
    sliding it makes the added sentence one clean insertion."""
    k = 0
    while k + 2 < len(blocks):
        (tag, r1, r2, v1, v2), gap, nxt = blocks[k], blocks[k + 1], blocks[k + 2]
        n = r2 - r1
        moved: list[Block] | None = None
        if tag == "equal" and gap[0] != "equal" and nxt[0] == "equal":
            if gap[1] == gap[2] and v_norm[gap[3] : gap[4]][-n:] == v_norm[v1:v2]:
                cut = gap[4] - n  # words only the variant has now end before the match
                moved = [("change", r1, r1, v1, cut), ("equal", r1, nxt[2], cut, nxt[4])]
            elif gap[3] == gap[4] and r_norm[gap[1] : gap[2]][-n:] == r_norm[r1:r2]:
                cut = gap[2] - n
                moved = [("change", r1, cut, v1, v1), ("equal", cut, nxt[2], v1, nxt[4])]
        if moved is None:
            k += 1
            continue
        blocks = _merge_changes([*blocks[:k], *moved, *blocks[k + 3 :]])
        k = max(0, k - 1)
    return blocks


def _drop_strays(blocks: list[Block], ref_words: list[str]) -> list[Block]:
    """Demote short matches of function words stranded at either end ("the"
    found far from the shared stretch, further than the shorter printing is
    long) so that the ends count as trims."""

    shorter = min(blocks[-1][2], blocks[-1][4]) if blocks else 0

    def stray(eq: Block, gap: Block) -> bool:
        short = eq[2] - eq[1] < 3 and not any(is_topical(w) for w in ref_words[eq[1] : eq[2]])
        return short and max(gap[2] - gap[1], gap[4] - gap[3]) > max(3, shorter)

    while True:
        first, last = _first_equal(blocks), _last_equal(blocks)
        if first == last:
            return blocks
        if stray(blocks[first], blocks[first + 1]):
            k = first
        elif stray(blocks[last], blocks[last - 1]):
            k = last
        else:
            return blocks
        blocks = _merge_changes([*blocks[:k], ("change", *blocks[k][1:]), *blocks[k + 1 :]])


def _first_equal(blocks: list[Block]) -> int:
    return next((k for k, b in enumerate(blocks) if b[0] == "equal"), -1)


def _last_equal(blocks: list[Block]) -> int:
    return max((k for k, b in enumerate(blocks) if b[0] == "equal"), default=-1)


def _gap_marked(text: str, words: list[Word], i: int) -> bool:
    """Does the printing show a cut between its words i-1 and i (“…” or a split)?"""
    if i <= 0 or i >= len(words):
        return False
    before, after = words[i - 1], words[i]
    return before.part != after.part or bool(_ELLIPSIS.search(text[before.end : after.start]))


def compare(
    ref_text: str, ref: list[Word], var_text: str, var: list[Word], supported: frozenset[str]
) -> Comparison:
    """Diff printing ``var`` against ``ref``.

    ``supported`` holds words some other outlet prints in this quote: words
    this printing adds beyond the ends of the reference are harmless if
    another outlet has them too (the reference was just trimmed more), or if
    they are whole sentences of their own.
    """
    r_norm, v_norm = [w.norm for w in ref], [w.norm for w in var]
    raw = Indel.opcodes(r_norm, v_norm)
    blocks = _merge_changes([tuple(op) for op in raw])
    blocks = _drop_strays(_slide(blocks, r_norm, v_norm), r_norm)
    equal_idx = [k for k, b in enumerate(blocks) if b[0] == "equal"]
    first_eq = equal_idx[0] if equal_idx else len(blocks)
    last_eq = equal_idx[-1] if equal_idx else -1
    ops: list[DiffOp] = []
    matched = content_matched = 0
    for k, (tag, i1, i2, j1, j2) in enumerate(blocks):
        r_part, v_part = r_norm[i1:i2], v_norm[j1:j2]
        if tag == "equal":
            matched += i2 - i1
            content_matched += sum(is_topical(w) for w in r_part)
            kind = "same"
        elif k < first_eq or k > last_eq:
            added = [w for w in v_part if is_content(w) and w not in supported]
            whole_sentences = _sentence_break(var_text, var, j1 if k > last_eq else j2)
            kind = "content" if added and not whole_sentences else "trim"
        elif not v_part and _gap_marked(var_text, var, j1):
            kind = "stitch"
        elif any(is_content(w) for w in r_part + v_part):
            kind = "content"
        else:
            kind = "edit"
        op = tag if tag == "equal" else _change_tag(r_part, v_part)
        if op:
            ref_words = _span_text(ref_text, ref[i1:i2])
            ops.append(DiffOp(op, ref_words, _span_text(var_text, var[j1:j2]), kind))
    kinds = {op.kind for op in ops}
    shorter = min(len(r_norm), len(v_norm)) or 1
    worst = next((k for k in ("content", "stitch", "edit", "trim") if k in kinds), None)
    if worst is not None:
        relation = _RELATION[worst]
    elif _span_text(ref_text, ref) == _span_text(var_text, var):
        relation = "verbatim"
    else:
        relation = "edited"  # same words, other spelling: case or contractions
    content_shorter = min(sum(is_topical(w) for w in r_norm), sum(is_topical(w) for w in v_norm))
    return Comparison(
        matched,
        matched / shorter,
        content_matched,
        content_matched / max(1, content_shorter),
        sum(1 for k, b in enumerate(blocks) if first_eq < k < last_eq and b[0] != "equal"),
        _density(blocks, matched),
        ops,
        relation,
    )


def _merge_changes(
    blocks: list[tuple[str, int, int, int, int]],
) -> list[tuple[str, int, int, int, int]]:
    """One step per changed stretch: “even supposed” → “meant” reads better than
    a replace and a delete side by side (the aligner splits ties arbitrarily)."""
    merged: list[Block] = []
    for block in blocks:
        if block[2] == block[1] and block[4] == block[3]:
            continue
        if merged and block[0] != "equal" and merged[-1][0] != "equal":
            _, i1, _, j1, _ = merged[-1]
            merged[-1] = ("change", i1, block[2], j1, block[4])
        else:
            merged.append(block if block[0] == "equal" else ("change", *block[1:]))
    return merged


def _density(blocks: list[Block], matched: int) -> float:
    """How tightly the shared words sit together in the printing where they spread most."""
    first, last = _first_equal(blocks), _last_equal(blocks)
    if first < 0:
        return 0.0
    spread = max(blocks[last][2] - blocks[first][1], blocks[last][4] - blocks[first][3])
    return matched / max(1, spread)


def _sentence_break(text: str, words: list[Word], i: int) -> bool:
    """Is there a sentence end between words i-1 and i?  Whole sentences beyond the
    shared stretch are more of the quote, not words slipped into it."""
    if i <= 0 or i >= len(words):
        return True
    return sentence_starts_within(text, words[i - 1].end, words[i].start)


def _change_tag(r_part: list[str], v_part: list[str]) -> str:
    if r_part and v_part:
        return "replace"
    return "delete" if r_part else "insert" if v_part else ""


def _span_text(text: str, words: list[Word]) -> str:
    """The original characters of consecutive words (expanded contractions once)."""
    if not words:
        return ""
    pieces: list[str] = []
    last = -1
    for w in words:
        if w.start != last:
            pieces.append(text[w.start : w.end])
            last = w.start
    return " ".join(pieces)
