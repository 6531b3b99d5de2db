"""Quotes printed without their quotation marks: first-person words in a third-person story.

News prose speaks of people in the third person; an "I" outside quotation marks is almost
always someone's words whose marks were dropped, as a spun copy does when it rewords them
("I don't shoot to the lens of my camera, instead I am shooting off.  In her direction." for
“I'm shooting just off … in her direction”).  Such a stretch is only a *candidate*: the
story analysis (:func:`pressdiff.quotes.analyse`) keeps it as a printing of a quote when it
lines up with a quote another outlet prints with marks, and then judges it like any other
printing.

A candidate is a run of sentences of one paragraph, outside every marked quote, that begins
with a sentence in the first person singular and ends at the paragraph's end or at the next
marked quote: the sentences after a first-person one go on in the same voice ("After that,
I release the hammer.  The gun explodes.").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from pressdiff.config import settings
from pressdiff.lexicon import WORD_RE
from pressdiff.model import Quote

FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_PARAGRAPH = re.compile(r"[^\n]+")
_MARKS = "\"“”‘’'«»"


def candidates(doc: Doc, marked: list[Quote]) -> list[Quote]:
    """First-person stretches of ``doc``'s text outside the ``marked`` quotes, as quotes
    with no speaker or cue (offsets into the text, like every quote)."""
    text = doc.text
    taken = sorted(p for q in marked for p in (q.parts or [(q.start, q.end)]))
    out = []
    for para in _PARAGRAPH.finditer(text):
        for start, end in _outside(para.start(), para.end(), taken):
            quote = _run(doc, text, start, end)
            if quote is not None:
                out.append(quote)
    return out


def _outside(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of [start, end) that no marked quote (with its marks) covers."""
    out, at = [], start
    for a, b in taken:
        if b <= start or a >= end:
            continue
        if a - 1 > at:
            out.append((at, a - 1))
        at = max(at, b + 1)
    if at < end:
        out.append((at, end))
    return out


def _run(doc: Doc, text: str, start: int, end: int) -> Quote | None:
    """The stretch from the first first-person sentence of [start, end) to its end, if it
    is long enough to be a quote and holds no quotation mark of its own.  ``text`` is
    ``doc.text``, which spaCy joins from every token each time it is read."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return None
    for sent in span.sents:
        inside = doc[max(sent.start, span.start) : min(sent.end, span.end)]
        if any(t.lower_ in FIRST_PERSON and t.pos_ == "PRON" for t in inside):
            first = inside.start_char
            break
    else:
        return None
    words = text[first:end]
    stripped = words.strip().strip(_MARKS + " ")
    if not stripped or any(m in stripped for m in _MARKS[:4]):
        return None
    if len(WORD_RE.findall(stripped)) < settings().quotes.min_unmarked_words:
        return None
    a = first + words.index(stripped)
    return Quote(a, a + len(stripped), stripped, [(a, a + len(stripped))])
