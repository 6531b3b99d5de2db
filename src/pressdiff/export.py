"""Export a database as Parquet tables for analysts (pandas, Polars, DuckDB, Spark).

Three files, one row per article, per story and per finding, with fixed
schemas (an empty table still has its columns).  Findings come from the
stories' current stored analyses only: a story whose analysis is missing or
stale has a row in ``stories.parquet`` saying so and no findings, never old
ones.  Offsets are character offsets into ``articles.text``, as everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pressdiff.model import Story, to_jsonable
from pressdiff.store import Store

_SPAN = pa.struct(
    [("article_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())]
)
_REMOVED = pa.struct(
    [("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("reason", pa.string())]
)

ARTICLES = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("published", pa.string()),
        ("input_id", pa.string()),
        ("text", pa.string()),
        ("removed", pa.list_(_REMOVED)),
    ]
)
STORIES = pa.schema(
    [
        ("story_id", pa.string()),
        ("article_ids", pa.list_(pa.string())),
        ("articles", pa.int64()),
        ("status", pa.string()),  # current, missing, stale: articles changed, stale: version
        ("version", pa.string()),  # the analysis version of the exported findings
        ("analysed_at", pa.string()),
        ("seconds", pa.float64()),
        ("findings", pa.int64()),
    ]
)
FINDINGS = pa.schema(
    [
        ("story_id", pa.string()),
        ("kind", pa.string()),
        ("article_id", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("explanation", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.list_(_SPAN)),
    ]
)


def export_parquet(
    store: Store, stories: list[Story], folder: Path, version: str
) -> dict[str, int]:
    """Write ``articles``, ``stories`` and ``findings`` Parquet files; the rows of each.

    ``version`` is the running analysis version: only analyses it made from
    the stories' current articles are exported.
    """
    folder.mkdir(parents=True, exist_ok=True)
    article_rows = [
        {name: value for name, value in to_jsonable(a).items() if name in ARTICLES.names}
        for a in store.articles()
    ]
    story_rows: list[dict[str, Any]] = []
    finding_rows: list[dict[str, Any]] = []
    for story in stories:
        current = store.fingerprint(story.article_ids)
        record = store.analysis(story.id, current, version)
        findings = record.story["findings"] if record else []
        story_rows.append(
            {
                "story_id": story.id,
                "article_ids": list(story.article_ids),
                "articles": len(story.article_ids),
                "status": store.analysis_status(story, version),
                "version": record.version if record else None,
                "analysed_at": record.analysed_at if record else None,
                "seconds": record.seconds if record else None,
                "findings": len(findings),
            }
        )
        finding_rows += [
            {name: f.get(name) for name in FINDINGS.names} | {"story_id": story.id}
            for f in findings
        ]
    tables = {"articles": (article_rows, ARTICLES), "stories": (story_rows, STORIES)}
    tables["findings"] = (finding_rows, FINDINGS)
    for name, (rows, schema) in tables.items():
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")
    return {name: len(rows) for name, (rows, _schema) in tables.items()}
