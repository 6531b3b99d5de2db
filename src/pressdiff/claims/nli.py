"""An optional checker backed by a local natural-language-inference model.

pressdiff never downloads a model: the user points this checker at a directory holding a
sequence-classification model and its tokenizer (any MNLI-style cross-encoder saved with
``save_pretrained``).  The model's own ``config.id2label`` says which output is entailment,
contradiction or neutral, so label orders that differ between models need no configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from pressdiff.claims.check import CheckResult, Label

# Prefixes of the label names NLI models use, mapped to the checker's labels.  Two-way models
# ("entailment" / "not_entailment") have no contradiction class; "not entailed" is unclear.
_LABEL_PREFIXES: tuple[tuple[str, Label], ...] = (
    ("not_entail", "unclear"),
    ("non_entail", "unclear"),
    ("entail", "supports"),
    ("contradict", "contradicts"),
    ("neutral", "unclear"),
)


def _map_label(name: str) -> Label:
    low = name.lower().replace("-", "_").replace(" ", "_")
    for prefix, label in _LABEL_PREFIXES:
        if low.startswith(prefix):
            return label
    raise ValueError(
        f"NLI model label {name!r} is not entailment/contradiction/neutral; "
        "set config.id2label to the names the model was trained with"
    )


class NLIChecker:
    """Judge (evidence, claim) pairs with a local NLI model; evidence is the premise.

    Pairs are scored in batches of ``batch_size``.  Evidence longer than the model's window is
    truncated (the claim never is), so pass aligned sentences rather than whole documents.
    """

    def __init__(
        self, path: str | os.PathLike[str], batch_size: int = 16, device: str | None = None
    ):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        directory = Path(path)
        if not directory.is_dir():
            raise FileNotFoundError(f"no NLI model directory at {directory}")
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(
            directory, local_files_only=True
        ).eval()
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device)
        self.labels: list[Label] = [
            _map_label(self.model.config.id2label[i]) for i in range(self.model.config.num_labels)
        ]
        self.names = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.batch_size = batch_size

    def check(self, evidence: str, claim: str) -> CheckResult:
        return self.check_many([(evidence, claim)])[0]

    def check_many(self, pairs: list[tuple[str, str]]) -> list[CheckResult]:
        results: list[CheckResult] = []
        for i in range(0, len(pairs), self.batch_size):
            batch = pairs[i : i + self.batch_size]
            encoded = self.tokenizer(
                [evidence for evidence, _ in batch],
                [claim for _, claim in batch],
                truncation="only_first",
                padding=True,
                return_tensors="pt",
            ).to(self.device)
            with self._torch.inference_mode():
                probs = self.model(**encoded).logits.softmax(dim=-1).cpu().tolist()
            results.extend(self._result(p) for p in probs)
        return results

    def _result(self, probs: list[float]) -> CheckResult:
        # Several outputs can map to one label (e.g. two "neutral"-like classes): sum them.
        totals: dict[Label, float] = {}
        for label, p in zip(self.labels, probs, strict=True):
            totals[label] = totals.get(label, 0.0) + p
        label = max(totals, key=totals.__getitem__)
        detail = ", ".join(f"{n} {p:.2f}" for n, p in zip(self.names, probs, strict=True))
        return CheckResult(label, round(totals[label], 4), [f"NLI: {detail}"])
