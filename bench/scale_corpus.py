"""Seeded corpus of any size from the FNC-1 bodies, with known stories and duplicates.

Articles are real FNC-1 bodies and copies of them, as a day of wire-heavy
news looks: the first use of a body is its ``original``; every later use is
a copy of it by another outlet, either a ``wire_copy`` (the same text), an
``edited_copy`` (one to three sentences lightly edited, as sub-editors do:
``reuse_generate.light_edit``) or a ``spun_copy`` (every sentence through
``reuse_generate.spin``'s synonym spinner).  Each FNC-1 story gets a seeded
day within a month and its articles seeded times around it.

The truth travels in each line: ``story`` (the FNC-1 story: the connected
bodies of related headline/body pairs, ``reuse_generate.load_stories``),
``body`` (the FNC-1 body it derives from: all articles of one body are
near-duplicates of each other), ``kind`` and ``copy_of`` (the original's id).
The JSON Lines fields ``id``, ``outlet``, ``published`` and ``text`` are what
pressdiff reads.  Everything depends on ``seed`` alone.

    python bench/scale_corpus.py 100000 corpus.jsonl [--seed 14]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reuse_generate import light_edit, load_stories, sentence_spans, spin

# Shares of the copy kinds among the articles after a body's first use.
COPY_KINDS = {"wire_copy": 0.3, "edited_copy": 0.5, "spun_copy": 0.2}
OUTLETS = 400
MONTH_START = datetime(2015, 3, 1, tzinfo=UTC)


def generate(n: int, seed: int = 14) -> Iterator[dict]:
    """``n`` articles (dicts with the JSON Lines fields and the truth), in publication order."""
    rng = random.Random(seed)
    bodies, stories = load_stories()
    stories = [[b for b in group if bodies[b].strip()] for group in stories]
    stories = [group for group in stories if group]
    day = {i: MONTH_START + timedelta(days=rng.uniform(0, 30)) for i in range(len(stories))}
    weights = [len(group) for group in stories]
    originals: dict[int, str] = {}
    drawn = []
    for number in range(n):
        story = rng.choices(range(len(stories)), weights)[0]
        body = rng.choice(stories[story])
        published = day[story] + timedelta(hours=rng.expovariate(1 / 18))
        drawn.append((published, number, story, body))
    drawn.sort()
    for published, number, story, body in drawn:
        article_id = f"g{number:06d}"
        text = bodies[body]
        if body not in originals:
            originals[body] = article_id
            kind, copy_of = "original", None
        else:
            kind = rng.choices(list(COPY_KINDS), list(COPY_KINDS.values()))[0]
            copy_of = originals[body]
            text = _copy(text, kind, rng)
        yield {
            "id": article_id,
            "outlet": f"outlet-{rng.randrange(OUTLETS):03d}",
            "published": published.isoformat(timespec="seconds"),
            "text": text,
            "story": f"fnc-{stories[story][0]}",
            "body": body,
            "kind": kind,
            "copy_of": copy_of,
        }


def _copy(text: str, kind: str, rng: random.Random) -> str:
    if kind == "wire_copy":
        return text
    spans = sentence_spans(text)
    if kind == "edited_copy":
        chosen = set(rng.sample(range(len(spans)), min(len(spans), rng.randint(1, 3))))
    else:
        chosen = set(range(len(spans)))
    edit = light_edit if kind == "edited_copy" else spin
    out, at = [], 0
    for i, (start, end) in enumerate(spans):
        out.append(text[at:start])
        out.append(edit(text[start:end], rng) if i in chosen else text[start:end])
        at = end
    out.append(text[at:])
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as f:
        for line in generate(args.n, args.seed):
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
