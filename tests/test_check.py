"""The pairwise claim checker on real sentences from the example story and SummEdits.

The rule checker's pairs come from ``shared/examples/rust-interview`` (the honest reports as
evidence, the distortions the rewritten copies made as claims) and from SummEdits domains
other than news (news is the held-out benchmark).  The NLI checker is exercised with a tiny
randomly initialised BERT built in a temporary directory, so no model is downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pressdiff.claims.check import CheckResult, RuleChecker, check
from pressdiff.claims.passage import reuse_parses, spacy_parse

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
STORY = SHARED / "examples" / "rust-interview"
SUMMEDITS = SHARED / "data" / "summedits"


def story_sentence(prefix: str, contains: str) -> str:
    """The line of an example article that contains ``contains`` (real text, not retyped)."""
    path = next(STORY.glob(f"{prefix}_*.txt"))
    for line in path.read_text().splitlines():
        if contains in line:
            return line.strip()
    raise AssertionError(f"{contains!r} not in {path.name}")


@pytest.fixture(scope="module")
def checker() -> RuleChecker:
    return RuleChecker()


def spanned(claim: str, result: CheckResult) -> list[str]:
    return [claim[a:b] for a, b in result.spans]


@pytest.mark.slow
def test_age_written_two_ways_supports(checker: RuleChecker) -> None:
    evidence = story_sentence("003", "Baldwin, 63")
    claim = "The 63-year-old Baldwin sat down for his first interview with George Stephanopoulos."
    assert checker.check(evidence, claim).label == "supports"


@pytest.mark.slow
def test_a_checker_reads_the_parses_it_is_given(checker: RuleChecker) -> None:
    # A story's checker reads the Docs claim extraction made: a text it was given is not
    # parsed again, any other text is, and the verdicts are the default parser's.
    evidence = story_sentence("003", "Baldwin, 63")
    claim = evidence.replace("63", "51")
    (given,) = spacy_parse([evidence])
    parse = reuse_parses({evidence: given})
    docs = parse([evidence, claim])
    assert docs[0] is given and docs[1].text == claim and docs[1].has_annotation("DEP")
    reusing = RuleChecker(parse=parse)
    assert reusing.check(evidence, claim) == checker.check(evidence, claim)
    assert reusing.check(evidence, claim).label == "contradicts"


@pytest.mark.slow
def test_changed_age_contradicts_and_points_at_it(checker: RuleChecker) -> None:
    evidence = story_sentence("003", "Baldwin, 63")
    claim = evidence.replace("63", "51")
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert "number 51 vs 63" in result.reasons
    assert spanned(claim, result) == ["51"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("evidence_at", "claim", "word"),
    [
        # 004's rewrite turned the TV interview into a radio one.
        (("000", "sit-down TV interview"), ("004", "radio interview"), "radio"),
        # An outcome swapped: injured -> killed.
        (
            ("002", "director Joel Souza was injured"),
            "Director Joel Souza was killed after they were struck by the live round.",
            "killed",
        ),
    ],
)
def test_closed_set_swap_contradicts_and_points_at_it(
    checker: RuleChecker, evidence_at: tuple[str, str], claim: str | tuple[str, str], word: str
) -> None:
    claim_text = story_sentence(*claim) if isinstance(claim, tuple) else claim
    result = checker.check(story_sentence(*evidence_at), claim_text)
    assert result.label == "contradicts"
    assert spanned(claim_text, result) == [word]


@pytest.mark.slow
def test_swapped_roles_contradict(checker: RuleChecker) -> None:
    evidence = story_sentence("002", "director Joel Souza was injured")
    claim = "Cinematographer Joel Souza was injured after he was struck by the live round."
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert any(r.startswith("role of 'souza'") for r in result.reasons)


@pytest.mark.slow
def test_identical_quote_supports_and_dropped_negation_contradicts(checker: RuleChecker) -> None:
    evidence = story_sentence("002", "The trigger wasn’t pulled")
    assert checker.check(evidence, evidence).label == "supports"
    flipped = evidence.replace("I didn’t pull", "I pulled")
    result = checker.check(evidence, flipped)
    assert result.label == "contradicts"
    assert any("negation" in r for r in result.reasons)


@pytest.mark.slow
def test_other_weekday_contradicts(checker: RuleChecker) -> None:
    evidence = story_sentence("002", "set to air in full on Thursday")
    claim = evidence.replace("Thursday", "Monday")
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert spanned(claim, result) == ["Monday"]


@pytest.mark.slow
def test_detail_the_evidence_never_mentions_is_unclear_not_contradicted(
    checker: RuleChecker,
) -> None:
    evidence = story_sentence("002", "director Joel Souza was injured")
    claim = story_sentence("003", "treated and released from the hospital")
    assert checker.check(evidence, claim).label == "unclear"


@pytest.mark.slow
def test_unrelated_sentence_is_not_a_contradiction(checker: RuleChecker) -> None:
    evidence = story_sentence("002", "director Joel Souza was injured")
    claim = story_sentence("002", "sobbing and placing his head in his hands")
    assert checker.check(evidence, claim).label == "unclear"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claim_at", "evidence_at"),
    [
        # Same denial in other words: negation reaching "going to pull".
        (("001", "I didn’t pull the trigger,” he said"), ("000", "not going to pull the trigger")),
        # "won't air until tomorrow" denies the time, not the airing.
        (("001", "won’t air until tomorrow"), ("002", "full interview will air at 8 p.m.")),
        # A claim that both denies and mentions a pulled trigger, against a plain denial.
        (("003", "trigger wasn’t pulled"), ("002", "I didn’t pull the trigger,” Baldwin said")),
        # Another participant of the same event is not a swapped name.
        (("002", "director Joel Souza was injured"), ("001", "Which Killed Halyna Hutchins")),
    ],
)
def test_honest_reports_do_not_contradict_each_other(
    checker: RuleChecker, claim_at: tuple[str, str], evidence_at: tuple[str, str]
) -> None:
    result = checker.check(story_sentence(*evidence_at), story_sentence(*claim_at))
    assert result.label != "contradicts", result.reasons


@pytest.mark.slow
@pytest.mark.parametrize(
    ("evidence", "claim"),
    [
        # A claim holding both words of an antonym pair opposes nothing (FNC-1 Apple Watch).
        (
            "The stainless steel model is expected to start at $549, the analyst said.",
            "On the high end, the stainless steel model is expected to start at $549, the "
            "analyst said.",
        ),
        # "partner" may name a spouse (FNC-1: "husband Cheng" / "bed-hopping partner Cheng").
        (
            "Ting Su, 29, caught her partner Cheng in an underground car park with her twin.",
            "Ting Su, 29, caught her husband Cheng in an underground car park with her twin.",
        ),
    ],
)
def test_fnc1_wordings_that_agree_do_not_contradict(
    checker: RuleChecker, evidence: str, claim: str
) -> None:
    result = checker.check(evidence, claim)
    assert result.label != "contradicts", result.reasons


@pytest.mark.slow
def test_a_denial_the_evidence_never_makes_is_not_supported(checker: RuleChecker) -> None:
    """The denied verb is a stop word ("become"); the denial still needs backing."""
    evidence = (
        "Analysts predict that Apple will sell 15 million watches this year and claim 55 "
        "percent of the global smartwatch market."
    )
    claim = (
        "Apple will not quickly become the leading smartwatch vendor with 55 percent of the "
        "global smartwatch market this year."
    )
    result = checker.check(evidence, claim)
    assert result.label != "supports"
    assert "become" in spanned(claim, result)


@pytest.mark.slow
def test_rewritten_copy_role_distortion_is_found(checker: RuleChecker) -> None:
    evidence = story_sentence("002", "“Rust” cinematographer Halyna Hutchins is dead")
    claim = story_sentence("004", "the head electrician of Rust")
    result = checker.check(evidence, claim)
    assert result.label == "contradicts"
    assert "head electrician" in spanned(claim, result)


@pytest.mark.slow
def test_batch_equals_single_and_public_check() -> None:
    evidence = story_sentence("002", "director Joel Souza was injured")
    claims = [evidence, evidence.replace("injured", "killed"), "The weather was mild."]
    batch = RuleChecker().check_many([(evidence, c) for c in claims])
    single = [check(evidence, c) for c in claims]
    assert [r.label for r in batch] == [r.label for r in single]
    assert [r.label for r in batch] == ["supports", "contradicts", "unclear"]


@pytest.mark.slow
def test_summedits_tuning_domain_edits(checker: RuleChecker) -> None:
    """Real SummEdits edits (sales-email domain): consistent original vs numeric/negation edits."""
    rows = json.loads((SUMMEDITS / "summedits_sales_email.json").read_text())
    originals = [r for r in rows if r["edit_types"] == [] and r["label"] == 1][:3]
    assert originals
    results = checker.check_many([(r["doc"], r["summary"]) for r in originals])
    assert sum(r.label == "supports" for r in results) >= 2
    edited = [
        r for r in rows if r["label"] == 0 and r["edit_types"] == ["negation_insertion_removal"]
    ][:5]
    results = checker.check_many([(r["doc"], r["summary"]) for r in edited])
    assert sum(r.label != "supports" for r in results) >= 3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("domain", "row_id", "reason"),
    [
        # "the Rams" edited to "the Falcons", a team the transcript never names and the
        # small tagger leaves untagged.
        ("podcast", "spotify_podcast_7_0", "name 'Falcons' not in evidence"),
        # "fail to show": a verb that denies its complement.
        ("scitldr", "ryeT47FIIS_18", "evidence does not deny 'show'"),
        # A quarter is a code: "Q2" edited to "Q1".
        ("ectsum", "ectsum_DLB_q2_2021_14", "'Q1' not in evidence"),
        # The same count of another span of time: "two weeks" edited to "two months".
        ("sales_email", "sales_email_4_28", "'2 month' vs '2 week'"),
        # Ordinals attached to one noun: "the third quarter" edited to "the second quarter".
        ("ectsum", "ectsum_COF_q3_2021_2", "ordinal of 'quarter': 'second' vs 'third'"),
        # An antonym from the wider lexicon: "explicit" edited to "implicit".
        ("scitldr", "rJgMlhRctm_23", "antonym: 'implicit' vs 'explicit'"),
        # A denied copula is a denial: "is a new podcast" edited to "is not a new podcast".
        ("podcast", "spotify_podcast_3_25", "evidence does not deny 'is'"),
        # Words that set a claim's reach, which the document never uses: "only", "except",
        # "more", "every", "slight".
        ("podcast", "spotify_podcast_4_15", "evidence does not say 'only'"),
        ("podcast", "spotify_podcast_2_3", "evidence does not say 'except'"),
        ("qmsumm", "q_test_16_3", "evidence does not say 'more'"),
        ("sales_call", "sales_call_0_1", "evidence does not say 'every'"),
        ("ectsum", "ectsum_DLB_q2_2021_7", "evidence does not say 'slight'"),
    ],
)
def test_summedits_tuning_edits_found_by_rule(
    checker: RuleChecker, domain: str, row_id: str, reason: str
) -> None:
    """Real SummEdits edits (tuning domains, evaluation split): the edited summary is not
    supported, for the rule's reason; the original summary it was edited from raises none."""
    rows = json.loads((SUMMEDITS / f"summedits_{domain}.json").read_text())
    row = next(r for r in rows if r["id"] == row_id)
    assert row["label"] == 0 and row["split"] == "evaluation"
    edited, original = checker.check_many(
        [(row["doc"], row["summary"]), (row["doc"], row["original_summary"])]
    )
    assert edited.label != "supports"
    assert reason in edited.reasons
    assert reason not in original.reasons


