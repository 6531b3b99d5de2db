"""Renderers on the real example story, plus two hostile inputs and one unreadable one.

The report comes from the real pipeline (``load`` + ``analyse``) so the tests
check what users get.  The hostile inputs carry markup in their text, title,
outlet and URL: every renderer must show it as text.
"""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from pressdiff import pipeline
from pressdiff.model import Article, Evidence, Finding, Rejection, Removed
from pressdiff.report import render_html, render_json, render_md, render_terminal, report_schema
from pressdiff.report.terminal import TOP_FINDINGS
from pressdiff.report.views import cited_elsewhere, segments, top_findings
from pressdiff.reuse import Edge, Passage, ReuseResult

pytestmark = pytest.mark.slow  # the analyses load the embedding model

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = (
    f"Baldwin interview draws scrutiny {SCRIPT}\n\n"
    "Actor Alec Baldwin told ABC News in a television interview that he did not pull the "
    f"trigger of the gun that killed cinematographer Halyna Hutchins. {IMG} He said the "
    "gun went off while he was rehearsing a scene on the set of the film Rust in New Mexico. "
    "Investigators are still trying to find out how a live bullet came to be on the set, "
    "and the armorer has said she does not know how it got there.\n"
)
HOSTILE_JSONL = {
    "text": (
        "Alec Baldwin said in an interview with George Stephanopoulos that he never pulled "
        "the trigger. The actor said he was following the directions of the cinematographer "
        "when the revolver discharged during a rehearsal on the set of Rust in New Mexico. "
        f"Legal experts said the claim would be tested by the investigation. {SCRIPT}"
    ),
    "title": f"Baldwin speaks {IMG}",
    "outlet": '<b onmouseover="alert(1)">Evil Outlet</b>',
    "url": "javascript:alert(1)",
}


@pytest.fixture(scope="module")
def report(example_paths: list[Path], tmp_path_factory: pytest.TempPathFactory) -> pipeline.Report:
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (folder / "hostile.jsonl").write_text(json.dumps(HOSTILE_JSONL) + "\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    paths = [str(p) for p in example_paths] + [str(p) for p in sorted(folder.iterdir())]
    articles, rejected = pipeline.load(paths)
    return pipeline.analyse(articles, rejected, one_story=True)


def test_hostile_inputs_reach_the_report(report: pipeline.Report) -> None:
    """Guards the other tests: they are only meaningful if the hostile articles were read."""
    texts = [a.text for a in report.articles]
    assert any(SCRIPT in t and IMG in t for t in texts)
    assert any(a.outlet == HOSTILE_JSONL["outlet"] for a in report.articles)
    assert any(r.source.endswith("empty.txt") for r in report.rejected)


# --- JSON -------------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_json_validates_against_the_schema(report: pipeline.Report) -> None:
    payload = json.loads(render_json(report))
    jsonschema.Draft202012Validator(report_schema()).validate(payload)
    assert payload["schema_version"] == pipeline.SCHEMA_VERSION
    assert [a["id"] for a in payload["articles"]] == [a.id for a in report.articles]
    assert [s["article_ids"] for s in payload["stories"]] == [
        s.story.article_ids for s in report.stories
    ]
    assert {r["source"] for r in payload["rejected"]} == {r.source for r in report.rejected}


def test_json_offsets_point_at_their_words(report: pipeline.Report) -> None:
    payload = json.loads(render_json(report))
    texts = {a["id"]: a["text"] for a in payload["articles"]}
    originals = {a.id: a.original for a in report.articles}
    for article in payload["articles"]:
        for span in article["sentences"] + article["entities"]:
            assert article["text"][span["start"] : span["end"]] == span["text"]
        for removed in article["removed"]:
            assert originals[article["id"]][removed["start"] : removed["end"]] == removed["text"]
    findings = [f for story in payload["stories"] for f in story["findings"]]
    assert findings, "the example's rewritten copies should raise findings"
    for story in payload["stories"]:
        for finding in story["findings"]:
            assert finding["article_id"] in story["article_ids"]
            assert 0 <= finding["start"] <= finding["end"]
            assert (
                texts[finding["article_id"]][finding["start"] : finding["end"]] == finding["text"]
            )
            for ev in finding["evidence"]:
                assert ev["article_id"] in story["article_ids"]
                assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
        order = [
            (story["article_ids"].index(f["article_id"]), f["start"]) for f in story["findings"]
        ]
        assert order == sorted(order)
        for p in story["reuse"]["passages"]:
            assert {p["a"], p["b"]} <= set(story["article_ids"]) and p["a"] != p["b"]
            assert texts[p["a"]][p["a_start"] : p["a_end"]] == p["a_text"]
            assert texts[p["b"]][p["b_start"] : p["b_end"]] == p["b_text"]
        for e in story["reuse"]["edges"]:
            assert {e["source"], e["target"]} <= set(story["article_ids"])


def test_json_keeps_removed_debris_with_reasons(report: pipeline.Report) -> None:
    payload = json.loads(render_json(report))
    removed = {a["id"]: a["removed"] for a in payload["articles"]}
    for article in report.articles:
        assert [r["text"] for r in removed[article.id]] == [r.text for r in article.removed]
    assert any("READ MORE" in r["text"] for rs in removed.values() for r in rs)


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("finding", {"kind": "typo"}),
        ("finding", {"evidence": []}),
        ("finding", {"confidence": 1.5}),
        ("finding", {"extra": 1}),
        ("article", {"removed": [{"start": 0, "end": 1, "text": "x"}]}),
        ("article", {"text": None}),
        ("rejected", {"reason": ""}),
    ],
)
def test_schema_is_strict(report: pipeline.Report, where: str, change: dict) -> None:
    """A report that drifts from the documented shape must fail validation."""
    payload = json.loads(render_json(report))
    payload["rejected"].append({"source": "x", "reason": "y"})
    target = {
        "finding": payload["stories"][0]["findings"][0],
        "article": payload["articles"][0],
        "rejected": payload["rejected"][-1],
    }[where]
    target.update(change)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(payload)


