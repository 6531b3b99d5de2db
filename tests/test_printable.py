"""Escape sequences in untrusted text are shown, never obeyed (issue 17, item 4).

An article's title, outlet, text and file name reach the terminal through
the terminal summary, the rejection lines on stderr, and the Markdown report
a user may ``cat``; none of them may carry a raw control character.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from pressdiff import pipeline
from pressdiff.cli import app
from pressdiff.model import Evidence, Finding
from pressdiff.report import render_json, render_md, render_terminal
from pressdiff.report.json import report_payload
from pressdiff.report.printable import printable
from pressdiff.report.terminal import render_stories

RED = "\x1b[31mRED\x1b[0m"
RETITLE = "\x1b]0;pwned\x07"
CSI_C1 = "\x9b2J"  # "clear screen" with the one-byte C1 introducer
RTL = "\u202eevil\u202c"  # a right-to-left override: the text would read backwards
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_printable_shows_each_control_character_as_its_escape():
    assert printable(f"{RED} {RETITLE}") == r"\x1b[31mRED\x1b[0m \x1b]0;pwned\x07"
    assert printable(f"a\nb\tc{CSI_C1}{RTL}") == r"a\nb\tc\x9b2J\u202eevil\u202c"
    assert printable("Café “quoted” — ok") == "Café “quoted” — ok"


def hostile_report(example_paths: list[Path], folder: Path) -> pipeline.Report:
    """A real article under hostile metadata, with a finding whose words carry escapes."""
    text = f"{RED} {example_paths[0].read_text(encoding='utf-8')} {CSI_C1}{RTL}"
    line = {"text": text, "title": f"{RED} {RETITLE}", "outlet": f"Evil{RETITLE}"}
    (folder / "feed.jsonl").write_text(json.dumps(line) + "\n")
    (folder / "bad\nname.txt").write_bytes(b"")
    articles, rejected = pipeline.load([str(folder / "feed.jsonl"), str(folder / "bad\nname.txt")])
    [article] = articles
    start = article.text.index(CSI_C1) - 20
    words = article.text[start:]
    evidence = [Evidence(article.id, 0, 12, article.text[:12])]
    finding = Finding("contradiction", article.id, start, len(article.text), words, evidence,
                      f"says {words!s}", 0.9)  # fmt: skip
    dated = pipeline.Story("story-1", [article.id], title=f"{RED} story", outlets=[article.outlet],
                           first_published="\x1b[2J2021", last_published="\x1b[2J2022")  # fmt: skip
    story = pipeline.StoryAnalysis(dated, findings=[finding])
    return pipeline.Report(articles=articles, stories=[story], rejected=rejected)


def test_terminal_and_markdown_show_escapes_instead_of_obeying_them(example_paths, tmp_path):
    report = hostile_report(example_paths, tmp_path)
    screen = io.StringIO()
    console = Console(file=screen, width=200, color_system=None)
    render_terminal(report, console)
    render_stories([report.stories[0].story], console)
    for output in (screen.getvalue(), render_md(report)):
        assert not RAW_CONTROL.search(output), repr(RAW_CONTROL.search(output))
        shown = output.replace("\\[", "[").replace("\\]", "]")  # Markdown's escapes
        assert "x1b[31mRED" in shown and "x1b]0;pwned" in shown and "x07" in shown
        assert "x9b2J" in shown and "u202eevil" in shown and "x1b[2J2021" in shown


def test_json_escapes_controls_and_still_parses_to_the_same_strings(example_paths, tmp_path):
    """``analyze -f json`` without ``-o`` prints the JSON on the terminal: C1 controls
    and direction overrides, which ``json.dumps`` keeps raw, are written as escapes."""
    report = hostile_report(example_paths, tmp_path)
    output = render_json(report)
    assert not RAW_CONTROL.search(output), repr(RAW_CONTROL.search(output))
    assert "\\u009b2J" in output and "\\u202eevil\\u202c" in output
    assert "\\u001b[31mRED" in output  # C0: json.dumps's own escape
    assert json.loads(output) == report_payload(report)
    assert json.loads(output)["articles"][0]["text"].endswith(f"{CSI_C1}{RTL}")


def test_rejection_of_a_file_name_with_a_newline_is_one_line(tmp_path):
    bad = tmp_path / "two\nlines.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(app, ["analyze", str(bad), "-f", "json"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"rejected: {tmp_path}/two\\nlines.txt: empty (0 bytes)"
