"""The terminal summary: what a user sees first, in a few screen lines.

Input text goes into :class:`rich.text.Text` objects, never into markup
strings, so brackets in a title cannot be taken for rich styling, and
through :func:`~pressdiff.report.printable.printable` first, so escape
sequences in it are shown rather than obeyed by the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pressdiff.model import Rejection
from pressdiff.report.printable import printable
from pressdiff.report.views import (
    all_findings,
    articles_by_id,
    counted,
    finding_counts,
    kind_label,
    story_dates,
    top_findings,
    word_count,
)

if TYPE_CHECKING:
    from pressdiff.model import Story
    from pressdiff.pipeline import Report

TOP_FINDINGS = 5
SNIPPET_CHARS = 90
"""A quoted passage, title or outlet list: enough to recognise it, on one line."""
EXPLANATION_CHARS = 400
"""A finding's explanation is its evidence (which outlet prints what, the words that
changed), so it is shown whole; only a runaway one is cut."""


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when over ``limit``."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat.rfind(" ", 0, limit)
        flat = flat[: cut if cut > limit // 2 else limit - 1] + "…"
    return printable(flat)


def rejection_line(rejection: Rejection) -> str:
    """The one line that tells a user why an input was not read (newlines in a name shown)."""
    return f"rejected: {printable(rejection.source)}: {printable(rejection.reason)}"


def render_terminal(report: Report, console: Console) -> None:
    """Print an articles table, the most confident findings and the rejection count."""
    by_id = articles_by_id(report)
    per_article = finding_counts(report)

    table = Table(
        title=f"pressdiff: {counted(len(report.articles), 'article', 'articles')} in "
        f"{counted(len(report.stories), 'story', 'stories')}",
        title_justify="left",
    )
    table.add_column("Outlet", style="bold")
    table.add_column("Title", overflow="fold", ratio=1)
    table.add_column("Words", justify="right")
    table.add_column("Removed", justify="right")
    table.add_column("Findings", justify="right")
    for article in report.articles:
        found = per_article.get(article.id, 0)
        table.add_row(
            Text(printable(article.outlet)),
            Text(printable(article.title or "—")),
            str(word_count(article.text)),
            str(len(article.removed)),
            Text(str(found), style="bold red" if found else "dim"),
        )
    console.print(table)
    if len(report.stories) > 1:
        render_stories([s.story for s in report.stories], console)

    findings = all_findings(report)
    if findings:
        shown = top_findings(report, TOP_FINDINGS)
        console.print(Text(f"Top findings ({len(shown)} of {len(findings)})", style="bold"))
        for finding in shown:
            article = by_id.get(finding.article_id)
            line = Text("  ")
            line.append(kind_label(finding.kind), style="bold yellow")
            outlet = article.outlet if article else finding.article_id
            line.append(f"  {printable(outlet)}", style="cyan")
            line.append(f"  {finding.confidence:.2f}", style="dim")
            console.print(line)
            body = Text(f"“{_snippet(finding.text)}”\n")
            body.append(_snippet(finding.explanation, EXPLANATION_CHARS), style="dim")
            # Padded, not prefixed with spaces: lines the console wraps keep the indent.
            console.print(Padding(body, (0, 0, 0, 4), expand=False))
    else:
        console.print(Text("No findings.", style="dim"))
    if report.rejected:
        console.print(
            Text(
                f"{len(report.rejected)} input(s) rejected (listed above and in the report).",
                style="yellow",
            )
        )


def render_stories(stories: list[Story], console: Console) -> None:
    """A table of stories: id, title, article count, outlets and date range."""
    table = Table(
        title=counted(len(stories), "story", "stories"),
        title_justify="left",
    )
    table.add_column("Story", style="bold", no_wrap=True)
    table.add_column("Title", overflow="fold", ratio=1)
    table.add_column("Articles", justify="right")
    table.add_column("Outlets", overflow="fold")
    table.add_column("Published", no_wrap=True)
    for story in stories:
        dates = story_dates(story)
        table.add_row(
            Text(story.id),
            Text(_snippet(story.title or "—")),
            str(len(story.article_ids)),
            Text(_snippet(", ".join(story.outlets))),
            Text(printable(dates) or "—", style="" if dates else "dim"),
        )
    console.print(table)
