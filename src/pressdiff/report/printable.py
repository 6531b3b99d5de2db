"""Untrusted text made safe to print on a terminal: every control character shown, not obeyed.

Article text, titles, outlets, file names and URLs come from whoever wrote
the input.  A terminal obeys escape sequences wherever they appear, so a
title holding ``ESC [31m`` would recolour the user's terminal and one
holding ``ESC ] 0 ; … BEL`` would retitle its window; a newline in a file
name would break a one-line message in two.  Every character that a
terminal acts on rather than draws (C0 and C1 controls, DEL) and every one
that reorders the text around it (the bidirectional overrides and isolates
that "Trojan Source" abuses, the Unicode line and paragraph separators) is
written as its Python escape instead, so a reader sees ``\\x1b[31m`` and
knows it was there.
"""

from __future__ import annotations

import re

# Named once: the JSON report escapes the same characters (``report/json.py``).
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control and direction-changing character written as its escape."""
    return UNSAFE.sub(_shown, text)
