"""The server-rendered pages: stories, a story, an article, adding articles, the API docs.

Each route gathers what the backend knows and renders a template; the story
and article pages build their views with the HTML report's own
:func:`pressdiff.report.html.story_view` and include its partials, so the
web app and the report file are one look with one script.  Every form
carries the CSRF token (:mod:`pressdiff.web.security`).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from pressdiff.ingest import SUFFIX_KINDS
from pressdiff.report.html import story_view
from pressdiff.report.views import kind_label
from pressdiff.web.backend import Added, Backend
from pressdiff.web.inputs import Item, read_records, read_upload, read_url
from pressdiff.web.security import CSRF_FIELD, csrf_ok, csrf_token, set_csrf_cookie

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
KEPT_BATCHES = 200
"""Add requests whose result page stays available (the articles themselves are stored)."""


def _backend(request: Request) -> Backend:
    return request.app.state.backend


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    token, new = csrf_token(request)
    html = request.app.state.templates.get_template(template).render(
        csrf_field=CSRF_FIELD, csrf=token, kind_label=kind_label, **context
    )
    response = HTMLResponse(html, status_code=status)
    if new:
        set_csrf_cookie(response, token)
    return response


def _batches(request: Request) -> OrderedDict[str, Added]:
    state = request.app.state
    if not hasattr(state, "batches"):
        state.batches = OrderedDict()
    return state.batches


@router.get("/healthz")
def health() -> dict[str, bool]:
    """Liveness, and the load benchmark's baseline: answers without touching the store."""
    return {"ok": True}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    q: str = "",
    entity: str = "",
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    stories, total = _backend(request).stories(q, entity, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))

    def link(n: int) -> str:
        return "/?" + urlencode({k: v for k, v in (("q", q), ("entity", entity), ("page", n)) if v})

    return _render(
        request,
        "home.html.j2",
        stories=stories,
        total=total,
        q=q,
        entity=entity,
        page=page,
        pages=pages,
        previous=link(page - 1) if page > 1 else None,
        next=link(page + 1) if page < pages else None,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    backend = _backend(request)
    found = backend.story(story_id)
    if found is None:
        return _render(request, "missing.html.j2", 404, what=f"story {story_id}")
    summary, articles = found
    if summary.id != story_id:  # merged into another story: its id still leads there
        return RedirectResponse(f"/stories/{summary.id}", status_code=301)
    analysis = backend.analysis(summary.id, summary.story)
    if analysis is None:
        backend.request_analysis(summary.id)
        return _render(request, "pending.html.j2", summary=summary, articles=articles)
    by_id = {a.id: a for a in articles}
    view = story_view(0, analysis, by_id)
    return _render(
        request, "story.html.j2", summary=summary, view=view, story=analysis, articles_by_id=by_id
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    backend = _backend(request)
    article = backend.article(article_id)
    if article is None:
        return _render(request, "missing.html.j2", 404, what=f"article {article_id}")
    story_id = backend.story_of(article_id)
    analysis = backend.analysis(story_id) if story_id else None
    found = backend.story(story_id) if story_id else None
    view = art = None
    if analysis is not None and found is not None:
        by_id = {a.id: a for a in found[1]}
        view = story_view(0, analysis, by_id)
        art = next(v for v in view.articles if v.article.id == article_id)
    return _render(
        request,
        "article.html.j2",
        article=article,
        story_id=story_id,
        view=view,
        art=art,
        story=analysis,
    )


@router.post("/articles/{article_id}/delete")
async def delete_article(request: Request, article_id: str) -> RedirectResponse:
    form = await request.form()
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")
    if not await run_in_threadpool(_backend(request).delete, article_id):
        raise HTTPException(404, f"no article {article_id}")
    return RedirectResponse("/", status_code=303)


@router.get("/add", response_class=HTMLResponse)
def add_form(request: Request) -> HTMLResponse:
    readable = sorted(suffix for suffix in SUFFIX_KINDS if suffix)
    return _render(
        request, "add.html.j2", limits=request.app.state.settings.limits, readable=readable
    )


@router.post("/add")
async def add_submit(request: Request) -> RedirectResponse:
    """Read the form's pasted text, files and URLs, store what is readable, and go to the
    batch's page, which follows the analysis live."""
    settings = request.app.state.settings
    limits = settings.limits
    form = await request.form(max_files=limits.max_files + 1, max_fields=50)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")
    files = [
        (f.filename or "upload.txt", await f.read())
        for f in form.getlist("files")
        if isinstance(f, UploadFile) and (f.filename or f.size)
    ]
    if len(files) > limits.max_files:
        raise HTTPException(413, f"too many files: the limit is {limits.max_files}")
    urls = [u.strip() for u in str(form.get("urls") or "").split() if u.strip()]
    if len(urls) > limits.max_urls:
        raise HTTPException(413, f"too many URLs: the limit is {limits.max_urls}")
    # Pasted text is kept as typed (offsets refer to it); the one-line fields are trimmed.
    record = {
        name: value
        for name in ("outlet", "title", "published")
        if (value := str(form.get(name) or "").strip())
    }
    if str(form.get("text") or "").strip():
        record["text"] = str(form.get("text"))

    def items() -> Iterator[Item]:
        if record:  # metadata without text is read too, so the rejection says what is missing
            yield from read_records([record], "pasted")
        for name, data in files:
            yield from read_upload(name, data)
        for url in urls:
            yield from read_url(url, allow_private=settings.allow_private_urls)

    added = await run_in_threadpool(_backend(request).add, items())
    batch = secrets.token_urlsafe(9)
    batches = _batches(request)
    batches[batch] = added
    while len(batches) > KEPT_BATCHES:
        batches.popitem(last=False)
    return RedirectResponse(f"/batches/{batch}", status_code=303)


@router.get("/batches/{batch}", response_class=HTMLResponse)
def batch_page(request: Request, batch: str) -> HTMLResponse:
    added = _batches(request).get(batch)
    if added is None:
        return _render(request, "missing.html.j2", 404, what="this batch (the server restarted?)")
    story_ids = sorted(set(added.story_ids.values()))
    return _render(request, "batch.html.j2", added=added, story_ids=story_ids)


@router.get("/progress")
def progress(request: Request, story: Annotated[list[str], Query()] = ()) -> JSONResponse:
    """Where the analyses of these stories stand; the pages' script polls this."""
    backend = _backend(request)
    rows = []
    for story_id in story[:50]:
        p = backend.progress(story_id)
        state = p.state
        if state != "done" and backend.story(story_id) is None:
            state = "gone"  # its articles changed since: a newer story took its place
        rows.append(
            {"id": story_id, "state": state, "stage": p.stage, "done": p.done, "total": p.total}
        )
    finished = all(r["state"] in ("done", "gone", "failed") for r in rows)
    return JSONResponse({"stories": rows, "finished": finished})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API's OpenAPI description as a page (the stock pages load code from a CDN)."""
    return _render(request, "docs.html.j2", spec=request.app.openapi())
