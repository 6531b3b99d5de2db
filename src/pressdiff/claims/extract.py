"""Claims: the checkable statements of an article, with who is making them.

A claim is a sentence, or one clause of a sentence joined by "and"/"but" when each clause has
its own subject: "Hutchins was killed and Souza was injured" holds two facts that other
outlets may confirm or deny separately.  Paragraph breaks always end a claim, because scraped
articles run captions and headlines into the next sentence without a full stop.

Reported speech is the speaker's claim, not the outlet's: a claim that is mostly quoted words,
or whose main verb is a verb of saying with a clause under it ("Baldwin said he did not
hear..."), is marked ``is_reported_speech`` with the speaker, so that consensus does not blame
an outlet for what someone else said.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from pressdiff import nlp
from pressdiff.claims.facts import Fact
from pressdiff.config import settings
from pressdiff.lexicon import ASSERTION_VERBS
from pressdiff.model import Article, Quote
from pressdiff.sentences import trimmed

if TYPE_CHECKING:
    from spacy.tokens import Span

_PARAGRAPH = re.compile(r"\n\s*")


@dataclass
class Claim:
    """One checkable statement; offsets point into ``Article.text``."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    is_reported_speech: bool = False
    speaker: str | None = None
    is_quote: bool = False  # mostly quoted words: altered quotes are the quote analysis's job
    facts: list[Fact] = field(default_factory=list)


def _pieces(article: Article) -> list[tuple[int, int]]:
    """Sentence spans cut again at line breaks, trimmed of surrounding whitespace."""
    out = []
    for sent in article.sentences:
        cursor = sent.start
        for m in [*_PARAGRAPH.finditer(article.text, sent.start, sent.end), None]:
            start, end = trimmed(article.text, cursor, m.start() if m else sent.end)
            if end > start:
                out.append((start, end))
            if m:
                cursor = m.end()
    return out


def _clause_cuts(span: Span) -> list[int]:
    """Token indexes (into the span's doc) where a coordinated clause with its own subject starts.

    The cut goes before the coordinating conjunction, so "and Souza was injured" starts the
    second claim; verbs sharing one subject ("he cocked the gun and let go") stay together.
    """
    cuts = []
    for tok in span:
        if tok.dep_ != "conj" or tok.pos_ not in {"VERB", "AUX"} or tok.head.dep_ != "ROOT":
            continue
        if not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in tok.children):
            continue
        left = tok.left_edge.i
        prev = left - 1
        while prev > span.start and span.doc[prev].dep_ in {"cc", "punct"}:
            prev -= 1
        cuts.append(prev + 1)
    return cuts


def _word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalpha() for ch in w))


def _quoted_share(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    """Share of the claim's characters inside quoted words."""
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside / max(1, end - start)


def _speaker_of(span: Span) -> str | None:
    """The subject of a verb of saying that governs a clause in this span, if any."""
    for tok in span:
        if tok.lemma_.lower() not in ASSERTION_VERBS or tok.pos_ not in {"VERB"}:
            continue
        subjects = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
        has_clause = any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children) or any(
            c.dep_ == "ccomp" or c.dep_ == "parataxis" for c in tok.head.children if c == tok
        )
        if subjects and (has_clause or tok.dep_ in {"parataxis", "ccomp"}):
            subj = subjects[0]
            ent = next((e for e in span.doc.ents if e.start <= subj.i < e.end), None)
            return ent.text if ent is not None else subj.text
    return None


def extract_claims(article: Article, quotes: list[Quote] | None = None) -> list[tuple[Claim, Span]]:
    """Split an annotated article into claims, each with its parsed span (for fact extraction).

    A piece that is a whole sentence of the annotation's parse is read from it
    (``Doc.char_span(...).as_doc()``, no new parse).  A piece cut from a sentence at a line
    break is parsed again on its own (one ``pipe`` call per article): scraped text often has
    captions glued to sentences, and a parse across that glue attaches words to the wrong
    heads.
    """
    cfg = settings().claims
    pieces = [(s, e) for s, e in _pieces(article) if _word_count(article.text[s:e]) >= 1]
    quote_spans = [p for q in quotes or [] for p in (q.parts or [(q.start, q.end)])]
    speakers = {(q.start, q.end): q.speaker for q in quotes or []}
    whole = {trimmed(article.text, s.start, s.end) for s in article.sentences}
    glued = [(s, e) for s, e in pieces if (s, e) not in whole]
    fresh = iter(nlp.spacy_model().pipe((article.text[s:e] for s, e in glued), batch_size=64))
    # ``as_doc`` converts the whole article to an array for each piece unless given one:
    # converted once here (each piece gets a copy, which ``as_doc`` edits), the same Docs.
    attrs = Doc._get_array_attrs()  # what ``as_doc`` itself would read
    array = article.doc.to_array(attrs)
    docs = [
        article.doc.char_span(s, e).as_doc(array_head=attrs, array=array.copy())
        if (s, e) in whole
        else next(fresh)
        for s, e in pieces
    ]
    out: list[tuple[Claim, Span]] = []
    for (p_start, _p_end), doc in zip(pieces, docs, strict=True):
        bounds = [0, *_clause_cuts(doc[:]), len(doc)]
        for a, b in itertools.pairwise(bounds):
            span = doc[a:b]
            text = span.text.strip()
            if _word_count(text) < cfg.min_claim_words:
                continue
            start = p_start + span.start_char + (len(span.text) - len(span.text.lstrip()))
            end = start + len(text)
            claim = Claim(f"{article.id}:{len(out)}", article.id, start, end, text)
            quoted = max(_quoted_share(start, end, quote_spans), _own_quote_share(text))
            if quoted >= cfg.quoted_claim:
                claim.is_reported_speech = claim.is_quote = True
                claim.speaker = _quote_speaker(start, end, speakers) or _speaker_of(span)
            elif (speaker := _speaker_of(span)) is not None:
                claim.is_reported_speech = True
                claim.speaker = speaker
            out.append((claim, span))
    return out


_QUOTED = re.compile(r"[“\"]([^“”\"]{2,})[”\"]")


def _own_quote_share(text: str) -> float:
    """Share of a claim inside quotation marks (used when no quote analysis was given)."""
    inside = sum(len(m.group(1)) for m in _QUOTED.finditer(text))
    return inside / max(1, len(text))


def _quote_speaker(start: int, end: int, speakers: dict[tuple[int, int], str | None]) -> str | None:
    for (q_start, q_end), speaker in speakers.items():
        if q_start < end and start < q_end and speaker:
            return speaker
    return None
