"""The JSON report: the documented, versioned form every other tool reads.

Its shape is fixed by ``pressdiff/schema/report.schema.json`` (described in
``docs/report-schema.md``); :func:`report_schema` loads that file so callers
and tests validate against the same schema that ships with the package.

The text is UTF-8 with non-ASCII kept as is, so offsets read naturally,
except for the characters a terminal obeys or that reorder text (see
:mod:`.printable`): ``pressdiff analyze -f json`` writes to the terminal,
and article text is untrusted, so those are written as ``\\uXXXX`` escapes,
which parse back to the same strings.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pressdiff.model import to_jsonable
from pressdiff.report.printable import UNSAFE

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


def _escaped(match: re.Match[str]) -> str:
    """A raw unsafe character of the JSON text as its ``\\uXXXX`` escape.

    ``json.dumps`` already escapes every C0 control inside strings, so a raw
    one in its output is the indentation's line break, which stays; the
    others (DEL, C1 controls, direction marks, overrides and isolates, line
    and paragraph separators) can only stand inside a string."""
    char = match.group()
    return char if char == "\n" else f"\\u{ord(char):04x}"


def render_json(report: Report) -> str:
    """The report as indented UTF-8 JSON text, safe to print on a terminal."""
    text = json.dumps(report_payload(report), ensure_ascii=False, indent=2)
    return UNSAFE.sub(_escaped, text) + "\n"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`render_json`'s output."""
    schema_file = resources.files("pressdiff").joinpath("schema", "report.schema.json")
    return json.loads(schema_file.read_text(encoding="utf-8"))
