"""Debris removal on the real example articles and on real FNC-1 bodies."""

from __future__ import annotations

import csv
from pathlib import Path

from pressdiff.clean import clean, find_debris
from pressdiff.model import RawDocument


def _clean(path: Path):
    return clean(RawDocument(source=str(path), text=path.read_text(encoding="utf-8")))


def _by_prefix(paths: list[Path], prefix: str):
    return _clean(next(p for p in paths if p.name.startswith(prefix)))


def test_link_widget_residue_is_cut_out_of_the_sentence(example_paths):
    article = _by_prefix(example_paths, "000")
    assert [r.reason for r in article.removed] == [
        "related-link widget residue glued into a sentence"
    ]
    residue = article.removed[0].text
    assert residue.startswith("George Robert Stephanopoulos")
    assert residue.endswith("another Trump run MORE")
    assert "anchor George Stephanopoulos that the incident happened" in article.text
    assert article.original[article.removed[0].start : article.removed[0].end] == residue


def test_both_read_more_lines_are_removed(example_paths):
    article = _by_prefix(example_paths, "001")
    assert [r.reason for r in article.removed] == ["related-link line"] * 2
    assert all(r.text.startswith("READ MORE:") for r in article.removed)
    assert "READ MORE" not in article.text
    assert "“I have no idea,” Baldwin said." in article.text


def test_self_promotion_at_the_end_is_removed(example_paths):
    article = _by_prefix(example_paths, "003")
    assert [r.reason for r in article.removed] == ["publisher self-promotion"]
    assert article.removed[0].text.startswith("The Washington Newsday Brief News is a daily")
    assert article.text.endswith("Then there’s the trigger.")


def test_credited_photo_captions_are_removed_and_reporting_kept(example_paths):
    article = _by_prefix(example_paths, "002")
    assert len(article.removed) == 5
    assert all(r.reason == "photo caption with credit (ABC News)" for r in article.removed)
    assert "ABC News\n" not in article.text
    assert "Cinematographer Halyna Hutchins was killed and director Joel Souza" in article.text


def test_rewritten_copy_keeps_its_uncredited_captions(example_paths):
    # 004's caption/paraphrase twins are evidence for reuse analysis: nothing goes.
    article = _by_prefix(example_paths, "004")
    assert article.removed == []
    assert "during a radio interview" in article.text


def test_no_reporting_sentence_is_lost(example_paths):
    """What lies outside the removed spans, line by line, is all in the cleaned text."""
    for path in example_paths:
        article = _clean(path)
        kept = list(article.original)
        for r in article.removed:
            kept[r.start : r.end] = ["\0"] * (r.end - r.start)
        for line in "".join(kept).split("\n"):
            for piece in line.split("\0"):
                assert piece.strip() in article.text, (path.name, piece)


def test_fnc1_bodies_lose_little():
    """On 1,683 real bodies the cleaner removes under 1% of the characters."""
    csv.field_size_limit(10**8)
    path = Path(__file__).resolve().parents[2] / "shared/data/fnc1/train_bodies.csv"
    with path.open(encoding="utf-8") as handle:
        bodies = [row["articleBody"] for row in csv.DictReader(handle)]
    total = sum(len(b) for b in bodies)
    removed = sum(r.end - r.start for b in bodies for r in find_debris(b))
    assert 0 < removed < 0.01 * total
