"""The HTTP API under ``/api/v1``: the same store, the same JSON as the command line.

``GET /api/v1/stories`` answers the objects of ``pressdiff stories --format
json``; ``GET /api/v1/stories/{id}`` the report of ``pressdiff analyze
--format json`` for that story.  Requests are parsed here by hand where
FastAPI's own validation would answer a broken body with a generic 422: a
user sending bad JSON gets told it is bad JSON.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from pressdiff.model import to_jsonable
from pressdiff.report import report_payload
from pressdiff.web.backend import Added, Backend
from pressdiff.web.inputs import read_records, read_upload
from pressdiff.web.security import RequestLimits

router = APIRouter(prefix="/api/v1", tags=["api"])

MAX_PAGE = 100


class ArticleIn(BaseModel):
    """One article to add; only ``text`` is required."""

    text: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="Publication date or time, ISO 8601.")
    id: str | None = Field(None, description="Your own id for the article, kept as input_id.")


class ArticlesIn(BaseModel):
    articles: list[ArticleIn]


class StoredOut(BaseModel):
    id: str
    story_id: str | None
    source: str
    outlet: str
    title: str | None
    new: bool = Field(description="False when the same text was already stored.")


class RejectionOut(BaseModel):
    source: str
    reason: str


class AddedOut(BaseModel):
    articles: list[StoredOut]
    rejected: list[RejectionOut]


class StoryOut(BaseModel):
    id: str
    title: str | None
    article_ids: list[str]
    input_ids: list[str | None]
    outlets: list[str]
    first_published: str | None
    last_published: str | None


class StoriesOut(BaseModel):
    stories: list[StoryOut]
    total: int
    offset: int
    limit: int


class Pending(BaseModel):
    id: str
    state: str = Field(description="queued, running or failed")
    stage: str
    done: int
    total: int


def _backend(request: Request) -> Backend:
    return request.app.state.backend


def _limits(request: Request) -> RequestLimits:
    return request.app.state.settings.limits


def added_json(added: Added) -> dict[str, Any]:
    return {
        "articles": [
            {
                "id": a.id,
                "story_id": added.story_ids.get(a.id),
                "source": a.source,
                "outlet": a.outlet,
                "title": a.title,
                "new": new,
            }
            for a, new in added.articles
        ],
        "rejected": [{"source": r.source, "reason": r.reason} for r in added.rejected],
    }


async def _upload_items(request: Request, limits: RequestLimits) -> list[tuple[str, bytes]]:
    """The files of a multipart upload (any field name), refused with 413 past the count."""
    form = await request.form(max_files=limits.max_files + 1, max_fields=limits.max_files + 10)
    files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
    if len(files) > limits.max_files:
        raise HTTPException(413, f"too many files: the limit is {limits.max_files}")
    if not files:
        raise HTTPException(400, "no file in the upload: send files as multipart/form-data")
    return [(f.filename or "upload.txt", await f.read()) for f in files]


def _records(body: bytes, limits: RequestLimits) -> list[Any]:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise HTTPException(400, f"invalid JSON: {error}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("articles"), list):
        raise HTTPException(400, 'expected a JSON object {"articles": [{"text": ...}, ...]}')
    if len(payload["articles"]) > limits.max_articles:
        raise HTTPException(413, f"too many articles: the limit is {limits.max_articles}")
    if not payload["articles"]:
        raise HTTPException(400, '"articles" is empty')
    return payload["articles"]


@router.post(
    "/articles",
    response_model=AddedOut,
    status_code=201,
    summary="Add articles (JSON or file upload)",
    responses={
        400: {"description": "Bad JSON, or no articles or files in the request."},
        413: {"description": "Too large, or too many files or articles."},
        422: {
            "description": "Nothing could be stored: every input was rejected.",
            "model": AddedOut,
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ArticlesIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "Files that pressdiff ingest reads.",
                            }
                        },
                    }
                },
            },
        }
    },
)
async def add_articles(request: Request) -> JSONResponse:
    """Store the articles, assign them to stories and queue their stories' analysis.

    Answers with each stored article's id and story id, and each rejected input with
    its reason (an empty or non-English text, a broken JSON Lines line, ...).
    """
    limits = _limits(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        uploads = await _upload_items(request, limits)

        def items() -> Any:
            for name, data in uploads:
                yield from read_upload(name, data)

    elif kind == "application/json":
        records = _records(await request.body(), limits)

        def items() -> Any:
            yield from read_records(records, "request")

    else:
        raise HTTPException(415, "send application/json or multipart/form-data")
    added = await run_in_threadpool(_backend(request).add, items())
    status = 201 if added.articles else 422
    return JSONResponse(added_json(added), status_code=status)


@router.get("/stories", response_model=StoriesOut, summary="List stories, newest first")
def list_stories(
    request: Request,
    q: str = Query("", description="Words every listed story's articles contain."),
    entity: str = Query("", description="A person, place or organisation the story names."),
    offset: int = Query(0, ge=0),
    limit: int = Query(20, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """The objects of ``pressdiff stories --format json``, a page at a time."""
    stories, total = _backend(request).stories(q, entity, offset, limit)
    return {"stories": [s.api() for s in stories], "total": total, "offset": offset, "limit": limit}


@router.get(
    "/stories/{story_id}",
    summary="One story's report",
    responses={
        200: {"description": "The report, in the schema of `pressdiff analyze --format json`."},
        202: {"description": "The story is being analysed; ask again.", "model": Pending},
        404: {"description": "No such story."},
    },
)
def get_story(request: Request, story_id: str) -> JSONResponse:
    """The story's report in the JSON schema of ``pressdiff analyze --format json``
    (``src/pressdiff/schema/report.schema.json``), or 202 while it is analysed."""
    backend = _backend(request)
    report = backend.report(story_id)
    if report is not None:
        return JSONResponse(report_payload(report))
    found = backend.story(story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id}")
    backend.request_analysis(found[0].id)
    p = backend.progress(story_id)
    body = {"id": story_id, "state": p.state, "stage": p.stage, "done": p.done, "total": p.total}
    return JSONResponse(body, status_code=202, headers={"retry-after": "2"})


@router.get("/articles/{article_id}", summary="One article")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """The article as the report shows it, with its story id and, once its story is
    analysed, the findings on its words (null before)."""
    backend = _backend(request)
    article = backend.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    story_id = backend.story_of(article_id)
    analysis = backend.analysis(story_id) if story_id else None
    findings = None
    if analysis is not None:
        findings = to_jsonable([f for f in analysis.findings if f.article_id == article_id])
    return {**to_jsonable(article), "story_id": story_id, "findings": findings}


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    summary="Delete an article",
    responses={404: {"description": "No such article."}},
)
def delete_article(request: Request, article_id: str) -> Response:
    """Remove the article from the store; its story is analysed again without it."""
    if not _backend(request).delete(article_id):
        raise HTTPException(404, f"no article {article_id}")
    return Response(status_code=204)
