"""Limits that keep one input from taking the machine down (issue 17, item 3 and beyond)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressdiff import pipeline
from pressdiff.annotate import OverBudget, annotate, chunk_text
from pressdiff.cli import app
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import Article

FNC1_BODIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1" / "train_bodies.csv"


@pytest.fixture(scope="module")
def short_lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issue 17's reproducer: 200,000 short lines (600 kB), once 5.5 minutes and 7.4 GB."""
    rng = random.Random(17)
    path = tmp_path_factory.mktemp("lines") / "s.txt"
    path.write_text("\n".join(rng.choice(["a", "b.", "ok", "Hi", "x y"]) for _ in range(200_000)))
    return path


def test_an_article_over_a_limit_is_rejected_before_parsing(short_lines, example_paths):
    articles, rejected = pipeline.load([str(example_paths[0]), str(short_lines)])
    assert [a.source for a in articles] == [str(example_paths[0])]
    assert [(r.source, r.reason) for r in rejected] == [
        (str(short_lines),
         "too long to analyse: 200,000 lines, the limit is 20,000 (lines_per_article)"),
    ]  # fmt: skip
    lax = Limits(lines_per_article=1_000_000, chars_per_article=1_000_000)
    [why] = pipeline.load([str(short_lines)], lax)[1]
    assert why.reason.endswith("tokens, the limit is 150,000 (tokens_per_article)")


def test_batch_limit_rejects_the_articles_beyond_it(example_paths):
    articles, rejected = pipeline.load(map(str, example_paths), Limits(articles_per_batch=3))
    assert len(articles) == 3
    assert [r.reason for r in rejected] == [
        "over the batch limit of 3 articles (articles_per_batch)"
    ] * 2


def test_limits_are_set_by_name_and_checked():
    assert LIMITS.with_settings(["tokens_per_article=10", "seconds-per-article=2.5"]) == Limits(
        tokens_per_article=10, seconds_per_article=2.5
    )
    for bad, message in [
        ("nope=1", "unknown limit 'nope'"),
        ("lines_per_article=x", "needs a number"),
        ("parse_chars=0", "must be positive"),
    ]:
        with pytest.raises(ValueError, match=message):
            LIMITS.with_settings([bad])
    result = CliRunner().invoke(app, ["analyze", "x.txt", "--limit", "nope=1"])
    assert result.exit_code == 2 and "unknown limit 'nope'" in result.stderr


def test_chunks_join_back_into_the_text_and_cut_at_breaks(example_paths):
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in example_paths)
    chunks = chunk_text(text, 2_000)
    assert "".join(chunks) == text and len(chunks) > 3
    assert all(len(c) <= 2_000 and c.endswith("\n") for c in chunks[:-1])
    assert chunk_text("x" * 5_000, 2_000) == ["x" * 2_000, "x" * 2_000, "x" * 1_000]


def test_a_long_article_parsed_in_chunks_keeps_its_offsets(example_paths):
    """Chunks are parsed apart and joined back: one Doc over the article's own text."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in example_paths)
    chunked, single = (
        Article(id=f"x{n}", source="joined", outlet="o", text=text, original=text) for n in range(2)
    )
    annotate([chunked], limits=Limits(parse_chars=2_000))
    annotate([single], limits=Limits(parse_chars=1_000_000))
    assert chunked.doc.text == text
    for record in (*chunked.sentences, *chunked.tokens, *chunked.entities):
        assert text[record.start : record.end] == record.text
    assert [(t.start, t.text) for t in chunked.tokens] == [(t.start, t.text) for t in single.tokens]


def test_an_article_over_its_time_budget_is_rejected_and_the_rest_goes_on(example_paths):
    articles, _ = pipeline.load([str(p) for p in example_paths[:2]])
    hasty = Limits(seconds_per_article=1e-9, parse_chars=500)
    with pytest.raises(OverBudget, match=r"time budget of 1e-09 s \(seconds_per_article\)"):
        annotate(articles, limits=hasty)
    report = pipeline.analyse(articles, [], limits=hasty)
    assert report.articles == [] and report.stories == []
    assert [r.source for r in report.rejected] == [a.source for a in articles]
