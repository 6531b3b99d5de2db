"""The learned checker with its shipped weights, on real sentences from the example story.

The weights are the JSON beside it in bench/experimental (fitted by ``bench/claims_train.py`` on the
non-news SummEdits domains); regenerating them is a benchmark, too slow for a test.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

# The learned checkers are experiments kept under bench/, outside the package.
BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from experimental.trained import FEATURES, WEIGHTS_FILE, TrainedChecker, shipped_weights  # noqa: E402


@pytest.fixture(scope="module")
def checker() -> TrainedChecker:
    return TrainedChecker()


def test_shipped_weights_match_the_features_the_code_computes() -> None:
    raw = json.loads((BENCH / "experimental" / WEIGHTS_FILE).read_text())
    weights = shipped_weights()
    assert weights.features == FEATURES
    assert len(raw["coef"]) == len(raw["mean"]) == len(raw["scale"]) == len(FEATURES)
    assert 0.0 < weights.threshold < 1.0
    # Unseen names and numbers in a claim must never raise P(consistent).
    for name in ("novel_names", "novel_numbers", "log_gaps"):
        assert weights.coef[FEATURES.index(name)] <= 0.0


def test_more_unsupported_numbers_lower_the_probability() -> None:
    weights = shipped_weights()
    row = weights.mean.copy()
    worse = row.copy()
    worse[FEATURES.index("novel_numbers")] += 3 * weights.scale[FEATURES.index("novel_numbers")]
    assert weights.probability(np.stack([worse]))[0] < weights.probability(np.stack([row]))[0]


@pytest.mark.slow
def test_radio_interview_contradicts_tv_interview(
    checker: TrainedChecker, example_line: Callable[[str, str], str]
) -> None:
    evidence = example_line("000", "sit-down TV interview")
    claim = example_line("004", "radio interview")
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert [claim[a:b] for a, b in result.spans] == ["radio"]


@pytest.mark.slow
def test_changed_age_contradicts(
    checker: TrainedChecker, example_line: Callable[[str, str], str]
) -> None:
    evidence = example_line("003", "Baldwin, 63")
    result = checker.check(evidence, evidence.replace("63", "51"))
    assert result.label == "contradicts"
    assert "number 51 vs 63" in result.reasons


@pytest.mark.slow
def test_a_sentence_supports_itself(
    checker: TrainedChecker, example_line: Callable[[str, str], str]
) -> None:
    sentence = example_line("000", "sit-down TV interview")
    assert checker.check(sentence, sentence).label == "supports"


def test_no_pairs_no_results(checker: TrainedChecker) -> None:
    assert checker.check_many([]) == []
