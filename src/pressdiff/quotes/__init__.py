"""Quotes: extraction, attribution, alignment across outlets, altered-quote findings.

``extract(text)`` finds the direct quotes of any text with their speaker and
cue; ``analyse(articles)`` does it for every article of a story and lines the
quotes up across outlets to flag altered and misattributed quotes.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pressdiff import nlp
from pressdiff.model import Quote
from pressdiff.quotes.analyse import QuoteGroup, QuoteResult, Variant, analyse
from pressdiff.quotes.extract import extract_doc
from pressdiff.quotes.people import People

__all__ = ["Quote", "QuoteGroup", "QuoteResult", "Variant", "analyse", "extract"]


def extract(text: str, doc: Doc | None = None) -> list[Quote]:
    """The direct quotes of ``text``, each with its speaker, speaker span and cue span.

    Pass ``doc`` (the spaCy Doc of ``text``) to skip parsing.  Speakers are
    resolved with what this text alone says about who is who; within a story,
    :func:`analyse` resolves them with every article's help.
    """
    doc = doc if doc is not None else nlp.spacy_model()(text)
    return extract_doc(doc, People([doc]))
