"""Quote extraction and attribution on PolNeAR, beside textacy's direct_quotations.

Gold: the PolNeAR Content spans that contain quotation marks are the direct
quotes; the words inside the marks are the gold quote words (what a quote
extractor should return), and the attribution's Source span is the speaker.
Both systems see the same parsed Doc and are scored the same way:

- exact: a predicted quote whose word set equals a gold quote's;
- token: precision/recall over quote words across all articles;
- speaker: on gold quotes matched by a prediction (shared words), the
  predicted speaker span overlaps the gold Source, or both resolve to the
  same person; reported overall and for gold sources that are pronouns.

Usage: .venv/bin/python bench/quotes_polnear.py [--split dev|train] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from textacy.extract.triples import direct_quotations

from pressdiff import nlp
from pressdiff.quotes.extract import extract_doc
from pressdiff.quotes.people import People

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear"
MARKS = '"“”'
WORD = re.compile(r"\w+")
PRONOUNS = {"he", "she", "they", "i", "we", "him", "her", "it", "you"}


@dataclass
class Gold:
    words: frozenset[int]  # start offsets of the words inside the marks
    source: list[tuple[int, int]]
    source_text: str


@dataclass
class Pred:
    words: frozenset[int]
    speaker: tuple[int, int] | None
    name: str | None


@dataclass
class Score:
    exact_pred: int = 0
    exact_gold: int = 0
    n_pred: int = 0
    n_gold: int = 0
    tp_words: int = 0
    pred_words: int = 0
    gold_words: int = 0
    speaker: list[bool] = field(default_factory=list)
    speaker_pron: list[bool] = field(default_factory=list)
    by_gold: dict[tuple[str, int], bool] = field(default_factory=dict)


def _spans(field_: str) -> list[tuple[int, int]]:
    return [tuple(map(int, frag.split())) for frag in field_.split(";")]


def _inside_words(text: str, frags: list[tuple[int, int]]) -> frozenset[int]:
    """Words of the fragments that lie between quotation marks."""
    words: set[int] = set()
    inside = False
    for a, b in frags:
        pos = a
        for m in re.finditer(f"[{MARKS}]|\\w+", text[a:b]):
            tok = m.group()
            if tok in MARKS:
                inside = tok == "“" or (tok == '"' and not inside)
            elif inside:
                words.add(a + m.start())
            pos = a + m.end()
        del pos
    return frozenset(words)


def read_gold(ann: Path, text: str) -> list[Gold]:
    spans: dict[str, tuple[str, str]] = {}
    golds = []
    for line in ann.read_text().splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            spans[parts[0]] = (kind, where)
    for line in ann.read_text().splitlines():
        parts = line.split("\t")
        if not parts[0].startswith("E"):
            continue
        roles = dict(r.split(":") for r in parts[1].split()[1:])
        content = spans.get(roles.get("Content", ""))
        if content is None:
            continue
        frags = _spans(content[1])
        if not any(c in text[a:b] for a, b in frags for c in MARKS):
            continue
        words = _inside_words(text, frags)
        if not words:
            continue
        source = spans.get(roles.get("Source", ""))
        src = _spans(source[1]) if source else []
        golds.append(Gold(words, src, " ".join(text[a:b] for a, b in src)))
    return golds


def words_in(text: str, parts: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(a + m.start() for a, b in parts for m in WORD.finditer(text[a:b]))


def ours(doc, people) -> list[Pred]:
    return [
        Pred(
            words_in(doc.text, q.parts),
            (q.speaker_start, q.speaker_end) if q.speaker_start >= 0 else None,
            q.speaker,
        )
        for q in extract_doc(doc, people)
    ]


def textacy_baseline(doc, people) -> list[Pred]:
    preds = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # textacy bails out on an article with unbalanced marks
        triples = []
    for triple in triples:
        content = triple.content
        inner = (content.start_char, content.end_char)
        speaker = None
        name = None
        if triple.speaker:
            speaker = (
                min(t.idx for t in triple.speaker),
                max(t.idx + len(t) for t in triple.speaker),
            )
            name = " ".join(t.text for t in triple.speaker)
        preds.append(Pred(words_in(doc.text, [inner]), speaker, name))
    return preds


def _same_person(gold: Gold, pred: Pred, doc, people: People, inside) -> bool:
    if pred.speaker and any(a < pred.speaker[1] and pred.speaker[0] < b for a, b in gold.source):
        return True
    if not gold.source or not pred.name:
        return False
    span = doc.char_span(gold.source[0][0], gold.source[-1][1], alignment_mode="expand")
    if span is None:
        return False
    gold_name = (people.resolve(span, inside) or "").lower().split()
    return bool(gold_name) and gold_name[-1] in pred.name.lower().split()


def quoted_tokens(doc, golds: list[Gold]) -> list[bool]:
    """For each token: is it a word inside the gold quotes?  A gold pronoun
    Source ("he") is resolved like any pronoun, to the nearest person named
    outside quotation marks; a name inside a quote is what was said, not who."""
    words = frozenset().union(*(g.words for g in golds)) if golds else frozenset()
    return [t.idx in words for t in doc]


def score(doc, golds: list[Gold], preds: list[Pred], people: People, s: Score, name: str) -> None:
    inside = quoted_tokens(doc, golds)
    s.n_pred += len(preds)
    s.n_gold += len(golds)
    gold_words = frozenset().union(*(g.words for g in golds)) if golds else frozenset()
    pred_words = frozenset().union(*(p.words for p in preds)) if preds else frozenset()
    s.tp_words += len(gold_words & pred_words)
    s.gold_words += len(gold_words)
    s.pred_words += len(pred_words)
    s.exact_pred += sum(any(p.words == g.words for g in golds) for p in preds)
    s.exact_gold += sum(any(p.words == g.words for p in preds) for g in golds)
    for index, g in enumerate(golds):
        best = max(preds, key=lambda p: len(p.words & g.words), default=None)
        if best is None or not best.words & g.words or not g.source_text.strip():
            continue
        ok = _same_person(g, best, doc, people, inside)
        s.speaker.append(ok)
        s.by_gold[(name, index)] = ok
        if g.source_text.lower() in PRONOUNS:
            s.speaker_pron.append(ok)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(name: str, s: Score, seconds: float) -> str:
    ep, er = s.exact_pred / max(1, s.n_pred), s.exact_gold / max(1, s.n_gold)
    tp, tr = s.tp_words / max(1, s.pred_words), s.tp_words / max(1, s.gold_words)
    sp = sum(s.speaker) / max(1, len(s.speaker))
    spp = sum(s.speaker_pron) / max(1, len(s.speaker_pron))
    return (
        f"| {name} | {ep:.3f} | {er:.3f} | {_f1(ep, er):.3f} | {tp:.3f} | {tr:.3f} | "
        f"{_f1(tp, tr):.3f} | {sp:.3f} ({len(s.speaker)}) | {spp:.3f} ({len(s.speaker_pron)}) "
        f"| {seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--errors", action="store_true", help="print our misses and wrong speakers")
    args = parser.parse_args()
    root = DATA / args.split
    texts = sorted((root / "text").glob("*.txt"))
    if args.limit:
        texts = texts[: args.limit]
    anns = sorted((root / "attributions").glob("*.ann"))
    model = nlp.spacy_model()
    scores = {"pressdiff": Score(), "textacy": Score()}
    seconds = dict.fromkeys(scores, 0.0)
    for path in texts:
        ann = next((a for a in anns if a.name.startswith(path.stem + "_")), None)
        if ann is None:
            continue
        text = path.read_text()
        golds = read_gold(ann, text)
        doc = model(text)
        people = People([doc])
        for name, system in (("pressdiff", ours), ("textacy", textacy_baseline)):
            t0 = time.perf_counter()
            preds = system(doc, people)
            seconds[name] += time.perf_counter() - t0
            score(doc, golds, preds, people, scores[name], path.name)
            if args.errors and name == "pressdiff":
                show_errors(path.name, doc, golds, preds, people)
    print(f"PolNeAR {args.split}: {len(texts)} articles, {scores['pressdiff'].n_gold} gold quotes")
    print(
        "| system | exact P | exact R | exact F1 | token P | token R | token F1 "
        "| speaker acc (n) | pronoun-source acc (n) | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s in scores.items():
        print(report(name, s, seconds[name]))
    ours_s, base_s = scores["pressdiff"], scores["textacy"]
    common = ours_s.by_gold.keys() & base_s.by_gold.keys()
    print(
        f"\nSpeaker accuracy on the {len(common)} gold quotes both systems match: "
        f"pressdiff {sum(ours_s.by_gold[k] for k in common) / max(1, len(common)):.3f}, "
        f"textacy {sum(base_s.by_gold[k] for k in common) / max(1, len(common)):.3f}"
    )


def show_errors(name: str, doc, golds: list[Gold], preds: list[Pred], people: People) -> None:
    text = doc.text
    inside = quoted_tokens(doc, golds)

    def words(ws: frozenset[int]) -> str:
        return " ".join(WORD.match(text, i).group() for i in sorted(ws))[:120]

    for g in golds:
        best = max(preds, key=lambda p: len(p.words & g.words), default=None)
        if best is None or not best.words & g.words:
            print(f"MISS {name}: {words(g.words)}")
        elif not _same_person(g, best, doc, people, inside):
            got = text[best.speaker[0] : best.speaker[1]] if best.speaker else None
            quote = words(g.words)[:60]
            print(f"SPEAKER {name}: gold={g.source_text!r} got={got!r}/{best.name!r}: {quote}")
    for p in preds:
        if not any(p.words & g.words for g in golds):
            print(f"EXTRA {name}: {words(p.words)}")


if __name__ == "__main__":
    main()