# --- highlight segments -----------------------------------------------------------------------


def test_segments_cut_overlapping_spans_into_flat_runs(report: pipeline.Report) -> None:
    text = report.articles[0].sentences[0].text
    a, b, c = (5, 30, "a"), (20, 45, "b"), (25, 28, "c")
    runs = segments(text, [a, b, c, (-10, 3, "d"), (40, 40, "empty")])
    assert "".join(r.text for r in runs) == text
    assert all(r.text == text[r.start : r.end] for r in runs)
    for position in range(len(text)):
        (run,) = [r for r in runs if r.start <= position < r.end]
        expected = {label for s, e, label in [a, b, c, (0, 3, "d")] if s <= position < e}
        assert run.labels == expected


# --- HTML -------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects elements, their nesting and the text inside each highlight."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.nested_marks = 0
        self.scripts: list[str] = []
        self.mark_text: dict[str, str] = {}
        self._mark_ids: list[str] | None = None
        self.passage_text: dict[tuple[str, str], str] = {}
        self._passage_ids: list[str] | None = None
        self._column: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "mark":
            self.nested_marks += "mark" in self.stack
            self._mark_ids = (attributes.get("data-f") or "").split()
        if tag == "script":
            self.scripts.append("")
        if tag == "article" and "data-col" in attributes:
            self._column = attributes["data-col"]
        if tag in ("mark", "span") and "data-p" in attributes:
            assert self._passage_ids is None, "passage runs must not nest"
            self._passage_ids = (attributes["data-p"] or "").split()
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        if tag == "mark":
            self._mark_ids = None
        if tag in ("mark", "span"):
            self._passage_ids = None
        if tag == "article":
            self._column = None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "script":
            self.scripts[-1] += data
            return
        self.text += data
        for fid in self._mark_ids or []:
            self.mark_text[fid] = self.mark_text.get(fid, "") + data
        for pid in self._passage_ids or []:
            key = (pid, self._column or "")
            self.passage_text[key] = self.passage_text.get(key, "") + data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed elements: {page.stack}"
    return page


