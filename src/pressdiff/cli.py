"""The command-line shell: parse options, call the library, render, report progress.

No analysis happens here; every command is a few calls into
:mod:`pressdiff.pipeline`, :mod:`pressdiff.store` and :mod:`pressdiff.report`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
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

from pressdiff import config, pipeline, results, runner
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article, Rejection, Story, to_jsonable
from pressdiff.report import (
    render_html,
    render_json,
    render_md,
    render_stories,
    render_terminal,
)
from pressdiff.report.terminal import rejection_line
from pressdiff.report.views import counted
from pressdiff.store import Store, StoreError
from pressdiff.stories import StoryAssigner, as_one, group

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Group many outlets' articles into stories, compare their coverage, show the evidence.",
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
LimitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        metavar="NAME=VALUE",
        help="Change a limit for this run, e.g. tokens_per_article=300000 (see the README).",
    ),
]


def _limits(settings: list[str] | None) -> Limits:
    try:
        return LIMITS.with_settings(settings or [])
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--limit") from error


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
        stderr.print(rejection_line(item), markup=False, highlight=False, soft_wrap=True)


@contextmanager
def _open_store(db: Path) -> Iterator[Store]:
    """The open database; exit 2 with the reason (not a traceback) when it can't be used,
    on opening or on a later write (a read-only file, a full disk)."""
    try:
        with Store(db) as store:
            yield store
    except StoreError as error:
        stderr.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _report_failures(failed: list[tuple[str, str]]) -> None:
    for story_id, reason in failed:
        stderr.print(
            f"failed: story {story_id}: {reason}", markup=False, highlight=False, soft_wrap=True
        )


def _analyse_stored(
    store: Store,
    db: Path,
    groups: list[Story],
    cluster: runner.Cluster,
    step: pipeline.Progress,
    limits: Limits,
) -> pipeline.Report:
    """Bring the stored analyses of these stories up to date and read them back.

    Only stories whose analysis is missing or stale are computed, each stored
    as soon as it is done; the report is rebuilt from the store.
    """
    version = results.analysis_version()
    status = Counter(store.analysis_status(story, version) for story in groups)
    stderr.print(
        f"{counted(len(groups), 'story', 'stories')} in {db}: "
        + ", ".join(f"{n} {state}" for state, n in sorted(status.items()))
        + f" (analysis version {version})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    run = runner.analyse_stories(store, groups, cluster, progress=step, limits=limits)
    _report_failures(run.failed)
    stderr.print(
        f"analysed {len(run.computed)}, kept {len(run.current)} stored, {len(run.failed)} failed",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return results.report(store, groups, store.rejections())


def _analyse_in_memory(
    articles: list[Article],
    rejected: list[Rejection],
    one_story: bool,
    cluster: runner.Cluster,
    step: pipeline.Progress,
    limits: Limits,
) -> pipeline.Report:
    """Group and analyse articles that are not (all) stored; nothing is written."""
    if cluster.embedded or not articles:
        return pipeline.analyse(
            articles, rejected, progress=step, one_story=one_story, limits=limits
        )
    groups = [as_one(articles)] if one_story else group(articles)
    records, failed = runner.analyse_records(groups, articles, cluster, limits)
    _report_failures(failed)
    by_id = {a.id: a for a in articles}
    shown = [by_id[a] for story in groups for a in story.article_ids]
    return results.assemble(shown, records, rejected)


@app.command()
def analyze(
    paths: Paths = None,  # type: ignore[assignment]
    db: DbOption = None,
    story: Annotated[
        list[str] | None,
        typer.Option("--story", help="With --db alone: analyse only this stored story (repeat)."),
    ] = None,
    one_story: Annotated[
        bool, typer.Option("--one-story", help="Take all the articles as one story.")
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
    limit: LimitOption = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="TOML file overriding tuned numbers (pressdiff.config)."),
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Group articles into stories and analyse each: reuse, quotes, claims and consensus.

    With --db alone, the stored stories are analysed (articles in no story yet
    are put into one first): only stories whose stored analysis is missing or
    stale are computed, each is stored, and the report is read back from the
    database.  With PATHs and --db, both sets of articles are grouped together
    in memory and nothing is written.
    """
    if not paths and db is None:
        raise typer.BadParameter("give PATH arguments, --db FILE, or both")
    if story and (paths or db is None or one_story):
        raise typer.BadParameter("--story needs --db and no PATH arguments or --one-story")
    limits = _limits(limit)
    settings = _load_config(config_file)
    cluster = runner.Cluster(workers, scheduler)
    with config.use(settings), _progress() as progress:
        step = _stepper(progress, progress.add_task("reading inputs", total=None))
        if db is not None and not paths and not one_story:
            with _open_store(db) as store:
                try:
                    groups = pipeline.stored_stories(store, story or [])
                except pipeline.UnknownStory as error:
                    stderr.print(
                        f"{db}: no story {error}", markup=False, highlight=False, soft_wrap=True
                    )
                    raise typer.Exit(2) from error
                report = _analyse_stored(store, db, groups, cluster, step, limits)
        else:
            articles, rejected = pipeline.load(paths or [], limits)
            if db is not None:
                known = {a.id for a in articles}
                with _open_store(db) as store:
                    articles += [a for a in store.articles() if a.id not in known]
            report = _analyse_in_memory(articles, rejected, one_story, cluster, step, limits)
        _report_rejections(report.rejected)
        if not report.articles:
            stderr.print("nothing could be analysed: no input was readable")
            raise typer.Exit(1)

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


