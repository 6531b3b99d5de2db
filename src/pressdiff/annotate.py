"""Annotation: sentences, tokens and entities as offsets into the cleaned text.

All spaCy work happens here (the model itself is loaded by :mod:`pressdiff.nlp`).
The parsed Doc stays attached to the article for the analyses that need the
dependency parse (quote attribution, claim splitting); the offsets are what
gets stored and reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from pressdiff import nlp
from pressdiff.model import Article, Entity, Sentence, Token


def annotate(articles: Iterable[Article], batch_size: int = 16) -> list[Article]:
    """Parse each article's cleaned text and fill in its annotations in place."""
    articles = list(articles)
    docs = nlp.spacy_model().pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
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
    return articles