@pytest.mark.slow
@pytest.mark.parametrize(
    ("denial", "assertion"),
    [
        # FNC-1 bodies: a predicate adjective denied through its copula.
        ("Macaulay Culkin is not dead.", "Macaulay Culkin is dead."),
        (
            "But the rumor is not true, according to the university.",
            "But the rumor is true, according to the university.",
        ),
        # A curly "n’t" that the small tagger reads as punctuation still negates.
        (
            "Please, that sort of language isn’t necessary.",
            "Please, that sort of language is necessary.",
        ),
        # A denied subject denies its verb.
        (
            "No one expects “record-shattering snowfall” this year.",
            "Forecasters expect “record-shattering snowfall” this year.",
        ),
    ],
)
def test_denials_through_copula_or_subject_contradict(
    checker: RuleChecker, denial: str, assertion: str
) -> None:
    assert checker.check(assertion, denial).label == "contradicts"
    assert checker.check(denial, assertion).label == "contradicts"


@pytest.mark.slow
def test_a_light_verb_denied_with_its_object_is_not_supported(checker: RuleChecker) -> None:
    """FNC-1: "they did not have the competence"; without the "not" neither side backs the
    other (light verbs are compared by their object, not only their subject)."""
    denial = (
        "When the man was delivered to the local hospital, doctors realised they did not "
        "have the competence to reattach the member."
    )
    assertion = denial.replace("did not have", "had")
    forward = checker.check(denial, assertion)
    assert forward.label == "unclear"
    assert "evidence denies 'had competence'" in forward.reasons
    backward = checker.check(assertion, denial)
    assert backward.label == "unclear"
    assert "evidence asserts 'have competence'" in backward.reasons


