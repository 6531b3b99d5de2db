"""The decision layer (align + model) on real text: the example story and QAGS articles.

What it must do beyond the rules: earn "supports" (a claim whose words scatter over the
evidence, or that the evidence never makes, is ``unclear``), keep the rules' concrete
contradictions, and say how sure each verdict is.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pressdiff.claims.align import FEATURES
from pressdiff.claims.support import SupportChecker, shipped_model

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
STORY = SHARED / "examples" / "rust-interview"
QAGS = SHARED / "data" / "qags" / "mturk_cnndm.jsonl"


def article(prefix: str) -> str:
    return next(STORY.glob(f"{prefix}_*.txt")).read_text()


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker()


def test_shipped_weights_match_the_features_and_say_what_trained_them() -> None:
    model = shipped_model()
    assert len(model.coef) == len(model.features) == len(model.mean) == len(model.scale)
    # The rules' conflicts decide on their own; the model weighs some alignment measures.
    assert set(model.features) <= set(FEATURES) - {"conflicts"}
    assert 0.0 < model.cut < 1.0
    trained_on = model.info["trained_on"]
    # Report parts and SummEdits news never train the model.
    assert not any("report" in name or name.endswith("news") for name in trained_on)


@pytest.mark.slow
def test_sentence_of_the_article_is_supported_with_confidence(
    checker: SupportChecker, example_line
) -> None:
    evidence = article("000")
    claim = example_line("000", "killing Hutchins and injuring director Joel Souza")
    result = checker.check(evidence, claim)
    assert result.label == "supports"
    assert 0.5 <= result.score <= 1.0


@pytest.mark.slow
def test_what_a_claim_adds_to_the_evidence_is_measured(
    checker: SupportChecker, example_line
) -> None:
    """A sentence of the article adds nothing to it; a claim naming someone the article
    never names, in a noun phrase it never uses, adds a name and a phrase."""
    evidence = article("000")
    copied = example_line("000", "killing Hutchins and injuring director Joel Souza")
    added = "Producer Johnny Depp handed Baldwin a loaded rifle."
    same, new = (j.features() for j in checker.judge_many([(evidence, copied), (evidence, added)]))
    assert same["novel_names"] == same["novel_lemmas"] == same["novel_chunks"] == 0.0
    assert same["links_any"] == 1.0 and same["negation_mismatch"] == 0.0
    assert new["novel_names"] > 0.0 and new["novel_chunks"] > 0.0 and new["novel_lemmas"] > 0.0
    assert new["cosine_top2"] <= new["cosine"] and same["cosine_margin"] > new["cosine_margin"]


@pytest.mark.slow
def test_fact_the_evidence_never_gives_is_unclear(checker: SupportChecker) -> None:
    # 003 adds what 000 never says: Souza was treated and released from the hospital.
    claim = "Souza was treated and released from the hospital shortly after the event."
    result = checker.check(article("000"), claim)
    assert result.label == "unclear"
    assert 0.0 <= result.score <= 1.0 and result.reasons


@pytest.mark.slow
def test_changed_outcome_still_contradicts_with_the_rules_reason(
    checker: SupportChecker, example_line
) -> None:
    evidence = example_line("002", "director Joel Souza was injured")
    claim = "Director Joel Souza was killed after they were struck by the live round."
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert [claim[a:b] for a, b in result.spans] == ["killed"]


@pytest.mark.slow
def test_unsupported_qags_sentences_are_not_supported(checker: SupportChecker) -> None:
    """Sentences all three QAGS workers rejected, from CNN/DM articles of the *tune* part
    (``bench/claims_qags.py``'s split: seed 16, first half; the report part stays unread here).
    The rules alone support most of them; the decision layer supports at most half."""
    lines = QAGS.read_text().splitlines()
    order = list(range(len(lines)))
    random.Random(16).shuffle(order)
    rejected = []
    for i in order[: len(order) // 2][:40]:
        row = json.loads(lines[i])
        for s in row["summary_sentences"]:
            if all(r["response"] == "no" for r in s["responses"]):
                rejected.append((row["article"], s["sentence"]))
    assert len(rejected) >= 8
    supported = [r.label for r in checker.check_many(rejected)].count("supports")
    by_rules = [r.label for r in checker.rules.check_many(rejected)].count("supports")
    assert supported <= len(rejected) // 2
    assert supported < by_rules


@pytest.mark.slow
def test_age_reworded_as_years_of_service_is_no_contradiction(
    checker: SupportChecker, example_line
) -> None:
    """004 rewrites "a 51-year-old Hollywood veteran" as "a Hollywood veteran of 51 years":
    the same number, so nothing to contradict (the number rule compares values, not what
    they count here); the verdict must not accuse the outlet."""
    evidence = example_line("004", "a 51-year-old Hollywood veteran")
    claim = example_line("004", "Hollywood veteran of 51 years")
    assert checker.check(evidence, claim).label != "contradicts"
