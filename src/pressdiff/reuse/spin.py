"""Spun copies: articles that read like a machine rewrite of someone else's text.

A synonym spinner leaves marks that honest reporting does not:

* ``paraphrase_of_one`` — most of the article paraphrases one other article
  of the story while sharing few of its words (the source is in the set);
* ``twins`` — adjacent paragraphs that say the same thing in other words
  (the original caption or sentence kept beside its spun rewrite);
* ``reworded_quotes`` — quotes whose words differ from the same quote in
  other outlets, though they mean the same;
* ``substitutions`` — in those paraphrased pairs, one word replaced by one
  word inside otherwise aligned text (a word-level Levenshtein ``replace`` of
  length 1 on both sides), the spinner's signature;
* ``swapped_copy`` — most of the article is an edited copy of one other
  article of the story, with many content words swapped one for one for
  synonyms (a light spinner keeps enough words to align as a copy).

The first and the last are enough on their own; the others, which can each
occur in an honest article now and then, must fire together (at least two).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein
from spacy.lang.en.stop_words import STOP_WORDS

from pressdiff.annotate import embedder
from pressdiff.config import settings
from pressdiff.marks import find_quoted
from pressdiff.model import Article, Evidence, Finding, span_evidence
from pressdiff.reuse.records import Edge, Passage
from pressdiff.reuse.words import forms

_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass
class _Pair:
    """Two spans that mean the same, ``here`` in the article under test."""

    here: Evidence
    there: Evidence


@dataclass
class _Unit:
    article: Article
    start: int
    end: int
    forms: list[str]


def _units(article: Article, spans: list[tuple[int, int]]) -> list[_Unit]:
    cfg = settings().reuse
    out = []
    for start, end in spans:
        unit_forms = forms(article.text[start:end])
        if len(unit_forms) >= cfg.min_spin_words:
            out.append(_Unit(article, start, end, unit_forms))
    return out


def _evidence(u: _Unit) -> Evidence:
    return span_evidence(u.article, u.start, u.end)


def _paragraph_vectors(article: Article, paras: list[_Unit]) -> np.ndarray:
    """Each paragraph's MiniLM vector, from its sentences where they lie inside it.

    The sentences are already embedded by annotation,
    and encoding every paragraph again was a third of the example's embedding
    time.  A paragraph that a parsed sentence runs out of (a caption with no
    full stop, glued to the next line) is encoded on its own.
    """
    sents = article.sentences
    embed = embedder([article])
    sent_vec = embed([s.text for s in sents])
    out = np.zeros((len(paras), sent_vec.shape[1]), dtype=np.float32)
    ends = [s.start + len(s.text.rstrip()) for s in sents]  # parsed sentences keep trailing space
    own = []
    for k, u in enumerate(paras):
        touching = [i for i, s in enumerate(sents) if s.start < u.end and ends[i] > u.start]
        if touching and all(u.start <= sents[i].start and ends[i] <= u.end for i in touching):
            out[k] = sent_vec[touching].mean(axis=0)
        else:
            own.append(k)
    if own:
        out[own] = embed([article.text[paras[k].start : paras[k].end] for k in own])
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def _twins(article: Article) -> list[_Pair]:
    """Adjacent paragraphs with the same meaning in different words."""
    cfg = settings().reuse
    paras = _units(article, [(m.start(), m.end()) for m in _PARAGRAPH.finditer(article.text)])
    if len(paras) < 2:
        return []
    vec = _paragraph_vectors(article, paras)
    out = []
    for k in range(len(paras) - 1):
        u, v = paras[k], paras[k + 1]
        similar = float(vec[k] @ vec[k + 1]) >= cfg.twin_similar
        if similar and Indel.normalized_similarity(u.forms, v.forms) < cfg.reworded:
            out.append(_Pair(_evidence(v), _evidence(u)))
    return out


def _quotes(article: Article) -> list[_Unit]:
    return _units(article, [(s.start, s.end) for s in find_quoted(article.text)])


def _reworded_quotes(article: Article, others: list[_Unit], other_vec: np.ndarray) -> list[_Pair]:
    """Quotes that another outlet gives with the same meaning in other words.

    A quote some outlet gives (nearly) word for word is not reworded, whatever
    a third outlet made of it.
    """
    cfg = settings().reuse
    mine = _quotes(article)
    if not mine or not others:
        return []
    sims = embedder([article])([article.text[u.start : u.end] for u in mine]) @ other_vec.T
    out = []
    for k, q in enumerate(mine):
        same = [
            (others[j], Indel.normalized_similarity(q.forms, others[j].forms))
            for j in np.nonzero(sims[k] >= cfg.quote_similar)[0]
        ]
        if same and max(o for _, o in same) < cfg.reworded:
            out.append(_Pair(_evidence(q), _evidence(max(same, key=lambda s: s[1])[0])))
    return out


def _one_for_one(pair: _Pair) -> list[tuple[str, str]]:
    """The one-for-one word replacements in the word-level alignment of the pair."""
    a, b = forms(pair.here.text), forms(pair.there.text)
    return [
        (a[op.src_start], b[op.dest_start])
        for op in Levenshtein.opcodes(a, b)
        if op.tag == "replace" and op.src_end - op.src_start == 1 == op.dest_end - op.dest_start
    ]


def _synonym_swap(mine: str, theirs: str) -> bool:
    """A content word replaced by a different word, not by an inflection of itself.

    A copy editor turns "said" into "says" or "the" into "a"; a spinner turns
    "warehouse" into "storehouse" and "escaped" into "fled".  Digits are left
    out: a changed number is a distortion, not a synonym.
    """
    if mine in STOP_WORDS or theirs in STOP_WORDS or mine.isdigit() or theirs.isdigit():
        return False
    common = next(
        (k for k, (x, y) in enumerate(zip(mine, theirs, strict=False)) if x != y),
        min(len(mine), len(theirs)),
    )
    return common < 4 and common < min(len(mine), len(theirs)) - 2


def _source_pairs(
    article: Article, edge: Edge, passages: list[Passage], kinds: set[str]
) -> list[_Pair]:
    """The passages of ``kinds`` between ``article`` and its edge's source, ``here`` first."""
    cfg = settings().reuse
    pairs = []
    for p in passages:
        if (
            p.kind in kinds
            and p.quoted < cfg.quoted_passage
            and {p.a, p.b} == {edge.source, edge.target}
        ):
            here, there = (
                (p.b, p.b_start, p.b_end, p.b_text),
                (p.a, p.a_start, p.a_end, p.a_text),
            )
            if p.a == article.id:
                here, there = there, here
            pairs.append(_Pair(Evidence(*here), Evidence(*there)))
    return pairs


