"""The command-line shell: parse options, call the library, render, report progress.

No analysis happens here; every command is a few calls into
:mod:`pressdiff.pipeline`, :mod:`pressdiff.store` and :mod:`pressdiff.report`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pressdiff import config, pipeline
from pressdiff.model import Article, Rejection
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


def _stored_articles(db: Path) -> list[Article]:
    with _open_store(db) as store:
        return store.articles()


@app.command()
def analyze(
    paths: Paths = None,  # type: ignore[assignment]
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="TOML file overriding tuned numbers (pressdiff.config)."),
    ] = None,
) -> None:
    """Analyse articles as one story: reuse, quotes, claims and consensus."""
    if not paths and db is None:
        raise typer.BadParameter("give PATH arguments, --db FILE, or both")
    settings = _load_config(config_file)
    with config.use(settings):
        _analyze(paths, db, fmt, out)


def _load_config(path: Path | None) -> config.Config:
    """The configuration a ``--config`` file sets, or exit with the reason."""
    if path is None:
        return config.Config()
    try:
        return config.load(path)
    except config.ConfigError as error:
        stderr.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _analyze(paths: list[str] | None, db: Path | None, fmt: Format, out: Path | None) -> None:
    with _progress() as progress:
        task = progress.add_task("reading inputs", total=None)
        articles, rejected = pipeline.load(paths or [])
        if db is not None:
            known = {a.id for a in articles}
            articles += [a for a in _stored_articles(db) if a.id not in known]
        _report_rejections(rejected)
        if not articles:
            stderr.print("nothing could be analysed: no input was readable")
            raise typer.Exit(1)

        def step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        report = pipeline.analyse(articles, rejected, progress=step)

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
def ingest(paths: Paths, db: Annotated[Path, typer.Option("--db", help="SQLite file.")]) -> None:
    """Add articles to a database; re-running adds nothing twice."""
    added = total = 0
    rejected: list[Rejection] = []
    with _open_store(db) as store, _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        for article, rejection in pipeline.iter_clean(paths):
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


if __name__ == "__main__":
    app()
