"""The command-line shell: parse options, call the library, render, report progress.

No analysis happens here; every command is a few calls into
:mod:`pressdiff.pipeline`, :mod:`pressdiff.store` and :mod:`pressdiff.report`.
"""

from __future__ import annotations

import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pressdiff import pipeline, results, runner
from pressdiff.model import Rejection, Story
from pressdiff.report import render_html, render_json, render_md, render_terminal
from pressdiff.store import Store, StoreError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compare many outlets' coverage of one story and show the evidence.",
)
stderr = Console(stderr=True)


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    html = "html"
    md = "md"


Paths = Annotated[
    list[str],
    typer.Argument(help="Files, folders, '-' for stdin, or http(s):// URLs.", show_default=False),
]
DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite database file.")]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Run on a local Dask cluster of N worker processes."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask cluster whose scheduler is at ADDRESS."),
]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )


def _stepper(progress: Progress, task: TaskID) -> pipeline.Progress:
    """The library's progress callback, drawn as the bar's stage and count."""

    def step(stage: str, done: int, total: int) -> None:
        progress.update(task, description=stage, completed=done, total=total)

    return step


def _report_rejections(rejected: list[Rejection]) -> None:
    for item in rejected:
        stderr.print(
            f"rejected: {item.source}: {item.reason}", markup=False, highlight=False, soft_wrap=True
        )


def _open_store(db: Path) -> Store:
    """Open the database, or exit with the reason (not a traceback) when it can't be used."""
    try:
        return Store(db)
    except StoreError as error:
        stderr.print(f"{db}: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _stored_stories(store: Store) -> list[Story]:
    """The stored articles grouped into stories: for now all of them as one story.

    The one place the store's story grouping comes in (``Store.stories()``
    once story clustering lands).
    """
    ids = [a.id for a in store.articles()]
    return [Story(pipeline.story_id(ids), ids)] if ids else []


def _report_failures(failed: list[tuple[str, str]]) -> None:
    for story_id, reason in failed:
        stderr.print(
            f"failed: story {story_id}: {reason}", markup=False, highlight=False, soft_wrap=True
        )


def _analyse_stored(
    db: Path, paths: list[str], cluster: runner.Cluster, progress: Progress, task: TaskID
) -> pipeline.Report:
    """Add the inputs to the database, bring every story's stored analysis up to date, read them.

    Only stories whose analysis is missing or stale are computed, and each is
    stored as soon as it is done; the report is read back from the store.
    """
    with _open_store(db) as store:
        rejected = []
        for article, rejection in pipeline.iter_clean(paths):
            if rejection is not None:
                rejected.append(rejection)
                store.add_rejection(rejection)
            else:
                store.add([article])
        _report_rejections(rejected)
        stories = _stored_stories(store)
        if not stories:
            stderr.print("nothing could be analysed: no input was readable")
            raise typer.Exit(1)
        version = results.analysis_version()
        status = Counter(store.analysis_status(story, version) for story in stories)
        stderr.print(
            f"{len(stories)} {'story' if len(stories) == 1 else 'stories'} in {db}: "
            + ", ".join(f"{n} {state}" for state, n in sorted(status.items()))
            + f" (analysis version {version})",
            markup=False,
            highlight=False,
        )
        run = runner.analyse_stories(store, stories, cluster, progress=_stepper(progress, task))
        _report_failures(run.failed)
        stderr.print(
            f"analysed {len(run.computed)}, kept {len(run.current)} stored, "
            f"{len(run.failed)} failed",
            markup=False,
            highlight=False,
        )
        return results.report(store, stories, rejected)


@app.command()
def analyze(
    paths: Paths = None,  # type: ignore[assignment]
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Analyse articles as one story: reuse, quotes, claims and consensus.

    With --db, the inputs are added to the database, only stories whose
    stored analysis is missing or stale are analysed, and the results are
    stored and read back from it.
    """
    if not paths and db is None:
        raise typer.BadParameter("give PATH arguments, --db FILE, or both")
    cluster = runner.Cluster(workers, scheduler)
    with _progress() as progress:
        task = progress.add_task("reading inputs", total=None)
        if db is not None:
            report = _analyse_stored(db, paths or [], cluster, progress, task)
        else:
            articles, rejected = pipeline.load(paths)
            _report_rejections(rejected)
            if not articles:
                stderr.print("nothing could be analysed: no input was readable")
                raise typer.Exit(1)
            if cluster.embedded:
                report = pipeline.analyse(articles, rejected, progress=_stepper(progress, task))
            else:
                ids = [a.id for a in articles]
                story = Story(pipeline.story_id(ids), ids)
                records, failed = runner.analyse_records([story], articles, cluster)
                _report_failures(failed)
                report = results.assemble(articles, records, rejected)

    if fmt is Format.terminal and out is None:
        render_terminal(report, Console())
        return
    renderer = {
        Format.json: render_json,
        Format.html: render_html,
        Format.md: render_md,
        Format.terminal: render_md,
    }[fmt]
    text = renderer(report)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        stderr.print(f"wrote {out}")


@app.command()
def ingest(
    paths: Paths,
    db: Annotated[Path, typer.Option("--db", help="SQLite file.")],
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Add articles to a database; re-running adds nothing twice."""
    added = total = 0
    rejected: list[Rejection] = []
    cluster = runner.Cluster(workers, scheduler)
    with _open_store(db) as store, _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        for article, rejection in runner.prepared(paths, cluster):
            if rejection is not None:
                rejected.append(rejection)
                store.add_rejection(rejection)
            else:
                added += store.add([article])
                total += 1
            progress.advance(task)
        stored = len(store)
    _report_rejections(rejected)
    stderr.print(
        f"{added} new of {total} read, {len(rejected)} rejected; {stored} articles in {db}"
    )
    if total == 0:
        raise typer.Exit(1)


@app.command()
def export(
    db: Annotated[Path, typer.Option("--db", help="SQLite file to export.")],
    parquet: Annotated[Path, typer.Option("--parquet", help="Folder for the Parquet files.")],
) -> None:
    """Write articles, stories and findings as Parquet tables (pandas, Polars, DuckDB read them).

    Findings come from current stored analyses only; run `pressdiff analyze
    --db FILE` first to bring them up to date.
    """
    from pressdiff.export import export_parquet

    with _open_store(db) as store:
        stories = _stored_stories(store)
        counts = export_parquet(store, stories, parquet, results.analysis_version())
    stderr.print(
        ", ".join(f"{n} {name}" for name, n in counts.items()) + f" written to {parquet}",
        markup=False,
        highlight=False,
    )


if __name__ == "__main__":
    app()
