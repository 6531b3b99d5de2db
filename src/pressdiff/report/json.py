"""The JSON report: the documented, versioned form every other tool reads.

Its shape is fixed by ``pressdiff/schema/report.schema.json`` (described in
``docs/report-schema.md``); :func:`report_schema` loads that file so callers
and tests validate against the same schema that ships with the package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pressdiff.model import to_jsonable

if TYPE_CHECKING:
    from pressdiff.pipeline import Report, StoryAnalysis


def story_payload(story: StoryAnalysis) -> dict[str, Any]:
    """A story flattened: its listing (id, title, articles, outlets, dates) beside what
    each analysis found."""
    return {
        **to_jsonable(story.story),
        "findings": to_jsonable(story.findings),
        "reuse": to_jsonable(story.reuse),
        "quotes": to_jsonable(story.quotes),
        "claims": to_jsonable(story.claims),
        "consensus": to_jsonable(story.consensus),
    }


def report_payload(report: Report) -> dict[str, Any]:
    """The report as plain JSON values, in the order the schema documents them."""
    return {
        "schema_version": report.schema_version,
        "articles": to_jsonable(report.articles),
        "stories": [story_payload(story) for story in report.stories],
        "rejected": to_jsonable(report.rejected),
    }


def render_json(report: Report) -> str:
    """The report as indented UTF-8 JSON text (non-ASCII kept as is, so offsets read naturally)."""
    return json.dumps(report_payload(report), ensure_ascii=False, indent=2) + "\n"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`render_json`'s output."""
    schema_file = resources.files("pressdiff").joinpath("schema", "report.schema.json")
    return json.loads(schema_file.read_text(encoding="utf-8"))
