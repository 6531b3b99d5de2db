"""`pressdiff export --parquet` on a real analysed database, read by pyarrow, pandas, DuckDB."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas
import pyarrow.parquet as pq
from typer.testing import CliRunner

from pressdiff.cli import app

cli = CliRunner()


def test_export_writes_articles_stories_and_findings(analysed_db, tmp_path):
    db, report_json = analysed_db
    folder = tmp_path / "parquet"
    result = cli.invoke(app, ["export", "--db", str(db), "--parquet", str(folder)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_json)
    (story,) = report["stories"]

    articles = pq.read_table(folder / "articles.parquet").to_pylist()
    assert [a["id"] for a in articles] == [a["id"] for a in report["articles"]]
    assert [a["removed"] for a in articles] == [a["removed"] for a in report["articles"]]
    stories = pq.read_table(folder / "stories.parquet").to_pylist()
    assert [(s["story_id"], s["status"]) for s in stories] == [(story["id"], "current")]
    assert stories[0]["article_ids"] == story["article_ids"]

    findings = pq.read_table(folder / "findings.parquet").to_pylist()
    assert len(findings) == stories[0]["findings"] == len(story["findings"]) > 0
    texts = {a["id"]: a["text"] for a in articles}
    for row, finding in zip(findings, story["findings"], strict=True):
        assert row == {"story_id": story["id"], **finding}
        assert texts[row["article_id"]][row["start"] : row["end"]] == row["text"]
        for span in row["evidence"]:
            assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]


def test_stale_story_is_exported_without_old_findings(analysed_db, example_dir, tmp_path):
    """A story grown by one article keeps its id but has no current analysis: a row saying
    so, and none of the old findings."""
    db = tmp_path / "news.db"
    shutil.copy(analysed_db[0], db)
    extra = tmp_path / "extra.txt"
    body = next(Path(p) for p in sorted(example_dir.glob("*.txt")))
    extra.write_text(body.read_text(encoding="utf-8") + "\n\nA paragraph added by another outlet.")
    assert cli.invoke(app, ["ingest", str(extra), "--db", str(db)]).exit_code == 0
    folder = tmp_path / "parquet"
    result = cli.invoke(app, ["export", "--db", str(db), "--parquet", str(folder)])
    assert result.exit_code == 0, result.output
    assert "6 articles, 1 story, 0 findings written to" in result.stderr
    stories = pq.read_table(folder / "stories.parquet").to_pylist()
    assert [(s["articles"], s["status"], s["findings"]) for s in stories] == [
        (6, "stale: articles changed", 0)
    ]
    assert pq.read_table(folder / "findings.parquet").num_rows == 0


def test_pandas_and_duckdb_read_the_tables(analysed_db, tmp_path):
    folder = tmp_path / "parquet"
    result = cli.invoke(app, ["export", "--db", str(analysed_db[0]), "--parquet", str(folder)])
    assert result.exit_code == 0, result.output
    findings = pandas.read_parquet(folder / "findings.parquet")
    articles = pandas.read_parquet(folder / "articles.parquet")
    assert len(articles) == 5 and set(findings["article_id"]) <= set(articles["id"])
    # An analyst's first question in SQL, straight on the files: findings per outlet.
    findings_file, articles_file = folder / "findings.parquet", folder / "articles.parquet"
    per_outlet = duckdb.sql(
        f"SELECT a.outlet, count(*) AS n FROM '{findings_file}' f "
        f"JOIN '{articles_file}' a ON f.article_id = a.id GROUP BY a.outlet ORDER BY a.outlet"
    ).fetchall()
    by_pandas = findings.merge(articles, left_on="article_id", right_on="id")
    assert per_outlet == sorted(by_pandas.groupby("outlet").size().items())
    assert sum(n for _, n in per_outlet) == len(findings) > 0