# ---------------------------------------------------------------------------------------------
# NLIChecker with a tiny local model
# ---------------------------------------------------------------------------------------------

WORDS = ("baldwin", "said", "he", "did", "not", "pull", "the", "trigger", "was", "pulled", "a",
         "gun", "killed", "injured", "director")  # fmt: skip


def tiny_nli_model(directory: Path, id2label: dict[int, str], favour: int | None = None) -> Path:
    """Save a randomly initialised 1-layer BERT classifier and its tokenizer to ``directory``.

    With ``favour`` the classifier ignores its input and always prefers that output, which
    makes the label mapping checkable; without it the outputs depend on the text.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(directory)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=5 + len(WORDS),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    model = BertForSequenceClassification(config)
    if favour is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.zero_()
            model.classifier.bias[favour] = 5.0
    model.save_pretrained(directory)
    return directory


MNLI_LABELS = {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}


@pytest.mark.parametrize(
    ("favour", "expected"), [(0, "contradicts"), (1, "unclear"), (2, "supports")]
)
def test_nli_checker_maps_labels_from_config(tmp_path: Path, favour: int, expected: str) -> None:
    from pressdiff.claims.nli import NLIChecker

    nli = NLIChecker(tiny_nli_model(tmp_path / "m", MNLI_LABELS, favour=favour))
    result = nli.check("baldwin said he did not pull the trigger", "baldwin pulled the trigger")
    assert result.label == expected
    assert result.score > 0.9
    assert result.reasons[0].startswith("NLI: CONTRADICTION")


def test_nli_checker_batches_like_single_calls(tmp_path: Path) -> None:
    from pressdiff.claims.nli import NLIChecker

    nli = NLIChecker(tiny_nli_model(tmp_path / "m", MNLI_LABELS), batch_size=2)
    pairs = [
        ("baldwin said he did not pull the trigger", "the trigger was pulled"),
        ("a gun killed the director", "the director was injured"),
        ("baldwin said", "he did not pull a gun the trigger was pulled the director said"),
        ("the gun", "the gun"),
        ("director", "baldwin"),
    ]
    batched = nli.check_many(pairs)
    assert len(batched) == len(pairs)
    for pair, result in zip(pairs, batched, strict=True):
        alone = nli.check(*pair)
        assert (alone.label, alone.score) == pytest.approx((result.label, result.score), abs=1e-4)
    # A random model still reads its input: different pairs give different probabilities.
    assert len({r.reasons[0] for r in batched}) > 1


def test_nli_checker_two_way_model_and_bad_labels(tmp_path: Path) -> None:
    from pressdiff.claims.nli import NLIChecker

    two_way = {0: "entailment", 1: "not_entailment"}
    nli = NLIChecker(tiny_nli_model(tmp_path / "two", two_way, favour=1))
    assert nli.check("the gun", "the director").label == "unclear"
    with pytest.raises(ValueError, match="LABEL_0"):
        NLIChecker(tiny_nli_model(tmp_path / "bad", {0: "LABEL_0", 1: "LABEL_1"}))
    with pytest.raises(FileNotFoundError):
        NLIChecker(tmp_path / "missing")
