"""Pairwise passage alignment over a story: lexical passages first, then paraphrases.

Lexical alignment (:mod:`.lexical`) finds verbatim and edited copies; the
sentences those copies already explain are masked before the paraphrase
alignment (:mod:`.paraphrase`) looks for reworded ones, so one stretch of
text is never reported twice.  Pairs are chosen by shared rare n-grams and,
for rewordings that share none, by the nearest articles in embedding space.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import Indel

from pressdiff.annotate import embedder
from pressdiff.config import settings
from pressdiff.model import Article
from pressdiff.reuse.lexical import SeedIndex, align_pair
from pressdiff.reuse.paraphrase import align_sentences
from pressdiff.reuse.records import Passage, PassageKind
from pressdiff.reuse.words import Words


def sentence_vectors(articles: list[Article]) -> list[np.ndarray]:
    """MiniLM vectors of every article's sentences, one matrix per article."""
    texts = [s.text for a in articles for s in a.sentences]
    flat = embedder(articles)(texts)
    out, at = [], 0
    for a in articles:
        out.append(flat[at : at + len(a.sentences)])
        at += len(a.sentences)
    return out


def _neighbour_pairs(vectors: list[np.ndarray]) -> set[tuple[int, int]]:
    """Each article's nearest articles by the mean of its sentence vectors."""
    cfg = settings().reuse
    dim = vectors[0].shape[1] if vectors and vectors[0].size else 384
    means = np.stack([v.mean(axis=0) if len(v) else np.zeros(dim) for v in vectors])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    sims = means @ means.T
    np.fill_diagonal(sims, -1.0)
    pairs = set()
    for i, row in enumerate(sims):
        for j in np.argsort(-row)[: cfg.neighbours]:
            if row[j] >= cfg.neighbour_min:
                pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs


def _quoted_share(w: Words, first: int, last: int) -> float:
    n = last - first + 1
    return sum(w.quoted[first : last + 1]) / n if n > 0 else 0.0


def _passage(
    arts: tuple[Article, Article],
    words: tuple[Words, Words],
    a_span: tuple[int, int],
    b_span: tuple[int, int],
    kind: PassageKind | None,
    similarity: float | None,
) -> Passage | None:
    """A passage between word spans ``a_span`` and ``b_span`` (inclusive word indices)."""
    cfg = settings().reuse
    (a, b), (wa, wb) = arts, words
    (af, al), (bf, bl) = a_span, b_span
    if al < af or bl < bf:
        return None
    overlap = Indel.normalized_similarity(wa.forms[af : al + 1], wb.forms[bf : bl + 1])
    if kind is None:
        kind = "verbatim" if overlap >= cfg.verbatim else "edited"
    n = (al - af + 1) + (bl - bf + 1)
    quoted = (
        _quoted_share(wa, af, al) * (al - af + 1) + _quoted_share(wb, bf, bl) * (bl - bf + 1)
    ) / n
    a_start, a_end = wa.span(af, al)
    b_start, b_end = wb.span(bf, bl)
    return Passage(
        a=a.id,
        b=b.id,
        a_start=a_start,
        a_end=a_end,
        b_start=b_start,
        b_end=b_end,
        kind=kind,
        similarity=round(float(overlap if similarity is None else similarity), 4),
        overlap=round(float(overlap), 4),
        quoted=round(float(quoted), 4),
        mostly_quoted=bool(quoted >= cfg.quoted_passage),
        a_text=a.text[a_start:a_end],
        b_text=b.text[b_start:b_end],
    )


def _sentence_words(article: Article, w: Words) -> list[tuple[int, int]]:
    """Inclusive word-index range of each sentence (empty ranges have last < first)."""
    return [(w.index_at(s.start), w.index_at(s.end) - 1) for s in article.sentences]


def _explained(ranges: list[tuple[int, int]], covered: np.ndarray) -> np.ndarray:
    """Which sentences (word ranges) lexical passages mostly cover.

    The share of each range is its count of covered words (a difference of running
    sums) over its length: the same division as the mean of the range's flags.
    """
    cfg = settings().reuse
    bounds = np.array(ranges, dtype=np.int64).reshape(-1, 2)
    first, last = bounds[:, 0], bounds[:, 1]
    size = last - first + 1
    some = size > 0
    running = np.concatenate(([0], np.cumsum(covered, dtype=np.int64)))
    share = np.zeros(len(ranges))
    share[some] = (running[last[some] + 1] - running[first[some]]) / size[some]
    return some & (share >= cfg.lexically_explained)


def align_story(
    articles: list[Article], words: list[Words], vectors: list[np.ndarray]
) -> list[Passage]:
    """Every aligned passage between every candidate pair of articles."""
    cfg = settings().reuse
    index = SeedIndex(words)
    pairs = set(index.candidate_pairs()) | _neighbour_pairs(vectors)
    ranges = [_sentence_words(a, w) for a, w in zip(articles, words, strict=True)]
    long_enough = [
        np.array(
            [last - first + 1 >= cfg.min_sentence_words for first, last in r],
            dtype=bool,
        )
        for r in ranges
    ]
    passages: list[Passage] = []
    for i, j in sorted(pairs):
        arts, ws = (articles[i], articles[j]), (words[i], words[j])
        covered = [np.zeros(len(words[i]), dtype=bool), np.zeros(len(words[j]), dtype=bool)]
        for m in align_pair(index, i, j, words[i], words[j]):
            p = _passage(arts, ws, (m.a_first, m.a_last), (m.b_first, m.b_last), None, None)
            if p:
                passages.append(p)
                covered[0][m.a_first : m.a_last + 1] = True
                covered[1][m.b_first : m.b_last + 1] = True
        if not len(vectors[i]) or not len(vectors[j]):
            continue
        usable = np.outer(
            long_enough[i] & ~_explained(ranges[i], covered[0]),
            long_enough[j] & ~_explained(ranges[j], covered[1]),
        )
        for run in align_sentences(vectors[i] @ vectors[j].T, usable):
            a_span = (ranges[i][run.a_first][0], ranges[i][run.a_last][1])
            b_span = (ranges[j][run.b_first][0], ranges[j][run.b_last][1])
            p = _passage(arts, ws, a_span, b_span, "paraphrase", run.similarity)
            if p and (run.a_last > run.a_first or p.overlap >= cfg.lone_overlap):
                passages.append(p)
    return passages
