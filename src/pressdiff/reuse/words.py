"""Word tokens with character offsets and a quoted/unquoted mark.

Alignment works on words rather than characters: n-gram seeds and the
Indel aligner are both cheaper and less fooled by punctuation and curly-vs-
straight apostrophes on words.  Each word remembers whether it lies inside
quotation marks, because two outlets quoting one interview share the quote,
not a copy.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from pressdiff.lexicon import WORD_RE
from pressdiff.marks import find_quoted


@dataclass(frozen=True)
class Words:
    """The words of one text: normalised forms, offsets, and quoted flags."""

    forms: list[str]
    starts: list[int]
    ends: list[int]
    quoted: list[bool]

    def __len__(self) -> int:
        return len(self.forms)

    def index_at(self, char: int) -> int:
        """Index of the first word starting at or after ``char``."""
        return bisect_right(self.starts, char - 1)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character span from word ``first`` to word ``last`` inclusive."""
        return self.starts[first], self.ends[last]


def _form(word: str) -> str:
    return word.lower().replace("’", "'")


def forms(text: str) -> list[str]:
    """The normalised forms of ``text``'s words: ``words(text).forms`` without finding the
    quotes, which are most of the cost."""
    return [_form(m.group()) for m in WORD_RE.finditer(text)]


def words(text: str) -> Words:
    """Tokenise ``text`` into lowercased words, marking those inside quotes."""
    quoted_parts = sorted(p for span in find_quoted(text) for p in span.parts)
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    quoted: list[bool] = []
    part = 0
    for m in WORD_RE.finditer(text):
        while part < len(quoted_parts) and quoted_parts[part][1] <= m.start():
            part += 1
        inside = part < len(quoted_parts) and quoted_parts[part][0] <= m.start()
        norms.append(_form(m.group()))
        starts.append(m.start())
        ends.append(m.end())
        quoted.append(inside)
    return Words(norms, starts, ends, quoted)
