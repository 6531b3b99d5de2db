"""The FastAPI application: settings, the shared backend, templates, static files.

:func:`create_app` is what ``pressdiff serve`` runs under uvicorn and what the
tests drive with FastAPI's test client.  The routes live in
:mod:`pressdiff.web.api` (JSON under ``/api/v1``) and
:mod:`pressdiff.web.pages` (server-rendered HTML); both only call
:mod:`pressdiff.web.backend` and the report's renderers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from pressdiff.limits import LIMITS, Limits
from pressdiff.web import api, pages
from pressdiff.web.backend import Backend
from pressdiff.web.security import Guard, RequestLimits


@dataclass(frozen=True)
class Settings:
    """What ``pressdiff serve`` was started with."""

    db: Path
    token: str | None = None
    allow_private_urls: bool = False
    loopback: bool = True
    limits: RequestLimits = field(default_factory=RequestLimits)
    article_limits: Limits = LIMITS  # per article, as `pressdiff ingest --limit` sets them
    analyse_in_background: bool = True


def templates() -> Environment:
    """The web pages' templates, with the HTML report's partials beside them: the story
    page includes the very ``_story.html.j2`` the report file does."""
    return Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("pressdiff.web", "templates"),
                PackageLoader("pressdiff.report", "templates"),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(settings: Settings) -> FastAPI:
    """The app over one SQLite store; the analysis worker runs while the app is up."""
    backend = Backend(settings.db, settings.article_limits)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.analyse_in_background:
            backend.start()
        yield
        backend.stop()

    app = FastAPI(
        title="pressdiff",
        summary="Stories, articles and their analyses over one pressdiff store.",
        version="1",
        lifespan=lifespan,
        # The stock Swagger and ReDoc pages load their code from a CDN; /docs is ours.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.backend = backend
    app.state.templates = templates()
    app.mount(
        "/assets",
        StaticFiles(directory=str(resources.files("pressdiff.report") / "assets")),
        name="assets",
    )
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("pressdiff.web") / "static")),
        name="static",
    )

    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(
        Guard, token=settings.token, loopback_only=settings.loopback, limits=settings.limits
    )
    return app
