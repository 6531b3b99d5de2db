"""Reuse analysis on real text: the example story, Clough-Stevenson and generated FNC-1 stories."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pressdiff import reuse
from pressdiff.annotate import annotate
from pressdiff.config import settings
from pressdiff.model import Article, to_jsonable
from pressdiff.reuse.align import _explained
from pressdiff.reuse.lexical import SeedIndex, align_pair
from pressdiff.reuse.paraphrase import _monotone, _trace
from pressdiff.reuse.words import words

ROOT = Path(__file__).resolve().parents[1]
CLOUGH = ROOT.parent / "shared" / "data" / "clough-stevenson"
HONEST = {"000", "001", "002"}


def _article(path: Path, article_id: str | None = None) -> Article:
    text = path.read_text(errors="replace")
    return Article(
        id=article_id or path.stem, source=str(path), outlet=path.stem, text=text, original=text
    )


@pytest.fixture(scope="module")
def example(example_paths: list[Path]) -> tuple[list[Article], reuse.ReuseResult]:
    articles = annotate([_article(p, p.stem[:3]) for p in example_paths])
    return articles, reuse.analyse(articles)


def _clough_pair(task: str, answer: str) -> list[Article]:
    return annotate([_article(CLOUGH / f"orig_task{task}.txt"), _article(CLOUGH / answer)])


def test_words_mark_quoted_words(example_paths: list[Path]) -> None:
    text = example_paths[1].read_text()
    w = words(text)
    at = text.index("Someone put a live bullet")
    k = w.index_at(at)
    assert w.forms[k : k + 3] == ["someone", "put", "a"]
    assert all(w.quoted[k : k + 5])
    assert not w.quoted[w.index_at(text.index("Speaking to George"))]


def test_lexical_alignment_recovers_a_cut_answer() -> None:
    """A cut-and-paste answer aligns to its source as long, near-literal passages."""
    source = (CLOUGH / "orig_taska.txt").read_text(errors="replace")
    answer = (CLOUGH / "g0pD_taska.txt").read_text(errors="replace")
    ws = [words(source), words(answer)]
    matches = align_pair(SeedIndex(ws), 0, 1, ws[0], ws[1])
    covered = sum(m.b_last - m.b_first + 1 for m in matches)
    assert covered / len(ws[1]) > 0.6
    assert all(m.overlap >= 0.5 for m in matches)


def test_lexical_alignment_finds_nothing_in_an_independent_answer() -> None:
    source = (CLOUGH / "orig_taska.txt").read_text(errors="replace")
    answer = (CLOUGH / "g0pB_taska.txt").read_text(errors="replace")  # category "non"
    ws = [words(source), words(answer)]
    assert align_pair(SeedIndex(ws), 0, 1, ws[0], ws[1]) == []


@pytest.mark.slow
def test_honest_reports_share_only_quotes(example) -> None:
    _, result = example
    for f in result.findings:
        others = {e.article_id for e in f.evidence if e.article_id != f.article_id}
        assert not (f.article_id in HONEST and others & HONEST), f.explanation
    assert not HONEST & set(result.spun_ids)
    shared = [p for p in result.passages if {p.a, p.b} == {"001", "002"}]
    assert shared, "001 and 002 quote the same interview words"
    assert all(p.quoted >= 0.5 for p in shared)
    assert not any({e.source, e.target} <= HONEST for e in result.edges)


@pytest.mark.slow
def test_spun_copy_flagged_with_its_twin_sentences(example) -> None:
    articles, result = example
    assert "004" in result.spun_ids
    (finding,) = [f for f in result.findings if f.kind == "spun_copy" and f.article_id == "004"]
    assert "twins" in finding.explanation or "reworded duplicate" in finding.explanation
    text = articles[4].text
    twins = [
        "Alec Baldwin spoke to George Stephanopoulos for an interview that aired on Thursday night",
        "Alec Baldwin spoke with George Stephanopoulos during a radio interview.",
        "Serge Svetnoy is seen here with Halyna Hutchins, the head electrician of Rust.",
    ]
    for twin in twins:
        at = text.index(twin)
        assert any(e.start <= at < e.end for e in finding.evidence), twin


@pytest.mark.slow
def test_offsets_match_text_and_result_is_json(example) -> None:
    articles, result = example
    by_id = {a.id: a for a in articles}
    for f in result.findings:
        assert f.evidence
        assert by_id[f.article_id].text[f.start : f.end] == f.text
        for e in f.evidence:
            assert by_id[e.article_id].text[e.start : e.end] == e.text
    for p in result.passages:
        assert by_id[p.a].text[p.a_start : p.a_end] == p.a_text
        assert by_id[p.b].text[p.b_start : p.b_end] == p.b_text
    json.dumps(to_jsonable(result))


@pytest.mark.slow
def test_clough_grades_cut_above_heavy_above_non() -> None:
    scores = {}
    for answer in ("g0pA_taskb.txt", "g0pD_taskb.txt", "g0pB_taskb.txt"):  # cut, heavy, non
        result = reuse.analyse(_clough_pair("b", answer))
        scores[answer] = max((e.score for e in result.edges), default=0.0)
    assert scores["g0pA_taskb.txt"] > scores["g0pD_taskb.txt"] > scores["g0pB_taskb.txt"] == 0.0


@pytest.mark.slow
def test_direction_follows_publication_times() -> None:
    source, answer = _clough_pair("b", "g0pA_taskb.txt")
    later = replace(answer, published="2024-05-02T10:00:00Z")
    earlier = replace(source, published="2024-05-01T10:00:00Z")
    (edge,) = reuse.analyse([later, earlier]).edges
    assert (edge.source, edge.target, edge.direction) == (source.id, answer.id, "source_to_target")
    (edge,) = reuse.analyse([answer, source]).edges
    assert edge.direction == "unknown" and "unknown" in edge.reason


@pytest.mark.slow
def test_generated_story_reuse_is_found_where_it_was_put() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from reuse_generate import generate

    story = generate(1, seed=3)[0]
    articles = annotate(
        [
            Article(id=d.id, source=d.id, outlet=d.id, text=d.text, original=d.text)
            for d in story.docs
        ]
    )
    result = reuse.analyse(articles)
    edges = {frozenset((e.source, e.target)) for e in result.edges}
    for case in story.cases:
        assert frozenset((case.source, case.target)) in edges, case.kind
        if case.kind == "verbatim":
            assert any(
                p.kind == "verbatim" and p.a_start < case.s_end and case.s_start < p.a_end
                for p in result.passages
                if (p.a, p.b) == (case.source, case.target)
            )


@pytest.mark.slow
def test_reuse_partial_draws_one_arc_per_edge(example) -> None:
    from pressdiff.model import Story
    from pressdiff.pipeline import StoryAnalysis
    from pressdiff.report.html import _environment, story_view

    articles, result = example
    by_id = {a.id: a for a in articles}
    by_id["000"] = replace(by_id["000"], outlet="<script>alert(1)</script>")
    story = StoryAnalysis(Story("story-test", [a.id for a in articles]), reuse=result)
    html = (
        _environment()
        .get_template("_reuse.html.j2")
        .render(story=story, articles_by_id=by_id, view=story_view(0, story, by_id))
    )
    assert html.count('<path class="arc') == len(result.edges) >= 1
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'class="spun">004' in html


@pytest.mark.slow
def test_harbor_fire_light_spinner_flagged_by_its_synonym_swaps(harbor) -> None:
    """examples/harbor-fire: 04 is the Gazette (01) run through a light synonym spinner."""
    result = reuse.analyse(list(harbor.values()))
    assert result.spun_ids == [harbor["04"].id]
    (finding,) = [f for f in result.findings if f.kind == "spun_copy"]
    assert "synonyms swapped in" in finding.explanation
    assert "'warehouse' → 'storehouse'" in finding.explanation
    assert {e.article_id for e in finding.evidence} == {harbor["01"].id, harbor["04"].id}


def _monotone_cell_by_cell(sim: np.ndarray) -> list[tuple[int, int]]:
    """The matching's table filled cell by cell (the oracle for the row-wise filling), read
    back by the same traceback."""
    cfg = settings().reuse
    n, m = sim.shape
    gain = np.where(sim >= cfg.similar, sim - cfg.similar + 1e-3, -np.inf)
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i, j] = max(
                best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + gain[i - 1, j - 1]
            )
    return _trace(best)


def test_the_sentence_matching_and_explained_sentences_match_their_plain_definitions():
    rng = np.random.default_rng(14)
    for trial in range(200):
        sim = rng.uniform(0.2, 1.0, rng.integers(0, 25, 2)).astype(np.float32)
        if trial % 3 == 0:
            sim = np.round(sim, 1)  # ties between paths
        assert _monotone(sim) == _monotone_cell_by_cell(sim)
        covered = rng.random(int(rng.integers(0, 40))) < rng.random()
        ranges = [
            (int(f), int(f + rng.integers(-2, 8))) for f in rng.integers(0, len(covered) + 1, 6)
        ]
        ranges = [(f, min(last, len(covered) - 1)) for f, last in ranges]
        plain = [
            last >= f and covered[f : last + 1].mean() >= settings().reuse.lexically_explained
            for f, last in ranges
        ]
        assert _explained(ranges, covered).tolist() == plain
