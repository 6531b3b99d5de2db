"""The Markdown report: a readable summary to paste into an issue, a wiki or an email.

Article text is untrusted here too: a Markdown viewer would render HTML or
links hidden in it, and a terminal showing the file would obey escape
sequences in it, so every piece of input text is escaped before it is
written (:func:`_escape`), and quoted text is always set as a block quote.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pressdiff.model import Article, Finding
from pressdiff.report.printable import printable
from pressdiff.report.views import (
    all_findings,
    articles_by_id,
    cited_elsewhere,
    finding_counts,
    kind_label,
    story_dates,
    word_count,
)

if TYPE_CHECKING:
    from pressdiff.pipeline import Report

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the
# characters that can start markup (HTML, links, emphasis, code, tables,
# entities).  An underscore inside a word ("000_257d") is never emphasis, so
# it is left alone to keep ids readable.
_MARKUP = re.compile(r"([\\`*\[\]<>|&#~]|(?<!\w)_|_(?!\w))")


def _escape(text: str) -> str:
    """Input text as literal Markdown on one line (line breaks become spaces, control
    characters their escapes)."""
    return _MARKUP.sub(r"\\\1", printable(" ".join(text.split())))


def _quote(text: str, indent: str = "") -> str:
    """A block quote of input text, keeping its paragraph breaks."""
    lines = [_escape(line) for line in text.strip().splitlines()]
    return "\n".join(f"{indent}> {line}".rstrip() for line in lines)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _finding(number: int, finding: Finding, by_id: dict[str, Article]) -> list[str]:
    def outlet(article_id: str) -> str:
        article = by_id.get(article_id)
        return _escape(article.outlet if article else article_id)

    lines = [
        f"{number}. **{kind_label(finding.kind)}** in *{outlet(finding.article_id)}* "
        f"(confidence {finding.confidence:.2f})",
        "",
        _quote(finding.text, "   "),
        "",
        f"   {_escape(finding.explanation)}",
        "",
    ]
    for ev in cited_elsewhere(finding):
        lines += [
            f"   - Evidence from *{outlet(ev.article_id)}*:",
            "",
            _quote(ev.text, "     "),
            "",
        ]
    return lines


def render_md(report: Report) -> str:
    """The report as a Markdown document."""
    by_id = articles_by_id(report)
    findings = all_findings(report)
    out = [
        "# pressdiff report",
        "",
        f"{_plural(len(report.articles), 'article')} · "
        f"{_plural(len(report.stories), 'story', 'stories')} · "
        f"{_plural(len(findings), 'finding')} · "
        f"{_plural(len(report.rejected), 'rejected input')} · "
        f"schema {report.schema_version}",
        "",
    ]
    if report.articles:
        per_article = finding_counts(report)
        out += [
            "## Articles",
            "",
            "| Outlet | Title | Words | Removed | Findings |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        out += [
            f"| {_escape(a.outlet)} | {_escape(a.title or '—')} | {word_count(a.text)} "
            f"| {len(a.removed)} | {per_article.get(a.id, 0)} |"
            for a in report.articles
        ]
        out.append("")
    if len(report.stories) > 1:
        out += [
            "## Stories",
            "",
            "| Story | Articles | Outlets | Published | Findings |",
            "| --- | ---: | --- | --- | ---: |",
        ]
        out += [
            f"| {_escape(s.story.title or s.story.id)} | {len(s.story.article_ids)} "
            f"| {_escape(', '.join(s.story.outlets))} | {_escape(story_dates(s.story) or '—')} "
            f"| {len(s.findings)} |"
            for s in report.stories
        ]
        out.append("")
    for story in report.stories:
        dates = story_dates(story.story)
        out += [
            f"## Story: {_escape(story.story.title or story.story.id)}",
            "",
            f"`{story.story.id}` · {_plural(len(story.story.article_ids), 'article')}: "
            + ", ".join(_escape(by_id[a].outlet) for a in story.story.article_ids if a in by_id)
            + (f" · {_escape(dates)}" if dates else "")
            + ".",
            "",
            "### Findings",
            "",
        ]
        if story.reuse is None and len(story.story.article_ids) == 1:
            out += ["One article alone in its story: no other outlet to compare it with.", ""]
        elif not story.findings:
            out += ["The analyses flagged nothing in this story.", ""]
        for number, finding in enumerate(story.findings, 1):
            out += _finding(number, finding, by_id)
    debris = [a for a in report.articles if a.removed]
    if debris:
        out += ["## Removed debris", ""]
        for article in debris:
            out += [f"### {_escape(article.outlet)}", ""]
            for removed in article.removed:
                out += [
                    f"- *{_escape(removed.reason)}* (characters {removed.start}–{removed.end} "
                    "of the original):",
                    "",
                    _quote(removed.text, "  "),
                    "",
                ]
    if report.rejected:
        out += ["## Rejected inputs", ""]
        out += [f"- {_escape(r.source)}: {_escape(r.reason)}" for r in report.rejected]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
