"""The one bounded cache: it never loses what the current call needs (issues #16 and #17).

Both caches it replaced emptied themselves when full in the middle of a call and then read
an entry they had just dropped (``KeyError``).  The reproducers from the issues are here as
they were filed, plus a long run of distinct real documents through the claim checker.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

import pressdiff.claims
from pressdiff import nlp
from pressdiff.cache import BoundedCache
from pressdiff.claims.check import RuleChecker

FNC1_BODIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1" / "train_bodies.csv"


def test_a_call_gets_every_value_even_when_it_overflows_the_bound():
    calls: list[list[str]] = []

    def compute(keys: list[str]) -> list[str]:
        calls.append(keys)
        return [k.upper() for k in keys]

    cache: BoundedCache[str, str] = BoundedCache(2)
    assert cache.get_many(["a", "b"], compute) == ["A", "B"]
    # "a" is cached, "c" and "d" are new: three values for a cache of two.
    assert cache.get_many(["a", "c", "d", "a"], compute) == ["A", "C", "D", "A"]
    assert calls == [["a", "b"], ["c", "d"]]
    assert len(cache) == 2


def test_the_least_recently_used_entry_goes_first():
    cache: BoundedCache[str, str] = BoundedCache(2)
    cache.get_many(["a", "b"], lambda keys: keys)
    cache.get_many(["a"], lambda keys: keys)  # "a" is used again, so "b" is now the oldest
    cache.get_many(["c"], lambda keys: keys)
    assert "a" in cache and "c" in cache and "b" not in cache


def test_a_cache_needs_room():
    with pytest.raises(ValueError, match="at least one entry"):
        BoundedCache(0)


@pytest.mark.slow
def test_embed_with_a_tiny_cache_issue17_reproducer(monkeypatch):
    monkeypatch.setattr(nlp, "_EMBED_CACHE", BoundedCache(3))
    first = nlp.embed(["a", "b"])
    second = nlp.embed(["a", "c", "d"])  # raised KeyError: 'a'
    assert second.shape == (3, 384)
    assert (second[0] == first[0]).all()


@pytest.mark.slow
def test_600_checks_in_a_row_issue17_reproducer():
    # The 512-entry parse cache used to empty itself on call 512 and then read a claim it
    # had just dropped.
    results = [pressdiff.claims.check("The fire was big.", f"Claim {i}.") for i in range(600)]
    assert len(results) == 600
    assert {r.label for r in results} <= {"supports", "contradicts", "unclear"}


def _fnc1_documents(n: int, words: int, step: int) -> list[str]:
    """``n`` distinct real documents of ``words`` words: windows ``step`` words apart over the
    FNC-1 bodies read end to end.  Neighbours share most sentences, so the test pays for
    parsing every document but embeds each sentence about once."""
    with FNC1_BODIES.open(newline="", encoding="utf-8") as f:
        text = [w for row in csv.DictReader(f) for w in row["articleBody"].split()]
    windows = (" ".join(text[i : i + words]) for i in range(0, len(text) - words, step))
    return list(itertools.islice(dict.fromkeys(windows), n))


@pytest.mark.slow
def test_a_thousand_distinct_long_documents_in_one_process_issue16():
    # Issue #16 saw the crash on the 507th of 686 distinct long documents; the claim repeats,
    # as a question checked against a corpus would.
    documents = _fnc1_documents(1_050, words=250, step=25)
    assert len(documents) == 1_050
    checker = RuleChecker()
    claim = documents[0].split(". ")[0] + "."
    labels = [checker.check(doc, claim).label for doc in documents]
    assert labels[0] == "supports"  # the claim is the first document's own first sentence
    assert len(checker._cache) == checker._cache.max_size  # bounded, and full


def test_put_and_get_keep_the_most_recently_used():
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is used again, so "b" is now the oldest
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_pop_forgets_one_key_and_ignores_an_absent_one():
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.pop("a")
    cache.pop("never kept")
    assert "a" not in cache and cache.get("b") == 2 and len(cache) == 1