def test_html_renders_untrusted_text_as_text(report: pipeline.Report) -> None:
    page = _parse(render_html(report))
    our_script = resources.files("pressdiff.report").joinpath("assets", "report.js").read_text()
    assert page.scripts == [our_script]
    assert not [tag for tag, _ in page.elements if tag in ("img", "iframe", "object", "embed")]
    assert not [
        (tag, name) for tag, attrs in page.elements for name in attrs if name.startswith("on")
    ]
    assert not [
        attrs["href"]
        for _, attrs in page.elements
        if (attrs.get("href") or "").lower().startswith("javascript")
    ]
    assert SCRIPT in page.text and IMG in page.text
    assert HOSTILE_JSONL["outlet"] in page.text and HOSTILE_JSONL["title"] in page.text


def test_html_is_self_contained(report: pipeline.Report) -> None:
    page = _parse(render_html(report))
    (csp,) = [
        attrs["content"]
        for tag, attrs in page.elements
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in (csp or "")
    fetching = [
        (tag, attrs)
        for tag, attrs in page.elements
        if tag in ("link", "img", "iframe", "source", "video", "audio")
        or (tag == "script" and "src" in attrs)
    ]
    assert fetching == []


def test_html_highlights_every_finding_and_its_evidence(report: pipeline.Report) -> None:
    html = render_html(report)
    page = _parse(html)
    assert page.nested_marks == 0
    findings = [f for story in report.stories for f in story.findings]
    assert findings
    cited = {
        attrs["data-e"]
        for tag, attrs in page.elements
        if tag in ("mark", "span") and "data-e" in attrs
    }
    for s, story in enumerate(report.stories):
        for n, finding in enumerate(story.findings):
            fid = f"s{s}f{n}"
            assert page.mark_text[fid] == finding.text
            if cited_elsewhere(finding):
                assert any(fid in (ids or "").split() for ids in cited)
    article_text = "".join(a.text for a in report.articles)
    assert all(a.text in page.text for a in report.articles), "article text lost in rendering"
    assert len(page.text) > len(article_text)


def test_html_survives_overlapping_findings(report: pipeline.Report) -> None:
    """Analyses may flag overlapping words (a copied passage holding an altered quote)."""
    story = report.stories[0]
    first = story.findings[0]
    middle = (first.start + first.end) // 2
    article = next(a for a in report.articles if a.id == first.article_id)
    overlapping = dataclasses.replace(
        first,
        kind="unsupported_claim",
        start=middle,
        end=min(len(article.text), first.end + 40),
        text=article.text[middle : min(len(article.text), first.end + 40)],
    )
    crossed = dataclasses.replace(
        report, stories=[dataclasses.replace(story, findings=[first, overlapping])]
    )
    page = _parse(render_html(crossed))
    assert page.nested_marks == 0
    assert page.mark_text["s0f0"] == first.text
    assert page.mark_text["s0f1"] == overlapping.text


def _pair_options(page: _Page) -> dict[str, dict[str, str | None]]:
    return {
        attrs["value"] or "": attrs
        for tag, attrs in page.elements
        if tag == "option" and attrs.get("data-p")
    }


def test_html_highlights_reuse_passages_in_both_articles(report: pipeline.Report) -> None:
    """Each aligned passage is cut into both its articles' text, and the pair picker lists it."""
    page = _parse(render_html(report))
    options = _pair_options(page)
    story = report.stories[0]
    columns = {a: str(n) for n, a in enumerate(story.story.article_ids)}
    passages = story.reuse.passages
    assert passages, "the example's copies share passages"
    for n, p in enumerate(passages):
        pid = f"s0p{n}"
        assert page.passage_text[(pid, columns[p.a])] == p.a_text
        assert page.passage_text[(pid, columns[p.b])] == p.b_text
        (option,) = [
            o
            for o in options.values()
            if any(code.split(":")[0] == pid for code in (o["data-p"] or "").split())
        ]
        assert {option["data-a"], option["data-b"]} == {columns[p.a], columns[p.b]}
        assert f"{pid}:{p.kind}:{p.similarity:.2f}:" in (option["data-p"] or "")
    # The strongest reuse edge of the example (002 rewrites part of 003's text, or the
    # reverse) is the pair shown when the page opens.
    selected = [attrs for tag, attrs in page.elements if tag == "option" and "selected" in attrs]
    edge = story.reuse.edges[0]
    assert len(selected) == 1
    assert {selected[0]["data-a"], selected[0]["data-b"]} == {
        columns[edge.source],
        columns[edge.target],
    }
    # Arcs of the provenance graph and rows of the edge table open the pair too.
    assert sum(attrs.get("data-pair") == selected[0]["value"] for _, attrs in page.elements) == 2


def test_html_escapes_text_inside_reuse_passages(report: pipeline.Report) -> None:
    """Article text inside a passage run is still text: a passage over hostile markup."""
    story = report.stories[0]
    hostile = next(a for a in report.articles if SCRIPT in a.text and IMG in a.text)
    other = next(a for a in report.articles if a.id in story.story.article_ids and a != hostile)
    start, end = hostile.text.index(SCRIPT) - 10, hostile.text.index(IMG) + len(IMG)
    passage = Passage(
        a=other.id, b=hostile.id, a_start=0, a_end=60, b_start=start, b_end=end,
        kind="edited", similarity=0.8, overlap=0.7, quoted=0.0, mostly_quoted=False,
        a_text=other.text[:60], b_text=hostile.text[start:end],
    )  # fmt: skip
    reuse = dataclasses.replace(story.reuse, passages=[passage], edges=[])
    page = _parse(render_html(dataclasses.replace(
        report, stories=[dataclasses.replace(story, reuse=reuse)]
    )))  # fmt: skip
    column = str(story.story.article_ids.index(hostile.id))
    assert page.passage_text[("s0p0", column)] == hostile.text[start:end]
    our_script = resources.files("pressdiff.report").joinpath("assets", "report.js").read_text()
    assert page.scripts == [our_script]
    assert not [tag for tag, _ in page.elements if tag in ("img", "iframe", "object", "embed")]
    assert len(_pair_options(page)) == 1


# --- Markdown and terminal --------------------------------------------------------------------


def test_markdown_lists_findings_debris_and_rejections(report: pipeline.Report) -> None:
    md = render_md(report)
    assert not re.search(r"(?<!\\)<", md), "unescaped markup in the Markdown"
    assert "\\<script\\>alert(1)\\</script\\>" in md
    for story in report.stories:
        assert f"## Story: {story.story.title}" in md
        assert f"`{story.story.id}` · " in md
    findings = [f for story in report.stories for f in story.findings]
    assert md.count("Evidence from") == sum(len(cited_elsewhere(f)) for f in findings)
    debris = [r for a in report.articles for r in a.removed]
    assert debris and md.count("of the original") == len(debris)
    assert "## Rejected inputs" in md
    assert "empty.txt" in md


def test_terminal_summary(report: pipeline.Report) -> None:
    console = Console(record=True, width=160, color_system=None)
    render_terminal(report, console)
    out = console.export_text()
    for article in report.articles:
        assert article.outlet in out
    assert "Top findings" in out
    assert f"{len(report.rejected)} input(s) rejected" in out
    # A top finding's explanation is its evidence (for an altered quote, the words that
    # changed, which come last): it is printed whole, however the console wraps it.
    flat_out = "".join(out.split())
    shown = top_findings(report, TOP_FINDINGS)
    assert any(f.kind == "altered_quote" for f in shown)
    for finding in shown:
        assert "".join(finding.explanation.split()) in flat_out


def test_renderers_accept_an_empty_report() -> None:
    empty = pipeline.Report(articles=[], stories=[], rejected=[])
    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(render_json(empty)))
    assert "Nothing could be analysed" in render_html(empty)
    assert "0 articles" in render_md(empty)
    console = Console(record=True, width=100, color_system=None)
    render_terminal(empty, console)
    assert "No findings." in console.export_text()


@pytest.mark.parametrize(
    ("record", "definition", "unserialised"),
    [
        (Article, "article", {"doc", "vectors", "original", "tokens"}),
        (Finding, "finding", set()),
        (Evidence, "evidence", set()),
        (Removed, "removed", set()),
        (Rejection, "rejected", set()),
        (ReuseResult, "reuse", set()),
        (Passage, "reuse_passage", set()),
        (Edge, "reuse_edge", set()),
    ],
)
def test_schema_names_every_field_of_the_model(
    record: type, definition: str, unserialised: set[str]
) -> None:
    """When a record gains a field, the schema (and docs/report-schema.md) must follow."""
    fields = {f.name for f in dataclasses.fields(record)} - unserialised
    assert set(report_schema()["$defs"][definition]["properties"]) == fields
