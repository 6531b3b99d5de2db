"""Property-based tests: whatever text comes in, no exception escapes and every offset
stays inside its text (issue 17).

Inputs are arbitrary unicode (control characters included), text built from
the characters that drive each stage (quotation marks, line breaks, cue
words), and real articles of the example story mutated by cutting, splicing
and inserting.  Example counts are small: each parses with spaCy.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pressdiff.claims
import pressdiff.quotes
from pressdiff.clean import clean
from pressdiff.ingest import read_inputs
from pressdiff.model import RawDocument, Rejection

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "rust-interview"
REAL = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("*.txt"))]

fast = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
parsed = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every code point hypothesis can draw (surrogates cannot be in a str a file holds).
anything = st.text(st.characters(codec="utf-8"), max_size=400)
# The characters quote and claim rules look at, so the rules actually fire.
PIECES = ['"', "“", "”", "‘", "’", "'", "«", "»", ":", ",", ".", "\n", "\n\n", " ", "\x1b",
          "\t", "said", "told", "says", "Baldwin", "he", "she", "the", "not", "never", "63",
          "TV", "radio", "READ MORE: ", "Photo: Getty", "killed", "injured", "(", ")",
          "—"]  # fmt: skip
shaped = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real article with a few cuts, splices and insertions."""
    text = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 400)))
        action = draw(st.sampled_from(["cut", "insert", "splice"]))
        if action == "cut":
            text = text[:i] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.one_of(anything, shaped)) + text[i:]
        else:
            other = draw(st.sampled_from(REAL))
            text = text[:i] + other[i : j + 200] + text[j:]
    return text


texts = st.one_of(anything, shaped, mutated())
# Claims are sentences, evidence a passage: the checker is given pieces of that size.
passages = texts.map(lambda text: text[:600])


# --- readers ------------------------------------------------------------------------------


def _files(text: str, raw: bytes) -> dict[str, bytes]:
    """One file of each kind the readers take, holding the drawn content."""
    line = json.dumps({"text": text, "title": text[:50], "outlet": text[-20:]}) + "\n"
    return {
        "a.txt": text.encode("utf-8", "surrogatepass"),
        "b.html": f"<html><body><p>{text}</p></body></html>".encode(),
        "c.jsonl": line.encode() + raw + b"\n" + line.encode(),
        "d.jsonl.gz": gzip.compress(line.encode() + raw)[: max(10, len(raw))],
        "e.warc": b"WARC/1.0\r\nWARC-Type: response\r\n" + raw,
        "f": raw,
    }


@fast
@given(text=texts, raw=st.binary(max_size=300))
def test_readers_end_every_input_in_a_document_or_a_reason(text: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in _files(text, raw).items():
            Path(folder, name).write_bytes(data)
        items = list(read_inputs([folder, *(str(Path(folder, n)) for n in ("a.txt", "f"))]))
    assert items
    for item in items:
        assert isinstance(item, RawDocument | Rejection)
        if isinstance(item, RawDocument):
            assert item.text.strip()
        else:
            assert item.reason and "\n" not in item.reason


# --- cleaner ------------------------------------------------------------------------------


@fast
@given(text=texts)
@example(text="READ MORE: x\n" * 5_000)  # a large input of nothing but debris
@example(text="")
def test_cleaner_keeps_every_removal_inside_the_original(text: str) -> None:
    article = clean(RawDocument("prop", text))
    pieces, cursor = [], 0
    for removed in article.removed:
        assert cursor <= removed.start <= removed.end <= len(article.original)
        assert article.original[removed.start : removed.end] == removed.text
        pieces.append(article.original[cursor : removed.start])
        cursor = removed.end
    pieces.append(article.original[cursor:])
    assert article.text == "".join(pieces).strip()


# --- quote extraction ---------------------------------------------------------------------


def _inside(text: str, start: int, end: int, optional: bool = False) -> bool:
    if optional and start == end == -1:
        return True
    return 0 <= start <= end <= len(text)


@parsed
@given(text=texts)
@example(text="“" + "He said, “no.” " * 300)  # unbalanced marks in a longer text
def test_quote_extraction_offsets_stay_inside_the_text(text: str) -> None:
    for quote in pressdiff.quotes.extract(text):
        assert _inside(text, quote.start, quote.end)
        for start, end in quote.parts:
            assert quote.start <= start <= end <= quote.end
        assert _inside(text, quote.speaker_start, quote.speaker_end, optional=True)
        assert _inside(text, quote.cue_start, quote.cue_end, optional=True)


# --- the checker --------------------------------------------------------------------------


@pytest.mark.slow  # the checker embeds with MiniLM
@parsed
@given(evidence=passages, claim=passages)
@example(evidence="", claim="")
def test_checker_gives_a_verdict_with_spans_inside_the_claim(evidence: str, claim: str) -> None:
    result = pressdiff.claims.check(evidence, claim)
    assert result.label in ("supports", "contradicts", "unclear")
    assert 0.0 <= result.score <= 1.0
    for start, end in result.spans:
        assert 0 <= start <= end <= len(claim)
