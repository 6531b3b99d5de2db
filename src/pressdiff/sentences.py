"""Where sentences end, in text that has no parse of its own.

Articles get their sentences from the annotation's dependency parse.  A few
questions are asked of short pieces that are not parsed on their own: the
sentences of a quote's words (a quote printed by several outlets is compared
sentence by sentence), whether a photo caption is one sentence or reporting
that ends in a credit, whether the words one outlet adds around a quote are
whole sentences.  They all get their answer here, from one splitter: spaCy's
rule-based ``Sentencizer`` over spaCy's English tokenizer, whose exceptions
keep "Mr.", "Jan." and "N.M." whole, so that their periods end nothing.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from pressdiff.cache import BoundedCache

# Marks that end a sentence: English's three, and the ellipsis in both spellings, since a
# quote that trails off ("and then…") ends a sentence too.
SENTENCE_END_MARKS = (".", "!", "?", "…", "...")

# Texts whose sentences are kept: a quote's words are asked about once per outlet printing
# them and once per comparison, and a story has at most a few thousand quotes.
SPLITS_KEPT = 4096
_SPLITS: BoundedCache[str, tuple[tuple[int, int], ...]] = BoundedCache(SPLITS_KEPT)


@cache
def _splitter() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": list(SENTENCE_END_MARKS)})
    return nlp


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Start and end offsets of each sentence of ``text``; blanks between
    sentences belong to none."""
    spans = _SPLITS.get(text)
    if spans is None:
        spans = _split(text)
        _SPLITS.put(text, spans)
    return spans


def _split(text: str) -> tuple[tuple[int, int], ...]:
    trimmed_sents = (trimmed(text, s.start_char, s.end_char) for s in _splitter()(text).sents)
    return tuple((start, end) for start, end in trimmed_sents if end > start)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` moved in past the blanks at either end of ``text[start:end]`` (a
    parse's sentence keeps the blanks after it; a sentence here does not).  All blank:
    ``end <= start``."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_starts_within(text: str, start: int, end: int) -> bool:
    """Does a sentence of ``text`` begin after offset ``start`` and no later than
    ``end``?  Asked of the gap between two words: is there a sentence end between
    them?"""
    return any(start < s <= end for s, _ in sentence_spans(text))
