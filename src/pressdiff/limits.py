"""The limits that keep one input from taking the machine down, named once.

pressdiff accepts articles from anyone (files, feeds, crawls, soon web
uploads), and its costs grow with what it is given: spaCy's parse time with
the tokens of an article, the pairwise analyses with the articles of a story.
A limit turns an input that would run for an hour, or exhaust memory, into
one clear rejection.  The defaults sit far above real news (the longest
FNC-1 body has 4,788 words and 130 lines; long-form features run to
20,000 words) so that no ordinary article ever meets them.

Change them for one run with ``pressdiff analyze --limit NAME=VALUE`` (or
``ingest``), or pass ``Limits(...)`` to :func:`pressdiff.pipeline.load` and
:func:`pressdiff.pipeline.analyse`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pressdiff.model import Article

# What the parser counts as tokens, near enough: words, numbers and each
# punctuation mark.  A cheap regex, so the limit is checked before parsing.
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Limits:
    """Per-article and per-batch limits; an article over one is rejected with the reason.

    chars_per_article:
        Characters of cleaned text.  500,000 is about 80,000 words, four
        times the longest long-form feature.
    lines_per_article:
        Lines of cleaned text.  A news article has tens to a few hundred
        paragraphs; 20,000 lines is a log, a list or a table, not reporting.
    tokens_per_article:
        Words and punctuation marks parsed.  Parse time and memory grow with
        tokens; 150,000 is about two minutes of parsing on one CPU core.
    articles_per_batch:
        Articles analysed together.  The cross-article analyses compare
        pairs, so their cost grows with the square of this number; inputs
        beyond it are rejected, not analysed.
    seconds_per_article:
        Wall-clock seconds the parse of one article may take; checked
        between chunks, so it is kept to within one chunk's parse.
    parse_chars:
        Characters spaCy parses at once (a chunk of a long article, or a
        batch of short ones).  spaCy's memory grows with the batch it
        parses, about 15 kB a token (+290 MB for a 20,000-character chunk of
        issue 17's short-lines file, +82 MB for 5,000), not with the article.
    """

    chars_per_article: int = 500_000
    lines_per_article: int = 20_000
    tokens_per_article: int = 150_000
    articles_per_batch: int = 2_000
    seconds_per_article: float = 300.0
    parse_chars: int = 10_000

    def article_problem(self, article: Article) -> str | None:
        """Why ``article`` is over a limit (a reason for a Rejection), or None."""
        text = article.text
        lines = text.count("\n") + 1
        if lines > self.lines_per_article:
            return _over(lines, self.lines_per_article, "lines", "lines_per_article")
        if len(text) > self.chars_per_article:
            return _over(len(text), self.chars_per_article, "characters", "chars_per_article")
        tokens = sum(1 for _ in _TOKEN.finditer(text))
        if tokens > self.tokens_per_article:
            return _over(tokens, self.tokens_per_article, "tokens", "tokens_per_article")
        return None

    def with_settings(self, settings: list[str]) -> Limits:
        """These limits with ``NAME=VALUE`` settings applied; ValueError says what is wrong."""
        changes: dict[str, int | float] = {}
        types = {f.name: f.type for f in dataclasses.fields(self)}
        for setting in settings:
            name, _, value = setting.partition("=")
            name = name.strip().replace("-", "_")
            if name not in types:
                raise ValueError(f"unknown limit {name!r} (known: {', '.join(types)})")
            try:
                number = float(value) if types[name] in (float, "float") else int(value)
            except ValueError:
                raise ValueError(f"limit {name} needs a number, got {value!r}") from None
            if number <= 0:
                raise ValueError(f"limit {name} must be positive, got {value}")
            changes[name] = number
        return dataclasses.replace(self, **changes)


def _over(count: int, limit: int, unit: str, name: str) -> str:
    return f"too long to analyse: {count:,} {unit}, the limit is {limit:,} ({name})"


LIMITS = Limits()
"""The defaults."""