def _paraphrase_of_one(article: Article, edges: list[Edge], passages: list[Passage]) -> list[_Pair]:
    """Paraphrase passages from the one source that explains most of the article."""
    cfg = settings().reuse
    for edge in edges:
        cov = edge.coverage
        if (
            edge.target == article.id
            and cov["paraphrase"] >= cfg.mostly_paraphrased
            and cov["paraphrase"] > cov["verbatim"] + cov["edited"]
        ):
            return _source_pairs(article, edge, passages, {"paraphrase"})
    return []


def _swapped_copy(
    article: Article, edges: list[Edge], passages: list[Passage]
) -> tuple[list[_Pair], list[tuple[str, str]]]:
    """Edited passages from the one source most of the article copies, if synonyms were swapped in.

    A light spinner keeps most words, so its output aligns as an ``edited``
    copy rather than a paraphrase; what gives it away is how many content
    words it replaced one for one.
    """
    cfg = settings().reuse
    for edge in edges:
        cov = edge.coverage
        if edge.target != article.id or cov["edited"] + cov["paraphrase"] < cfg.mostly_copied:
            continue
        pairs = _source_pairs(article, edge, passages, {"edited", "paraphrase"})
        swaps = [w for pair in pairs for w in _one_for_one(pair) if _synonym_swap(*w)]
        copied = sum(len(forms(pair.here.text)) for pair in pairs)
        if len(swaps) >= cfg.min_spun_swaps and len(swaps) >= cfg.spun_swap_rate * copied:
            return pairs, swaps
    return [], []


