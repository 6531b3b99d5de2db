"""Altered quotes with known truth: PolNeAR articles copied with one quote changed.

Each case is a story of two articles: a PolNeAR article and a copy of it in
which one gold direct quote (PolNeAR Content span in quotation marks) was
changed in a known way.  Content changes (word substituted, word dropped,
clause added, stitched from two pieces without an ellipsis) must raise
``altered_quote`` on the copy's quote, a speaker swap ``misattributed_quote``;
harmless changes (punctuation, contraction, trim) must raise nothing.

Baseline in the same run: textacy's direct_quotations on both articles, a
copy quote flagged when its text is not exactly one of the original's quotes
but is close to one (rapidfuzz ratio >= 60), a swap when the closest quote's
speaker words differ.

Usage: .venv/bin/python bench/quotes_altered.py [--split dev|train] [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS
from textacy.extract.triples import direct_quotations

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quotes_polnear import DATA, MARKS, _spans

from pressdiff import nlp
from pressdiff.model import Article
from pressdiff.quotes import analyse

CONTENT_CHANGES = ("substitution", "drop", "clause", "stitched")
HARMLESS = ("punctuation", "contraction", "trim")
CHANGES = (*CONTENT_CHANGES, "swap", *HARMLESS)
CLAUSES = (
    ", and we will win this fight in court",
    ", which nobody in Washington wants to admit",
    " despite the protests of the voters",
    ", whatever the courts decide",
)
CONTRACTIONS = {
    "do not": "don't", "does not": "doesn't", "did not": "didn't", "is not": "isn't",
    "are not": "aren't", "was not": "wasn't", "I am": "I'm", "we are": "we're",
    "it is": "it's", "we will": "we'll", "cannot": "can't", "will not": "won't",
    "I have": "I've", "they are": "they're", "that is": "that's",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass
class Case:
    change: str
    original: Article
    copy: Article
    start: int  # the changed quote's words in the copy
    end: int


def gold_quotes(ann: Path, text: str) -> list[tuple[int, int, tuple[int, int] | None]]:
    """(start, end) inside the marks of single-fragment gold quotes, with the source span."""
    spans: dict[str, tuple[str, str]] = {}
    out = []
    lines = ann.read_text().splitlines()
    for line in lines:
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            spans[parts[0]] = (kind, where)
    for line in lines:
        parts = line.split("\t")
        if not parts[0].startswith("E"):
            continue
        roles = dict(r.split(":") for r in parts[1].split()[1:])
        content = spans.get(roles.get("Content", ""))
        if content is None or ";" in content[1]:
            continue
        a, b = _spans(content[1])[0]
        piece = text[a:b].rstrip()
        if not piece or piece[0] not in MARKS or piece[-1] not in MARKS:
            continue
        start, end = a + 1, a + len(piece) - 1
        if len(WORD.findall(text[start:end])) < 10 or any(m in text[start:end] for m in MARKS):
            continue
        source = spans.get(roles.get("Source", ""))
        src = _spans(source[1])[0] if source and ";" not in source[1] else None
        out.append((start, end, src))
    return out


def _content_words(quote: str) -> list[re.Match[str]]:
    words = list(WORD.finditer(quote))
    inner = words[1:-1]
    return [m for m in inner if m.group().lower() not in STOP_WORDS and len(m.group()) >= 4]


def change_quote(
    change: str, text: str, start: int, end: int, src: tuple[int, int] | None, rng: random.Random
) -> tuple[str, int, int] | None:
    """The copy's text and its changed quote span, or None if the quote does not allow it."""
    quote = text[start:end]
    new: str | None = None
    content = _content_words(quote)
    words = list(WORD.finditer(quote))
    if change == "substitution" and content:
        target = rng.choice(content)
        pool = [
            w
            for w in WORD.findall(text[:start] + text[end:])
            if w.lower() not in STOP_WORDS and len(w) >= 4 and w.lower() not in quote.lower()
        ]
        if pool:
            new = quote[: target.start()] + rng.choice(pool) + quote[target.end() :]
    elif change == "drop" and content:
        target = rng.choice(content)
        new = quote[: target.start()] + quote[target.end() :].lstrip()
    elif change == "clause" and len(words) >= 6:
        at = words[rng.randrange(3, len(words) - 2)].end()
        new = quote[:at] + rng.choice(CLAUSES) + quote[at:]
    elif change == "stitched" and len(words) >= 12:
        cut_from = words[rng.randrange(3, len(words) // 2)].start()
        cut_to = words[rng.randrange(len(words) // 2 + 3, len(words) - 2)].start()
        new = quote[:cut_from] + quote[cut_to:]
    elif change == "punctuation":
        if "," in quote:
            new = quote.replace(",", "", 1)
        else:
            at = words[len(words) // 2].end()
            new = quote[:at] + "," + quote[at:]
    elif change == "contraction":
        for long, short in CONTRACTIONS.items():
            for a, b in ((long, short), (short, long), (short.replace("'", "’"), long)):
                hit = re.search(rf"\b{re.escape(a)}\b", quote)
                if hit:
                    new = quote[: hit.start()] + b + quote[hit.end() :]
                    break
            if new is not None:
                break
    elif change == "trim" and len(words) >= 10:
        new = quote[words[2].start() :] if rng.random() < 0.5 else quote[: words[-3].end()]
    elif change == "swap" and src is not None:
        return _swap_speaker(text, start, end, src, rng)
    if new is None or new == quote:
        return None
    return text[:start] + new + text[end:], start, start + len(new)


def _swap_speaker(
    text: str, start: int, end: int, src: tuple[int, int], rng: random.Random
) -> tuple[str, int, int] | None:
    """Credit the quote to another person of the article (only named sources)."""
    source = text[src[0] : src[1]]
    if not source[:1].isupper() or source.lower() in {"he", "she", "i", "we", "they"}:
        return None
    names = {
        e.text
        for e in nlp.spacy_model()(text).ents
        if e.label_ == "PERSON" and e.text.split()[-1] not in source and len(e.text) > 3
    }
    if not names:
        return None
    other = rng.choice(sorted(names))
    copy = text[: src[0]] + other + text[src[1] :]
    shift = len(other) - len(source) if src[0] < start else 0
    return copy, start + shift, end + shift


def make_cases(split: str, limit: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    root = DATA / split
    anns = sorted((root / "attributions").glob("*.ann"))
    cases: list[Case] = []
    texts = sorted((root / "text").glob("*.txt"))
    rng.shuffle(texts)
    for path in texts:
        if len({c.original.id for c in cases}) >= limit:
            break
        ann = next((a for a in anns if a.name.startswith(path.stem + "_")), None)
        if ann is None:
            continue
        text = path.read_text()
        quotes = gold_quotes(ann, text)
        if not quotes:
            continue
        original = Article(path.stem, str(path), "original", text, text)
        for change in CHANGES:
            start, end, src = rng.choice(quotes)
            made = change_quote(change, text, start, end, src, rng)
            if made is None:
                continue
            copy_text, a, b = made
            copy = Article(path.stem + "-copy", "generated", "copy", copy_text, copy_text)
            cases.append(Case(change, original, copy, a, b))
    return cases


def ours(case: Case, docs: dict[str, object]) -> set[str]:
    """Kinds of quote findings pressdiff raises on the copy's changed quote (or elsewhere)."""
    for article in (case.original, case.copy):
        article.doc = docs.get(article.text) or nlp.spacy_model()(article.text)
        docs[article.text] = article.doc
    result = analyse([case.original, case.copy], semantic=False)
    return {
        f.kind
        if (f.start < case.end and case.start < f.end) or f.kind == "misattributed_quote"
        else "elsewhere"
        for f in result.findings
        if f.article_id == case.copy.id
    }


def baseline(case: Case, docs: dict[str, object]) -> set[str]:
    """textacy quotes compared as strings."""

    def quotes(article: Article) -> list[tuple[str, str, int, int]]:
        try:
            triples = list(direct_quotations(docs[article.text]))
        except ValueError:
            return []
        return [
            (
                t.content.text.strip(MARKS + " ,."),
                " ".join(w.text for w in t.speaker),
                t.content.start_char,
                t.content.end_char,
            )
            for t in triples
        ]

    originals = quotes(case.original)
    kinds = set()
    for text, speaker, a, b in quotes(case.copy):
        best = max(originals, key=lambda o: fuzz.ratio(o[0], text), default=None)
        if best is None or fuzz.ratio(best[0], text) < 60:
            continue
        inside = a < case.end and case.start < b
        if best[0] != text:
            kinds.add("altered_quote" if inside else "elsewhere")
        elif best[1] != speaker:
            kinds.add("misattributed_quote")
    return kinds


def show(case: Case) -> None:
    result = analyse([case.original, case.copy], semantic=False)
    for f in result.findings:
        print(f"FALSE ALARM ({case.change}): {f.explanation[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=40, help="articles to copy")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print false alarms")
    args = parser.parse_args()
    cases = make_cases(args.split, args.limit, args.seed)
    docs: dict[str, object] = {}
    for case in cases:
        for article in (case.original, case.copy):
            if article.text not in docs:
                docs[article.text] = nlp.spacy_model()(article.text)
    print(
        f"{len(cases)} altered copies of {len({c.original.id for c in cases})} PolNeAR "
        f"{args.split} articles (seed {args.seed})"
    )
    for name, system in (("pressdiff", ours), ("baseline: textacy + string compare", baseline)):
        t0 = time.perf_counter()
        hits: dict[str, list[bool]] = defaultdict(list)
        flagged: dict[str, list[bool]] = defaultdict(list)  # per finding: right place and kind?
        for case in cases:
            kinds = system(case, docs)
            expected = "misattributed_quote" if case.change == "swap" else "altered_quote"
            if case.change in HARMLESS:
                hits[case.change].append(bool(kinds - {"elsewhere"}))
                if args.show and kinds - {"elsewhere"}:
                    show(case)
            else:
                hits[case.change].append(expected in kinds)
            flagged[case.change].extend(k == expected for k in kinds)
        seconds = time.perf_counter() - t0
        print(f"\n{name} ({seconds:.1f} s)")
        print(
            "| change | cases | recall (content, swap) / false-alarm rate (harmless) | precision |"
        )
        print("|---|---|---|---|")
        for change in CHANGES:
            h, f = hits[change], flagged[change]
            prec = f"{sum(f) / len(f):.3f}" if f and change not in HARMLESS else "–"
            print(f"| {change} | {len(h)} | {sum(h) / max(1, len(h)):.3f} | {prec} |")


if __name__ == "__main__":
    main()
