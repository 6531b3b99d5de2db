"""Rough sentences for the learned checkers (experiments, not part of the package).

The product splits sentences once, with spaCy, when an article is annotated; the learned
checkers judge raw text pairs of any size, where a regex is enough and costs little.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")


def rough_sentences(text: str) -> list[str]:
    """Rough sentences of ``text`` (never empty: a text with no break is one sentence)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()] or [text.strip()]
