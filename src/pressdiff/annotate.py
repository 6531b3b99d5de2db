"""Annotation: sentences, tokens and entities as offsets into the cleaned text.

All spaCy work happens here (the model itself is loaded by :mod:`pressdiff.nlp`).
The parsed Doc stays attached to the article for the analyses that need the
dependency parse (quote attribution, claim splitting); the offsets are what
gets stored and reported.

Texts are parsed in batches of at most ``Limits.parse_chars`` characters: a
long article in chunks cut at paragraph or line breaks, whose Docs are joined
back into one whose text is the article's, and short articles several to a
batch.  spaCy holds the activations of a whole batch at once, about 15 kB a
token (issue 17: a 60 kB file of 20,000 short lines took 1.1 GB parsed in one
piece, and 46,000 tokens of FNC-1 news as much), so memory is bounded by the
batch, not by the article.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from pressdiff import nlp
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, Entity, Sentence, Token


class OverBudget(Exception):
    """Parsing ``article`` ran past ``Limits.seconds_per_article``."""

    def __init__(self, article: Article, seconds: float) -> None:
        self.article = article
        self.reason = (
            f"parsing took longer than the time budget of {seconds:g} s (seconds_per_article)"
        )
        super().__init__(f"{article.source}: {self.reason}")


def annotate(articles: Iterable[Article], *, limits: Limits = LIMITS) -> list[Article]:
    """Parse each article's cleaned text and fill in its annotations in place.

    Raises :class:`OverBudget` for the first article whose parse runs past
    the time budget; the articles finished before it keep their annotations.
    """
    articles = list(articles)
    chunks = [
        (chunk, i)
        for i, a in enumerate(articles)
        for chunk in chunk_text(a.text, limits.parse_chars)
    ]
    parsed = _parse(chunks, limits.parse_chars)
    for i, docs in _by_article(parsed, articles, limits.seconds_per_article):
        _fill(
            articles[i], docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
        )
    return articles


def _parse(chunks: list[tuple[str, int]], max_chars: int) -> Iterator[tuple[Doc, int]]:
    """Parse the chunks in batches of at most ``max_chars`` characters in all.

    spaCy holds the activations of a whole batch at once, so a batch is
    bounded by its size, not by how many texts it holds.
    """
    model = nlp.spacy_model()
    batch: list[tuple[str, int]] = []
    size = 0
    for chunk in [*chunks, None]:
        if batch and (chunk is None or size + len(chunk[0]) > max_chars):
            yield from model.pipe(batch, batch_size=len(batch), as_tuples=True)
            batch, size = [], 0
        if chunk is not None:
            batch.append(chunk)
            size += len(chunk[0])


def _by_article(
    parsed: Iterator[tuple[Doc, int]], articles: list[Article], budget: float
) -> Iterator[tuple[int, list[Doc]]]:
    """Group the chunk Docs by article, checking each article's parse time as it goes."""
    current, docs, started = -1, [], time.monotonic()
    for doc, i in parsed:
        if i != current:
            if docs:
                yield current, docs
            current, docs, started = i, [], time.monotonic()
        docs.append(doc)
        if time.monotonic() - started > budget:
            raise OverBudget(articles[i], budget)
    if docs:
        yield current, docs


def chunk_text(text: str, size: int) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters that join back into it.

    Each cut is at the last paragraph break before the limit, else the last
    line break, else the last space (a line longer than ``size`` with no
    space is cut where it must be).
    """
    chunks = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + 1, end)
            if cut > start:
                end = cut + len(sep)
                break
        chunks.append(text[start:end])
        start = end
    chunks.append(text[start:])
    return chunks


def _fill(article: Article, doc: Doc) -> None:
    article.doc = doc
    article.sentences = [
        Sentence(s.start_char, s.end_char, s.text) for s in doc.sents if s.text.strip()
    ]
    article.entities = [Entity(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
    article.tokens = [
        Token(t.idx, t.idx + len(t.text), t.text, t.lemma_, t.pos_, t.is_stop)
        for t in doc
        if not t.is_space
    ]
