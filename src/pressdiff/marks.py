"""Finding quoted spans from quotation marks alone (no parse needed).

Quotation marks in scraped news are messy: straight and curly marks mixed in
one quote, closing marks typed as opening ones, a paragraph-long quote whose
closing mark was forgotten.  The scanner therefore decides each mark's role
from its neighbours (a mark after a space opens, a mark before a space
closes) rather than from its glyph alone, and never lets one bad mark run on
past the end of a paragraph: an unclosed quote stops at the paragraph end,
unless the next paragraph opens with a mark, which is the convention for a
quote that continues over several paragraphs.

Single marks are read as quotes only outside double-quoted text (inside,
they are a nested quote and belong to the outer one) and only where they
cannot be apostrophes: an opening ‘ or ' must follow a space or a bracket,
a closing one must not be followed by a letter.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_BOTH = '"'
SINGLE_OPEN = "‘‹"
SINGLE_CLOSE = "’›"
SINGLE_BOTH = "'"

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[“\"‘'])")
_WORD = re.compile(r"\w")


@dataclass
class Quoted:
    """A quoted stretch: ``parts`` are the pieces inside the marks, in order.

    A quote over several paragraphs has one part per paragraph (the repeated
    opening marks are left out).
    """

    parts: list[tuple[int, int]] = field(default_factory=list)
    single: bool = False

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def _role(text: str, i: int, opens: str, closes: str, both: str) -> str | None:
    """'open', 'close' or None (not a quotation mark here) for the mark at ``i``."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    left_open = before.isspace() or before in "([{—–-/:" or before in DOUBLE_OPEN + SINGLE_OPEN
    right_open = after.isspace() or after in ".,;:!?)]}—–-…" or after in DOUBLE_CLOSE + SINGLE_CLOSE
    if before.isalnum() and after.isalnum():
        return None  # an apostrophe (didn’t) or a mark inside a word
    if ch in both:
        if left_open and not right_open:
            return "open"
        if right_open and not left_open:
            return "close"
        if i == 0:
            return "open"
        if before.isspace() and after.isspace():
            # Spaced off a nested quote ('… its brain,' " said Fiorina; " 'We …):
            # the mark beside the single one closes or opens the double quote.
            # (An empty slice at the text's edge would count as "in" every string.)
            if i >= 2 and text[i - 2] in SINGLE_CLOSE + SINGLE_BOTH:
                return "close"
            if i + 2 < len(text) and text[i + 2] in SINGLE_OPEN + SINGLE_BOTH:
                return "open"
        return "close" if not before.isspace() else None
    if ch in opens:
        # A curly opening mark typed where a closing one belongs ("word“ then").
        return "close" if right_open and not left_open else "open"
    if ch in closes:
        return "open" if left_open and not right_open else "close"
    return None


def _paragraph_ends(text: str) -> list[int]:
    ends = [m.start() for m in re.finditer(r"\n\s*\n", text)]
    ends.append(len(text))
    return ends


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _scan(
    text: str, opens: str, closes: str, both: str, allowed: list[tuple[int, int]] | None
) -> list[Quoted]:
    """Pair marks of one kind; ``allowed`` limits the scan to stretches of the text."""
    marks = opens + closes + both
    para_ends = _paragraph_ends(text)
    spans: list[Quoted] = []
    current: Quoted | None = None
    open_at = -1  # where the current part's words start

    def para_end_after(pos: int) -> int:
        return para_ends[bisect_left(para_ends, pos)]

    def close_part(end: int) -> None:
        nonlocal current
        assert current is not None
        s, e = _trim(text, open_at, end)
        if e > s:
            current.parts.append((s, e))

    def finish() -> None:
        nonlocal current
        if current is not None and current.parts:
            spans.append(current)
        current = None

    regions = allowed if allowed is not None else [(0, len(text))]
    any_mark = re.compile(f"[{re.escape(marks)}]")
    for region_start, region_end in regions:
        for found in any_mark.finditer(text, region_start, region_end):
            i = found.start()
            role = _role(text, i, opens, closes, both)
            if role is None:
                continue
            if current is not None and open_at >= 0:
                limit = para_end_after(open_at)
                if i > limit:
                    # The quote ran into a paragraph end without a closing mark.
                    close_part(limit)
                    open_at = -1
                    if role != "open" or text[limit:i].strip():
                        finish()
            if role == "open":
                if current is None:
                    current = Quoted(single=opens == SINGLE_OPEN)
                elif open_at >= 0:
                    # Two openings in one paragraph: the first was a stray mark.
                    # Earlier paragraphs of a continued quote are kept as a quote.
                    finish()
                    current = Quoted(single=opens == SINGLE_OPEN)
                open_at = i + 1
            elif current is not None and open_at >= 0:
                close_part(i)
                open_at = -1
                finish()
        if current is not None and open_at >= 0:
            close_part(min(para_end_after(open_at), region_end))
            open_at = -1
        finish()
    return spans


def find_quoted(text: str) -> list[Quoted]:
    """Every quoted stretch of ``text``: double-quoted ones, then single-quoted ones
    outside them, sorted by position."""
    doubles = _scan(text, DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_BOTH, None)
    outside: list[tuple[int, int]] = []
    pos = 0
    for span in doubles:
        outside.append((pos, max(pos, span.start - 1)))
        pos = span.end + 1
    outside.append((pos, len(text)))
    singles = [
        s
        for s in _scan(text, SINGLE_OPEN, SINGLE_CLOSE, SINGLE_BOTH, outside)
        if all(_WORD.search(text[a:b]) for a, b in s.parts)
    ]
    return sorted(doubles + singles, key=lambda s: s.start)
