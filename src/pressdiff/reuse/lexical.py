"""Verbatim and edited reuse: rare word n-gram seeds, then alignment (after passim).

Two articles that share a passage share n-grams of words that are rare
enough to be unique in both.  Those seeds are chained along the diagonal
(both positions advance together, with bounded gaps), and each chain's
neighbourhood is aligned word by word with rapidfuzz's Indel opcodes, which
recovers the edited words between the seeds and fixes the passage ends.

Candidate pairs come from an inverted index of the same n-grams, so only
articles that share at least a few seeds are ever aligned: the work grows
with the amount of shared text, not with the square of the story size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz.distance import Indel

from pressdiff.config import settings
from pressdiff.reuse.words import Words


@dataclass(frozen=True)
class Match:
    """A lexical passage between words ``a_first..a_last`` and ``b_first..b_last``."""

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    matched: int
    overlap: float


def _grams(w: Words) -> dict[str, list[int]]:
    cfg = settings().reuse
    grams: dict[str, list[int]] = defaultdict(list)
    for i in range(len(w) - cfg.seed_n + 1):
        grams[" ".join(w.forms[i : i + cfg.seed_n])].append(i)
    return grams


class SeedIndex:
    """Unique n-grams of every article, and the pairs of articles that share them."""

    def __init__(self, texts: list[Words]) -> None:
        cfg = settings().reuse
        self.grams = [_grams(w) for w in texts]
        df = Counter(g for grams in self.grams for g in grams)
        cap = len(texts) * cfg.max_df_share if len(texts) >= 10 else len(texts)
        self.common = {g for g, n in df.items() if n > cap}

    def candidate_pairs(self) -> list[tuple[int, int]]:
        """Pairs of article indices sharing at least ``min_seeds`` n-grams."""
        cfg = settings().reuse
        postings: dict[str, list[int]] = defaultdict(list)
        for doc, grams in enumerate(self.grams):
            for g in grams:
                if g not in self.common:
                    postings[g].append(doc)
        shared: Counter[tuple[int, int]] = Counter()
        for docs in postings.values():
            if len(docs) > 1:
                shared.update(combinations(docs, 2))
        return sorted(pair for pair, n in shared.items() if n >= cfg.min_seeds)

    def seeds(self, a: int, b: int) -> list[tuple[int, int]]:
        """Positions ``(i, j)`` of n-grams occurring exactly once in both articles."""
        ga, gb = self.grams[a], self.grams[b]
        if len(gb) < len(ga):
            ga, gb, swap = gb, ga, True
        else:
            swap = False
        out = []
        for g in ga.keys() & gb.keys():
            pos, other = ga[g], gb[g]
            if len(pos) == 1 and len(other) == 1 and g not in self.common:
                out.append((other[0], pos[0]) if swap else (pos[0], other[0]))
        return sorted(out)


def _chains(seeds: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Group seeds into monotone runs along a diagonal with bounded gaps."""
    cfg = settings().reuse
    chains: list[list[tuple[int, int]]] = []
    for i, j in seeds:
        for chain in reversed(chains):
            li, lj = chain[-1]
            if 0 < i - li <= cfg.max_gap and 0 < j - lj <= cfg.max_gap:
                chain.append((i, j))
                break
        else:
            chains.append([(i, j)])
    return [c for c in chains if len(c) >= cfg.min_seeds]


def _align(a: Words, b: Words, chain: list[tuple[int, int]]) -> Match | None:
    """Align the neighbourhood of one seed chain and trim it to its matched words."""
    cfg = settings().reuse
    a0 = max(0, chain[0][0] - cfg.pad)
    b0 = max(0, chain[0][1] - cfg.pad)
    a1 = min(len(a), chain[-1][0] + cfg.seed_n + cfg.pad)
    b1 = min(len(b), chain[-1][1] + cfg.seed_n + cfg.pad)
    blocks = [
        op
        for op in Indel.opcodes(a.forms[a0:a1], b.forms[b0:b1])
        if op.tag == "equal" and op.src_end - op.src_start >= 2
    ]
    # Stray matches of function words at the padded ends are not the passage.
    while blocks and blocks[0].src_end - blocks[0].src_start < 3:
        blocks.pop(0)
    while blocks and blocks[-1].src_end - blocks[-1].src_start < 3:
        blocks.pop()
    if not blocks:
        return None
    matched = sum(op.src_end - op.src_start for op in blocks)
    first, last = blocks[0], blocks[-1]
    la = last.src_end - first.src_start
    lb = last.dest_end - first.dest_start
    overlap = 2 * matched / (la + lb)
    if matched < cfg.min_matched or overlap < cfg.min_overlap:
        return None
    return Match(
        a0 + first.src_start,
        a0 + last.src_end - 1,
        b0 + first.dest_start,
        b0 + last.dest_end - 1,
        matched,
        overlap,
    )


def _merge(matches: list[Match], a: Words, b: Words) -> list[Match]:
    """Join matches that overlap on both sides (neighbouring chains, shared padding)."""
    merged: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.a_first, m.b_first)):
        if merged:
            p = merged[-1]
            if m.a_first <= p.a_last + 1 and m.b_first <= p.b_last + 1 and m.b_last >= p.b_first:
                a_first, a_last = p.a_first, max(p.a_last, m.a_last)
                b_first, b_last = min(p.b_first, m.b_first), max(p.b_last, m.b_last)
                sa, sb = a.forms[a_first : a_last + 1], b.forms[b_first : b_last + 1]
                overlap = Indel.normalized_similarity(sa, sb)
                matched = round(overlap * (len(sa) + len(sb)) / 2)
                merged[-1] = Match(a_first, a_last, b_first, b_last, matched, overlap)
                continue
        merged.append(m)
    return merged


def align_pair(index: SeedIndex, a_idx: int, b_idx: int, a: Words, b: Words) -> list[Match]:
    """All lexical passages shared by two articles."""
    found = [m for c in _chains(index.seeds(a_idx, b_idx)) if (m := _align(a, b, c))]
    return _merge(found, a, b)
