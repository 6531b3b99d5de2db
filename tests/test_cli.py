"""The `pressdiff` command end to end on the real example story."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from pressdiff.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "src" / "pressdiff" / "schema" / "report.schema.json"

runner = CliRunner()


@pytest.fixture(scope="module")
def example_report(example_dir: Path) -> dict:
    result = runner.invoke(app, ["analyze", str(example_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _article(report: dict, prefix: str) -> dict:
    return next(a for a in report["articles"] if Path(a["source"]).name.startswith(prefix))


def test_example_is_one_story_of_five_articles(example_report):
    assert len(example_report["articles"]) == 5
    assert len(example_report["stories"]) == 1
    story = example_report["stories"][0]
    assert sorted(story["article_ids"]) == sorted(a["id"] for a in example_report["articles"])
    assert example_report["rejected"] == []


def test_json_report_validates_against_its_schema(example_report):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(example_report, schema)
    assert example_report["schema_version"] == "2.1"


def test_debris_is_removed_and_listed(example_report):
    reasons = {
        prefix: [r["reason"] for r in _article(example_report, prefix)["removed"]]
        for prefix in ("000", "001", "003")
    }
    assert reasons == {
        "000": ["related-link widget residue glued into a sentence"],
        "001": ["related-link line", "related-link line"],
        "003": ["publisher self-promotion"],
    }
    assert "READ MORE" not in _article(example_report, "001")["text"]


def test_every_finding_points_at_its_words(example_report):
    texts = {a["id"]: a["text"] for a in example_report["articles"]}
    findings = example_report["stories"][0]["findings"]
    assert findings, "the example's rewritten copies must raise findings"
    for finding in findings:
        assert texts[finding["article_id"]][finding["start"] : finding["end"]] == finding["text"]
        assert finding["evidence"], finding
        for ev in finding["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_html_and_markdown_are_written(example_dir: Path, tmp_path: Path):
    for fmt in ("html", "md"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["analyze", str(example_dir), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "Stephanopoulos" in out.read_text(encoding="utf-8")


def test_bad_inputs_are_rejected_and_the_rest_analysed(example_paths, tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    args = ["analyze", str(example_paths[0]), str(example_paths[1]), str(tmp_path), "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["articles"]) == 2
    rejected = {Path(r["source"]).name for r in report["rejected"]}
    assert rejected == {"empty.txt", "binary.txt"}
    assert "rejected: " in result.stderr and "empty.txt" in result.stderr


def test_nothing_readable_exits_non_zero(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["analyze", str(tmp_path), "-f", "json"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


def test_ingest_is_idempotent_and_analyze_reads_the_database(example_dir: Path, tmp_path: Path):
    db = tmp_path / "news.db"
    first = runner.invoke(app, ["ingest", str(example_dir), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "5 new of 5 read" in first.stderr
    again = runner.invoke(app, ["ingest", str(example_dir), "--db", str(db)])
    assert "0 new of 5 read" in again.stderr and "5 articles in 1 story in" in again.stderr
    result = runner.invoke(app, ["analyze", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["articles"]) == 5


# --- hostile and unlucky input (issue 17) -------------------------------------------------


def run_cli(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (prefix: e.g. one without file privileges)."""
    command = [*prefix, sys.executable, "-m", "pressdiff.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_an_unreadable_input_does_not_stop_the_batch(example_paths, tmp_path, unprivileged):
    """Issue 17's reproducer: a file in a chmod-000 folder, beside a good one."""
    closed = tmp_path / "d"
    closed.mkdir()
    (closed / "a.txt").write_text("Text.")
    closed.chmod(0)
    out = tmp_path / "r.json"
    try:
        done = run_cli(unprivileged, "analyze", str(example_paths[0]), str(closed / "a.txt"),
                       "-f", "json", "-o", str(out))  # fmt: skip
    finally:
        closed.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(out.read_text())
    assert [a["source"] for a in report["articles"]] == [str(example_paths[0])]
    assert report["rejected"] == [
        {"source": str(closed / "a.txt"), "reason": "cannot read: permission denied on a folder "
         "in its path"}
    ]  # fmt: skip


def test_unusable_databases_exit_2_with_one_line(example_paths, tmp_path, unprivileged):
    """A folder as --db, and a read-only database to ingest into: the path once, no traceback."""
    folder = runner.invoke(app, ["ingest", str(example_paths[0]), "--db", str(tmp_path)])
    assert folder.exit_code == 2
    assert folder.stderr == f"{tmp_path}: is a folder, not a database file\n"

    db = tmp_path / "news.db"
    assert runner.invoke(app, ["ingest", str(example_paths[0]), "--db", str(db)]).exit_code == 0
    db.chmod(0o444)
    done = run_cli(unprivileged, "ingest", str(example_paths[1]), "--db", str(db))
    assert done.returncode == 2
    # Opening may already need to write (a schema migration), so the reason may
    # come from opening or from the first write; either way one line, the path once.
    assert done.stderr.startswith(f"{db}: cannot ")
    assert done.stderr.endswith("(attempt to write a readonly database)\n")
    assert done.stderr.count("\n") == 1 and done.stderr.count(str(db)) == 1


def test_ingest_counts_inputs_with_the_same_text(example_paths, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(example_paths[0].read_bytes())
    db = str(tmp_path / "news.db")
    first = runner.invoke(app, ["ingest", str(example_paths[0]), str(copy), "--db", db])
    assert "1 new of 2 read (1 with the same text as an earlier input, 0 already stored)" in (
        first.stderr
    )
    again = runner.invoke(app, ["ingest", str(copy), "--db", db])
    assert "0 new of 1 read (0 with the same text as an earlier input, 1 already stored)" in (
        again.stderr
    )
