"""Consensus on the real example story: what the coverage agrees on, and who strays from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pressdiff import claims, consensus
from pressdiff.annotate import annotate
from pressdiff.model import Article, Story, to_jsonable
from pressdiff.pipeline import Report, StoryAnalysis, analyse_story, load
from pressdiff.report.html import render_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def story(example_dir: Path) -> dict[str, Article]:
    articles, _ = load([str(example_dir)])
    annotate(articles)
    return {Path(a.source).name[:3]: a for a in articles}


@pytest.fixture(scope="module")
def result(story: dict[str, Article]) -> consensus.ConsensusResult:
    """Consensus as a user gets it: after reuse and quotes, which weigh the claims."""
    analysis = analyse_story(list(story.values()))
    assert analysis.consensus is not None
    return analysis.consensus


def test_rewritten_copies_have_the_lowest_fidelity(story, result) -> None:
    score = {f.article_id: f.score for f in result.fidelity}
    honest = [score[story[k].id] for k in ("000", "001", "002")]
    rewritten = [score[story[k].id] for k in ("003", "004")]
    assert max(rewritten) < min(honest)
    for f in result.fidelity:
        assert 0.0 <= f.score <= 1.0 and 0.0 < f.confidence < 1.0
        assert f.supported + f.contradicted <= f.checked


def test_agreed_claims_are_extractive_and_widely_supported(story, result) -> None:
    by_id = {a.id: a for a in story.values()}
    assert len(result.agreed) >= 3
    for agreed in result.agreed:
        assert by_id[agreed.article_id].text[agreed.start : agreed.end] == agreed.text
        assert len(agreed.outlets) >= 3  # more than half of the other four outlets back it
    assert any("trigger" in a.text for a in result.agreed)


def test_contested_claims_show_both_sides(story, result) -> None:
    radio = next(c for c in result.contested if c.text == "radio")
    assert radio.article_id == story["004"].id
    assert radio.for_side[0].text == "radio"
    assert {e.article_id for e in radio.against} >= {story["000"].id}
    assert all(
        c.article_id not in {story[k].id for k in ("000", "001", "002")} for c in result.contested
    )
    json.dumps(to_jsonable(result))


def test_html_partial_shows_both_sides_escaped(story, result) -> None:
    """The report's claims section: fidelity table, contested sides, matrix; text escaped."""
    articles = list(story.values())
    found = claims.analyse(articles)
    analysis = StoryAnalysis(
        Story("s", [a.id for a in articles]),
        claims=found,
        consensus=consensus.analyse(articles, found),
    )
    html = render_html(Report(articles=articles, stories=[analysis], rejected=[]))
    section = html[html.index("pd-claims") :]
    assert "Fidelity per article" in section and "Claim × outlet" in section
    assert "Other outlets say" in section and ">radio</blockquote>" in section
    # Article text goes through autoescape: the apostrophe in "interview's" is escaped.
    assert "interview&#39;s medium" in section
