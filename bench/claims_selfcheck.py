"""Self-contradictions on untouched FNC-1 bodies: every one is a false alarm, so count them.

An article that says one thing twice, differently, is flagged without any other outlet
(:func:`pressdiff.claims.twins.self_contradictions`).  Real news bodies that nobody rewrote
should give (almost) none: this reads ``--bodies`` FNC-1 bodies (shuffled with ``--seed``),
each on its own, and prints every self-contradiction found, for a person to judge.  FNC-1's
bodies are the training file the distorted-copies benchmark samples stories from; nothing is
tuned here (an audit).

    .venv/bin/python bench/claims_selfcheck.py --bodies 300 --seed 5
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_distort import FNC

from pressdiff.annotate import annotate, embedder
from pressdiff.claims.extract import extract_claims
from pressdiff.claims.twins import assertions, self_contradictions
from pressdiff.model import Article

MAX_CHARS = 6000  # a body's first characters, to keep the audit to minutes on a shared CPU


def bodies(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` FNC-1 training bodies (id, text), shuffled with ``seed``."""
    csv.field_size_limit(10_000_000)
    with (FNC / "train_bodies.csv").open(newline="", encoding="utf-8") as f:
        rows = [(r.get("Body ID") or r["Body_ID"], r["articleBody"]) for r in csv.DictReader(f)]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    articles = [Article(b, b, f"fnc-{b}", t[:MAX_CHARS], t[:MAX_CHARS]) for b, t in bodies(
        args.bodies, args.seed)]  # fmt: skip
    annotate(articles)
    found = 0
    claims_seen = 0
    for article in articles:
        parsed = extract_claims(article)
        claims_seen += len(parsed)
        asserts = {c.id: assertions(span, c.start) for c, span in parsed}
        claims = [c for c, _ in parsed]
        for f in self_contradictions(claims, asserts, [article], embedder([article])):
            found += 1
            print(f"body {article.id}: {f.text!r}\n  {f.explanation}")
            for ev in f.evidence:
                print(f"    | {ev.text[:200]!r}")
    print(
        f"{found} self-contradiction(s) in {len(articles)} untouched FNC-1 bodies "
        f"({claims_seen} claims; seed {args.seed}); {time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
