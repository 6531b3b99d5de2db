"""What every renderer shows alike: labels, per-article counts, highlight segments.

The renderers differ only in format; the words they use for a finding kind,
how they count an article's words and how they split a text around
overlapping highlights live here once, so the HTML, Markdown and terminal
reports never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pressdiff.model import Article, Evidence, Finding, Story

if TYPE_CHECKING:
    from pressdiff.pipeline import Report

KIND_LABELS: dict[str, str] = {
    "altered_quote": "Altered quote",
    "misattributed_quote": "Misattributed quote",
    "contradiction": "Contradiction",
    "unsupported_claim": "Unsupported claim",
    "spun_copy": "Spun copy",
    "copied_passage": "Copied passage",
    "boilerplate": "Boilerplate",
}


def kind_label(kind: str) -> str:
    """The words a reader sees for a finding kind (unknown kinds are shown as they are)."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def counted(n: int, one: str, many: str) -> str:
    """``n`` with its noun in the right number: "1 story", "5 stories"."""
    return f"{n} {one if n == 1 else many}"


def word_count(text: str) -> int:
    """Whitespace-separated words: what a reader would count, independent of the tokenizer."""
    return len(text.split())


def story_dates(story: Story) -> str:
    """A story's first and last publication days ("2015-01-10 – 2015-02-10"), one if the same,
    "" when no article has a date."""
    shown = [d[:10] for d in (story.first_published, story.last_published) if d]
    return " – ".join(dict.fromkeys(shown))


def articles_by_id(report: Report) -> dict[str, Article]:
    return {a.id: a for a in report.articles}


def all_findings(report: Report) -> list[Finding]:
    return [f for story in report.stories for f in story.findings]


def finding_counts(report: Report) -> Counter[str]:
    """How many findings flag words of each article (by article id)."""
    return Counter(f.article_id for f in all_findings(report))


def cited_elsewhere(finding: Finding) -> list[Evidence]:
    """The finding's evidence without its own words, which every renderer already shows.

    Some analyses cite the flagged span itself (an unsupported claim has no
    other words to point at); repeating it under "evidence" tells a reader nothing.
    """
    return [
        ev
        for ev in finding.evidence
        if (ev.article_id, ev.start, ev.end) != (finding.article_id, finding.start, finding.end)
    ]


def top_findings(report: Report, limit: int) -> list[Finding]:
    """The most confident findings first; ties keep the pipeline's order (article, position)."""
    return sorted(all_findings(report), key=lambda f: -f.confidence)[:limit]


@dataclass(frozen=True)
class Segment:
    """A run of text covered by exactly the same set of labelled spans."""

    start: int
    end: int
    text: str
    labels: frozenset[Hashable]


def segments(text: str, spans: Iterable[tuple[int, int, Hashable]]) -> list[Segment]:
    """Cut ``text`` at every span boundary, so overlapping spans never nest or cross.

    Highlighting by string replacement breaks as soon as two spans overlap
    (``<mark>a<mark>b</mark>c</mark>`` or worse, crossed tags); cutting the
    text into runs that each carry the set of spans covering them gives flat,
    always well-formed markup.  Spans are clipped to the text; empty spans are
    ignored.  The segments cover the whole text, in order.
    """
    clipped = [
        (max(0, start), min(len(text), end), label)
        for start, end, label in spans
        if min(len(text), end) > max(0, start)
    ]
    cuts = sorted({0, len(text)} | {s for s, _, _ in clipped} | {e for _, e, _ in clipped})
    index = {cut: i for i, cut in enumerate(cuts)}
    covering: list[set[Hashable]] = [set() for _ in range(len(cuts) - 1)]
    for start, end, label in clipped:
        for piece in range(index[start], index[end]):
            covering[piece].add(label)
    return [
        Segment(start, end, text[start:end], frozenset(labels))
        for start, end, labels in zip(cuts, cuts[1:], covering, strict=False)
        if end > start
    ]