def _load_config(path: Path | None) -> config.Config:
    """The configuration a ``--config`` file sets, or exit with the reason."""
    if path is None:
        return config.Config()
    try:
        return config.load(path)
    except config.ConfigError as error:
        stderr.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error


@app.command()
def ingest(
    paths: Paths,
    db: Annotated[Path, typer.Option("--db", help="SQLite file.")],
    limit: LimitOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Add articles to a database, each put into its story; re-running adds nothing twice."""
    limits = _limits(limit)
    added = total = repeats = 0
    stopped = False
    seen: set[str] = set()
    rejected: list[Rejection] = []
    with _open_store(db) as store, _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        assigner = StoryAssigner(store)
        assigner.assign_pending()

        def readable() -> Iterator[Article]:
            for article, rejection in runner.prepared(
                paths, runner.Cluster(workers, scheduler), limits
            ):
                if rejection is None:
                    yield article
                else:
                    rejected.append(rejection)
                    store.add_rejection(rejection)
                    progress.advance(task)

        try:
            for article, new in assigner.add(readable()):
                repeats += article.id in seen
                seen.add(article.id)
                added += new
                total += 1
                progress.advance(task)
        except runner.ClusterLost as error:  # what was stored stays; a rerun adds the rest
            stderr.print(f"ingest stopped: {error}", markup=False, highlight=False)
            stopped = True
        stored, stories = len(store), len(assigner.index)
    _report_rejections(rejected)
    stderr.print(
        f"{added} new of {total} read ({repeats} with the same text as an earlier input, "
        f"{total - added - repeats} already stored), {len(rejected)} rejected; "
        f"{counted(stored, 'article', 'articles')} in {counted(stories, 'story', 'stories')} "
        f"in {db}",
        markup=False,
        highlight=False,
    )
    if total == 0 or stopped:
        raise typer.Exit(1)


@app.command()
def stories(
    db: Annotated[Path, typer.Option("--db", help="SQLite file.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: terminal or json.")
    ] = Format.terminal,
) -> None:
    """List the stored stories (articles in no story yet are put into one first)."""
    if fmt not in (Format.terminal, Format.json):
        raise typer.BadParameter("stories are listed as terminal or json")
    with _open_store(db) as store:
        StoryAssigner(store).assign_pending()
        listed = store.stories()
    if fmt is Format.json:
        sys.stdout.write(json.dumps(to_jsonable(listed), ensure_ascii=False, indent=2) + "\n")
    else:
        render_stories(listed, Console())


_ROW_NOUN = {"articles": "article", "stories": "story", "findings": "finding"}
"""The singular of each exported table's name, for the line that counts their rows."""


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
        groups = pipeline.stored_stories(store)
        counts = export_parquet(store, groups, parquet, results.analysis_version())
    stderr.print(
        ", ".join(counted(n, _ROW_NOUN.get(table, table), table) for table, n in counts.items())
        + f" written to {parquet}",
        markup=False,
        highlight=False,
    )


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="SQLite file (created if missing).")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(help="Require this token on every request (needed off loopback)."),
    ] = None,
    allow_private_urls: Annotated[
        bool,
        typer.Option(help="Let the add page fetch private, loopback and link-local addresses."),
    ] = False,
    limit: LimitOption = None,
) -> None:
    """Serve the web app and the HTTP API (/api/v1, documented at /docs) over a database."""
    import uvicorn  # only this command needs the server

    from pressdiff.web import Settings, create_app, is_loopback

    limits = _limits(limit)
    if not is_loopback(host) and not token:
        stderr.print(
            f"refusing to listen on {host} without --token: anyone who can reach it could "
            "read and change the database (bind 127.0.0.1, or give --token)",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(2)
    with _open_store(db):
        pass  # an unusable file is reported here, in words, before the server starts
    settings = Settings(
        db=db,
        token=token,
        allow_private_urls=allow_private_urls,
        loopback=is_loopback(host),
        article_limits=limits,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    app()