def spun_findings(
    articles: list[Article], edges: list[Edge], passages: list[Passage]
) -> list[Finding]:
    """``spun_copy`` findings for the articles whose signals support it."""
    cfg = settings().reuse
    quotes = [q for a in articles for q in _quotes(a)]
    quote_vec = embedder(articles)([q.article.text[q.start : q.end] for q in quotes])
    findings = []
    for article in articles:
        keep = np.array([q.article.id != article.id for q in quotes], dtype=bool)
        others = [q for q, k in zip(quotes, keep, strict=True) if k]
        signals = {
            "paraphrase_of_one": _paraphrase_of_one(article, edges, passages),
            "twins": _twins(article),
            "reworded_quotes": _reworded_quotes(
                article, others, quote_vec[keep] if len(quotes) else quote_vec
            ),
        }
        swaps = {id(p): len(_one_for_one(p)) for p in signals["twins"] + signals["reworded_quotes"]}
        swapped = [p for p in signals["twins"] + signals["reworded_quotes"] if swaps[id(p)]]
        n_swaps = sum(swaps.values())
        fired = [
            name
            for name, pairs, least in (
                ("twins", signals["twins"], cfg.min_twins),
                (
                    "reworded_quotes",
                    signals["reworded_quotes"],
                    cfg.min_reworded_quotes,
                ),
            )
            if len(pairs) >= least
        ]
        if n_swaps >= cfg.min_substitutions:
            fired.append("substitutions")
            signals["substitutions"] = swapped
        copied, synonyms = _swapped_copy(article, edges, passages)
        if copied:
            signals["swapped_copy"] = copied
            fired.insert(0, "swapped_copy")
        if signals["paraphrase_of_one"]:
            fired.insert(0, "paraphrase_of_one")
        elif not copied and len(fired) < 2:
            continue
        findings.append(_finding(article, fired, signals, n_swaps, synonyms))
    return findings


_SAYS = {
    "paraphrase_of_one": "{n} passages paraphrase one other article with little word overlap",
    "twins": "{n} paragraphs sit beside a reworded duplicate of themselves",
    "reworded_quotes": "{n} quotes are worded differently from the same quote in other outlets",
    "substitutions": "{swaps} one-for-one word swaps in those pairs",
    "swapped_copy": (
        "{n} passage(s) copy one other article with {synonyms} synonyms swapped in ({examples})"
    ),
}


def _finding(
    article: Article,
    fired: list[str],
    signals: dict[str, list[_Pair]],
    n_swaps: int,
    synonyms: list[tuple[str, str]],
) -> Finding:
    evidence: list[Evidence] = []
    for name in fired:
        for pair in signals[name]:
            for ev in (pair.here, pair.there):
                if ev not in evidence:
                    evidence.append(ev)
    first = min((e for e in evidence if e.article_id == article.id), key=lambda e: e.start)
    distinct = list(dict.fromkeys(synonyms))[:4]
    examples = "e.g. " + ", ".join(f"'{theirs}' → '{mine}'" for mine, theirs in distinct)
    says = "; ".join(
        _SAYS[name].format(
            n=len(signals[name]), swaps=n_swaps, synonyms=len(synonyms), examples=examples
        )
        for name in fired
    )
    return Finding(
        kind="spun_copy",
        article_id=article.id,
        start=first.start,
        end=first.end,
        text=first.text,
        evidence=evidence,
        explanation=f"Likely machine-spun rewrite: {says}.",
        confidence=round(min(1.0, 0.4 + 0.2 * len(fired)), 2),
    )
