"""Quote extraction time against the number of quotes in one article (issue 17).

    .venv/bin/python bench/quotes_scaling.py [--sizes 250,500,1000,2000,4000]

Times ``pressdiff.quotes.extract`` alone (the parse excluded) on generated
articles of N quotes, in CPU and wall seconds: ``lines`` is the stress
benchmark's quotes-10k text (one attributed quote a line), ``paras`` one
quote a paragraph with blank lines between.  Linear extraction doubles
its time when N doubles.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from pressdiff import nlp, quotes


def lines(n: int) -> str:
    rng = random.Random(17)
    names = ["Baldwin", "Hutchins", "Souza", "the sheriff", "a spokesman", "she", "he"]
    return "\n".join(f"“I saw number {i} on the set,” {rng.choice(names)} said." for i in range(n))


def paras(n: int) -> str:
    rng = random.Random(17)
    names = ["Mayor Lee", "Ana Souza", "the mayor", "she", "he", "a spokesman"]
    return "\n\n".join(f"“We will rebuild {i},” {rng.choice(names)} said." for i in range(n))


ARTICLES: dict[str, Callable[[int], str]] = {"lines": lines, "paras": paras}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000,2000,4000")
    parser.add_argument("--articles", nargs="*", choices=list(ARTICLES), default=list(ARTICLES))
    args = parser.parse_args()
    model = nlp.spacy_model()
    quotes.extract("“Warm up,” he said.")
    print("| article | quotes | found | CPU seconds | wall seconds |")
    print("|---|---|---|---|---|")
    for name in args.articles:
        for n in map(int, args.sizes.split(",")):
            text = ARTICLES[name](n)
            doc = model(text)
            cpu, wall = time.process_time(), time.perf_counter()
            found = quotes.extract(text, doc)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"| {name} | {n:,} | {len(found):,} | {cpu:.2f} | {wall:.2f} |", flush=True)


if __name__ == "__main__":
    main()
