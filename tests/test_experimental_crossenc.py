"""The optional cross-encoder checker: its inputs, its loading code, its join with the rules.

Trained weights are not shipped (they did not beat the rules on SummEdits news), so the
loading tests write a checkpoint the way the training script does, from the installed MiniLM
with an untrained head: the file format, the tensor check and the rules' part of the verdict
are what is under test, not the model's accuracy (that is a benchmark).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file

# The learned checkers are experiments kept under bench/, outside the package.
BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from experimental import crossenc  # noqa: E402
from experimental.rough import rough_sentences  # noqa: E402

STORY = Path(__file__).resolve().parents[1] / ".." / "shared" / "examples" / "rust-interview"


def article(prefix: str) -> str:
    return next(STORY.glob(f"{prefix}_*.txt")).read_text()


def test_new_words_of_a_claim_are_marked(example_line: Callable[[str, str], str]) -> None:
    evidence = example_line("000", "sit-down TV interview")
    claim = example_line("004", "radio interview")
    marked = crossenc.mark_novel(evidence, claim)
    assert "[radio]" in marked
    assert "[interview]" not in marked  # the evidence says "interview" too
    assert crossenc.mark_novel(evidence, evidence) == evidence


def test_the_window_holds_the_sentence_a_claim_was_made_from(
    example_line: Callable[[str, str], str],
) -> None:
    evidence = article("000")
    claim = example_line("000", "sit-down TV interview")
    [(window, sentence)] = crossenc.windows(evidence, claim)
    assert sentence == claim
    assert claim in window
    assert len(rough_sentences(window)) <= crossenc.WINDOW + 1


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, network = crossenc.base_network(1)
    path = tmp_path_factory.mktemp("crossenc") / "untrained.safetensors"
    crossenc.save(network, 1, path, {"note": "untrained head, for tests"})
    return path


@pytest.mark.slow
def test_a_saved_checkpoint_loads_and_judges_pairs(
    checkpoint: Path, example_line: Callable[[str, str], str]
) -> None:
    checker = crossenc.CrossEncoderChecker(checkpoint)
    # What the training script recorded travels with the weights (the benchmark reads it to
    # refuse choosing a join on SummEdits domains the model was trained on).
    assert checker.model.info["note"] == "untrained head, for tests"
    evidence = article("000")
    tv = example_line("000", "sit-down TV interview")
    radio = example_line("004", "radio interview")
    probs = checker.consistency([(evidence, tv), (evidence, radio)])
    assert probs.shape == (2,) and ((probs >= 0) & (probs <= 1)).all()
    supported, distorted = checker.check_many([(evidence, tv), (evidence, radio)])
    # Whatever the (untrained) model says, a conflict the rules find is a contradiction,
    # with the rules' words to show for it.
    assert distorted.label == "contradicts"
    assert [radio[a:b] for a, b in distorted.spans] == ["radio"]
    assert supported.label in {"supports", "unclear"}


@pytest.mark.slow
def test_a_checkpoint_for_another_network_is_refused(checkpoint: Path, tmp_path: Path) -> None:
    state = load_file(str(checkpoint))
    wrong = tmp_path / "wrong.safetensors"
    meta = {"trainable_layers": "2", "config": json.dumps({"threshold": 0.5})}
    save_file(state, str(wrong), metadata=meta)
    with pytest.raises(ValueError, match="do not match"):
        crossenc.load(wrong)
