"""Fine-tune the cross-encoder checker (``experimental.crossenc``) on generated news pairs.

Training data comes only from the FNC-1 stories of the *tune* split (even first body id, as in
``bench/claims_distorted.py``), never from SummEdits news or the distorted benchmark's eval
stories.  Every usable sentence of every article yields two claims judged against a window of
its own article:

* a *consistent* claim: the sentence itself, or a harmless rewrite of it (a detail dropped, a
  full name shortened, a synonym, a neighbouring sentence fused in), or a close paraphrase of
  it printed by another outlet of the story;
* an *inconsistent* claim: one labelled corruption of the kinds spinners and summarisers
  introduce — a person, organisation or place swapped for another from the story, a role,
  age, number or date changed, a negation added or dropped, an antonym, an outcome, medium
  or relation changed, a detail invented (a modifier from another story inserted), a
  pronoun's gender flipped.

The consistent and inconsistent claims of one sentence share its window, so the model must
look at what changed rather than at topic overlap.  The fine-tuned tensors are written,
float16, to ``--out``; ``CrossEncoderChecker(path)`` loads them.

    .venv/bin/python bench/claims_crossenc_train.py --out crossenc.safetensors
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_distort import DISTORTIONS, _harmless, fnc_stories
from claims_summedits import DATA as SUMMEDITS
from claims_summedits import NEWS, load
from experimental import crossenc
from experimental.rough import rough_sentences

from pressdiff import nlp

# Antonyms common in news copy (both directions are used).
_ANTONYMS = [
    ("increase", "decrease"), ("increased", "decreased"), ("rise", "fall"), ("rose", "fell"),
    ("higher", "lower"), ("more", "fewer"), ("largest", "smallest"), ("first", "last"),
    ("win", "lose"), ("won", "lost"), ("accept", "reject"), ("accepted", "rejected"),
    ("support", "oppose"), ("supported", "opposed"), ("approve", "deny"), ("approved", "denied"),
    ("confirmed", "denied"), ("before", "after"), ("early", "late"), ("earlier", "later"),
    ("allowed", "banned"), ("legal", "illegal"), ("true", "false"), ("real", "fake"),
    ("alive", "dead"), ("open", "closed"), ("opened", "closed"), ("start", "end"),
    ("started", "ended"), ("began", "ended"), ("arrived", "left"), ("guilty", "innocent"),
    ("positive", "negative"), ("success", "failure"), ("successful", "failed"), ("up", "down"),
    ("male", "female"), ("old", "young"), ("older", "younger"), ("strong", "weak"),
    ("best", "worst"), ("better", "worse"), ("safe", "dangerous"), ("public", "private"),
    ("north", "south"), ("east", "west"), ("inside", "outside"), ("always", "rarely"),
    ("agreed", "refused"), ("bought", "sold"), ("buy", "sell"), ("found", "lost"),
    ("large", "small"), ("big", "small"), ("high", "low"), ("long", "short"),
    ("many", "few"), ("most", "least"), ("new", "old"), ("rich", "poor"), ("same", "different"),
    ("entered", "left"), ("attacked", "defended"), ("released", "arrested"),
    ("hired", "fired"), ("joined", "left"), ("praised", "criticised"), ("praised", "criticized"),
]  # fmt: skip
_ANTONYM = {a: b for a, b in _ANTONYMS} | {b: a for a, b in _ANTONYMS}
_ANTONYM_RE = re.compile(r"\b(" + "|".join(sorted(_ANTONYM, key=len, reverse=True)) + r")\b")
# Meaning-preserving swaps for paraphrased positives: a consistent claim may use words its
# evidence never does, and the model must learn that a new word is not always a new fact.
_PARAPHRASES = {
    "said": "stated", "says": "claims", "told": "informed", "about": "roughly", "big": "large",
    "help": "assist", "buy": "purchase", "shows": "reveals", "showed": "revealed",
    "began": "commenced", "start": "begin", "started": "began", "reported": "revealed",
    "many": "numerous", "people": "individuals", "police": "authorities", "officials":
    "authorities", "found": "discovered", "died": "passed away", "killed": "slain",
    "car": "vehicle", "home": "house", "house": "residence", "city": "town", "attack":
    "assault", "arrested": "detained", "asked": "requested", "claimed": "alleged",
    "announced": "revealed", "agreed": "consented", "tried": "attempted", "wanted": "wished",
    "need": "require", "needed": "required", "believe": "think", "believed": "thought",
    "video": "footage", "photo": "picture", "photos": "pictures", "image": "picture",
    "show": "programme", "children": "kids", "child": "kid", "woman": "lady", "man": "person",
    "group": "organisation", "company": "firm", "report": "account", "statement": "remarks",
    "major": "significant", "huge": "enormous", "small": "little", "quickly": "rapidly",
    "recently": "lately", "later": "subsequently", "also": "additionally", "however":
    "nevertheless", "because": "since", "although": "though", "near": "close to",
    "received": "got", "used": "employed", "make": "create", "made": "created", "get": "obtain",
    "country": "nation", "government": "administration", "leader": "head", "fight": "battle",
    "posted": "shared", "revealed": "disclosed", "confirmed": "verified", "warned": "cautioned",
    "hospital": "medical centre", "injured": "hurt", "victim": "casualty", "missing": "lost",
}  # fmt: skip
_PARAPHRASE_RE = re.compile(r"\b(" + "|".join(_PARAPHRASES) + r")\b")
_PRONOUNS = {"he": "she", "she": "he", "his": "her", "her": "his", "him": "her",
             "He": "She", "She": "He", "His": "Her", "Her": "His"}  # fmt: skip
_PRONOUN_RE = re.compile(r"\b(" + "|".join(_PRONOUNS) + r")\b")
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT"}


def _antonym(sent, rng, story):
    hits = list(_ANTONYM_RE.finditer(sent.text))
    if not hits:
        return None
    m = rng.choice(hits)
    return sent.text[: m.start()] + _ANTONYM[m.group(1)] + sent.text[m.end() :]


def _pronoun(sent, rng, story):
    m = _PRONOUN_RE.search(sent.text)
    if not m:
        return None
    return sent.text[: m.start()] + _PRONOUNS[m.group(1)] + sent.text[m.end() :]


def _entity(sent, rng, story):
    """An organisation, place, group or person replaced by another of its kind in the story."""
    ents = [e for e in sent.ents if e.label_ in _ENTITY_LABELS]
    if not ents:
        return None
    ent = rng.choice(ents)
    pool = [t for t in story["entities"].get(ent.label_, []) if t.lower() not in sent.text.lower()]
    if not pool:
        return None
    a, b = ent.start_char - sent.start_char, ent.end_char - sent.start_char
    return sent.text[:a] + rng.choice(pool) + sent.text[b:]


def _invented(sent, rng, story):
    """A detail no outlet gave: a modifier or phrase lifted from another story inserted."""
    extra = rng.choice(story["foreign_modifiers"])
    kind, text = extra
    if kind == "amod":
        nouns = [
            t for t in sent if t.pos_ == "NOUN" and t.i > sent.start and t.nbor(-1).pos_ == "DET"
        ]
        if not nouns:
            return None
        tok = rng.choice(nouns)
        a = tok.idx - sent.start_char
        return sent.text[:a] + text + " " + sent.text[a:]
    body = sent.text.rstrip()
    end = body[-1] if body[-1] in ".!?" else ""
    return body[: len(body) - len(end)] + " " + text + end


def _drop_detail(sent, rng) -> str | None:
    """A prepositional phrase, adverb or aside removed: less said, nothing false."""
    cands = [
        t for t in sent
        if t.dep_ in {"prep", "advmod", "appos", "amod"} and t.head.i != t.i
        and len(list(t.subtree)) <= 8 and not any(w.ent_type_ in {"PERSON"} for w in t.subtree)
    ]  # fmt: skip
    if not cands:
        return None
    tok = rng.choice(cands)
    sub = list(tok.subtree)
    a, b = sub[0].idx - sent.start_char, sub[-1].idx + len(sub[-1]) - sent.start_char
    text = (sent.text[:a].rstrip(" ,") + " " + sent.text[b:].lstrip(" ,")).strip()
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return text if len(text.split()) >= 5 else None


def _shorten_name(sent, rng) -> str | None:
    names = [e for e in sent.ents if e.label_ == "PERSON" and len(e.text.split()) == 2]
    if not names:
        return None
    ent = rng.choice(names)
    a, b = ent.start_char - sent.start_char, ent.end_char - sent.start_char
    return sent.text[:a] + ent.text.split()[1] + sent.text[b:]


def _with_people(distortion):
    """A story-independent distortion of ``claims_distort`` called with the story's people."""
    return lambda sent, rng, story: distortion(sent, rng, story["people"])


NEGATIVES = {
    **{kind: _with_people(f) for kind, f in DISTORTIONS.items()},
    "entity": _entity,
    "antonym": _antonym,
    "pronoun": _pronoun,
    "invented": _invented,
}


def _foreign_modifiers(docs) -> list[tuple[str, str]]:
    """Modifiers that carry a fact (a name, number, date or adjective) from any article."""
    out = []
    for doc in docs:
        for t in doc:
            if t.dep_ == "amod" and t.pos_ == "ADJ" and t.is_alpha and not t.is_stop:
                out.append(("amod", t.text.lower()))
            elif t.dep_ == "prep" and t.head.pos_ == "VERB":
                sub = list(t.subtree)
                if 2 <= len(sub) <= 6 and any(w.ent_type_ or w.like_num for w in sub):
                    out.append(("prep", doc[sub[0].i : sub[-1].i + 1].text))
    return out


def generate(seed: int, max_sentences: int) -> list[tuple[str, str, int, str]]:
    """(evidence, claim, label, kind) examples from the tune-split stories."""
    rng = random.Random(seed)
    stories = [s for s in fnc_stories() if int(s[0][0]) % 2 == 0]
    model = nlp.spacy_model()
    # Parsed once: a story's first two articles are also another story's foreign text.
    parsed = [list(model.pipe(text for _, text in story)) for story in stories]
    examples: list[tuple[str, str, int, str]] = []
    for n_story, docs in enumerate(parsed):
        entities: dict[str, list[str]] = {}
        for doc in docs:
            for e in doc.ents:
                if e.label_ in _ENTITY_LABELS and e.text not in entities.setdefault(e.label_, []):
                    entities[e.label_].append(e.text)
        foreign_docs = parsed[rng.choice([i for i in range(len(parsed)) if i != n_story])][:2]
        info = {
            "people": entities.get("PERSON", []),
            "entities": entities,
            "foreign_modifiers": _foreign_modifiers(foreign_docs) or [("amod", "secret")],
        }
        sents_by_doc = [
            [s for s in doc.sents if 6 <= len(s) <= 60 and not re.search(r"[\"“”]", s.text)]
            for doc in docs
        ]
        for d, (doc, sents) in enumerate(zip(docs, sents_by_doc, strict=True)):
            evidence = doc.text
            picked = sents[:]
            rng.shuffle(picked)
            for sent in picked[:max_sentences]:
                positive = _positive(sent, rng, sents_by_doc, d)
                examples.append((evidence, positive[0], 1, positive[1]))
                kinds = list(NEGATIVES)
                rng.shuffle(kinds)
                for kind in kinds:
                    new = NEGATIVES[kind](sent, rng, info)
                    if new and new.strip() != sent.text.strip():
                        examples.append((evidence, new, 0, kind))
                        break
        print(
            f"\rstories {n_story + 1}/{len(parsed)}, examples {len(examples)}",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    return examples


def _positive(sent, rng, sents_by_doc, d) -> tuple[str, str]:
    r = rng.random()
    if r < 0.25:
        new = _drop_detail(sent, rng)
        if new:
            return _harmless(new, rng), "drop"
    elif r < 0.35:
        new = _shorten_name(sent, rng)
        if new:
            return new, "shorten"
    elif r < 0.5:
        own = sents_by_doc[d]
        i = own.index(sent)
        if i + 1 < len(own):
            nxt = own[i + 1].text
            return sent.text.rstrip(".") + ", and " + nxt[0].lower() + nxt[1:], "fused"
    elif r < 0.6:
        return _harmless(sent.text, rng), "synonym"
    return sent.text, "same"


def paraphrase(rows, seed: int):
    """Half of the verbatim positives reworded with ``_PARAPHRASES`` (at most two words)."""
    rng = random.Random(seed)
    out = []
    for window, claim, label, kind in rows:
        hits = list(_PARAPHRASE_RE.finditer(claim)) if kind == "same" else []
        if hits and rng.random() < 0.5:
            for m in sorted(rng.sample(hits, min(2, len(hits))), key=lambda m: -m.start()):
                claim = claim[: m.start()] + _PARAPHRASES[m.group(1)] + claim[m.end() :]
            kind = "paraphrase"
        out.append((window, claim, label, kind))
    return out


def to_windows(examples):
    """Examples as (window, claim, label, kind), windows built as at run time."""
    # One batched encoding of every sentence first; ``windows`` then reads the cache.
    texts = {e for e, *_ in examples} | {c for _, c, *_ in examples}
    nlp.embed(list(dict.fromkeys(s for t in sorted(texts) for s in rough_sentences(t))))
    out = []
    for i, (evidence, claim, label, kind) in enumerate(examples):
        for window, sentence in crossenc.windows(evidence, claim):
            out.append((window, sentence, label, kind))
        if i % 500 == 0:
            print(f"\rwindows {i}/{len(examples)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def summedits_rows(domains: list[str]) -> list[tuple[str, str, int, str]]:
    """Sentence windows from the evaluation splits of SummEdits *tuning* domains (never news).

    Their consistent summaries are free abstractive rewrites of the document, the paraphrases
    the generator cannot make.  SummEdits labels a summary as a whole; here its sentences are
    labelled one by one: every sentence of a consistent summary is consistent, and in an
    inconsistent one the single sentence that differs from the (consistent) original summary
    carries the edit.  Summaries with several changed sentences are left out, since which one
    carries the edit is unknown.  Each distinct (window, sentence) is kept once: the unchanged
    sentences recur in every edit of a summary.
    """
    rows: dict[tuple[str, str], tuple[int, str]] = {}
    for domain in domains:
        path = SUMMEDITS / f"summedits_{domain}.json"
        if path.name == NEWS:
            raise ValueError("SummEdits news is the benchmark, never training data")
        for row in load(path, split="evaluation"):
            original = set(rough_sentences(row["original_summary"]))
            pairs = crossenc.windows(row["doc"], row["summary"])
            changed = [s for _, s in pairs if s not in original]
            if row["label"] == 0 and len(changed) != 1:
                continue
            for window, sentence in pairs:
                consistent = row["label"] == 1 or sentence in original
                kind = "summedits+" if consistent else "summedits-"
                rows.setdefault((window, sentence), (int(consistent), kind))
    return [(w, s, label, kind) for (w, s), (label, kind) in rows.items()]


def _batches(rows, batch: int, rng: random.Random) -> list[list]:
    """Shuffled batches of similar length: padding to the longest pair costs CPU for nothing."""
    order = rows[:]
    rng.shuffle(order)
    span = batch * 50
    batches = []
    for i in range(0, len(order), span):
        block = sorted(order[i : i + span], key=lambda r: len(r[0]) + len(r[1]))
        batches.extend(block[j : j + batch] for j in range(0, len(block), batch))
    rng.shuffle(batches)
    return batches


def train(rows, epochs: int, layers: int, lr: float, batch: int, seed: int, dev_rows, init=None):
    """Fine-tune from the installed base model, or go on from the checkpoint ``init``."""
    import torch

    torch.manual_seed(seed)
    if init is None:
        tokenizer, network = crossenc.base_network(layers)
    else:
        model = crossenc.load(init)
        tokenizer, network = model.tokenizer, model.network
    params = [p for p in network.parameters() if p.requires_grad]
    head = [p for n, p in network.named_parameters() if p.requires_grad and "layer." not in n]
    body = [p for n, p in network.named_parameters() if p.requires_grad and "layer." in n]
    # The pooler and head start from random weights: they get a larger step than the layers.
    opt = torch.optim.AdamW(
        [{"params": body, "lr": lr}, {"params": head, "lr": lr * 10}], weight_decay=0.01
    )
    steps = epochs * ((len(rows) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, 1 - s / steps)
    )
    rng = random.Random(seed)
    step, t0, smooth = 0, time.time(), 0.693
    for _ in range(epochs):
        network.train()
        for chunk in _batches(rows, batch, rng):
            enc = crossenc.encode(tokenizer, [(w, c) for w, c, *_ in chunk])
            labels = torch.tensor([lab for _, _, lab, _ in chunk])
            loss = network(**enc, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            smooth = 0.95 * smooth + 0.05 * loss.item()
            if step % 50 == 0:
                print(
                    f"\rstep {step}/{steps} loss {smooth:.3f} {time.time() - t0:.0f}s",
                    end="",
                    file=sys.stderr,
                )
    print(file=sys.stderr)
    network.eval()
    model = crossenc.Model(tokenizer, network, 0.5, threading.Lock())
    probs = model.probabilities([(w, c) for w, c, *_ in dev_rows])
    gold = np.array([lab for *_, lab, _ in dev_rows])
    acc = float(np.mean((probs >= 0.5) == gold))
    print(f"held-out tune windows: accuracy {acc:.3f} (n={len(dev_rows)})")
    by_kind: dict[str, list[bool]] = {}
    for p, (*_, lab, kind) in zip(probs, dev_rows, strict=True):
        by_kind.setdefault(kind, []).append((p >= 0.5) == bool(lab))
    for kind, hits in sorted(by_kind.items()):
        print(f"  {kind:10s} {np.mean(hits):.3f} ({len(hits)})")
    return network


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--sentences", type=int, default=12, help="per article")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--layers", type=int, default=3, help="top transformer layers fine-tuned")
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--limit", type=int, default=0, help="generated training windows (0: all)")
    ap.add_argument("--out", type=Path, required=True, help="where to write the weights")
    ap.add_argument("--data", type=Path, help="cache of the generated windows (JSON)")
    ap.add_argument("--init", type=Path, help="go on training this checkpoint")
    ap.add_argument(
        "--summedits",
        default="",
        help="comma-separated SummEdits tuning domains whose sentences join the training data",
    )
    ap.add_argument("--repeat", type=int, default=1, help="times each SummEdits window is seen")
    args = ap.parse_args()
    t0 = time.time()
    if args.data and args.data.exists():
        rows = [tuple(r) for r in json.loads(args.data.read_text())]
    else:
        rows = to_windows(generate(args.seed, args.sentences))
        if args.data:
            args.data.write_text(json.dumps(rows))
    rows = paraphrase(rows, args.seed)
    random.Random(args.seed).shuffle(rows)
    n_dev = min(1000, len(rows) // 10)
    dev, train_rows = rows[:n_dev], rows[n_dev:]
    if args.limit:
        train_rows = train_rows[: args.limit]
    domains = [d for d in args.summedits.split(",") if d]
    if domains:
        real = summedits_rows(domains)
        print(f"{len(real)} SummEdits windows from {', '.join(domains)}, each seen {args.repeat}x")
        train_rows = train_rows + real * args.repeat
    print(f"{len(train_rows)} training windows, {len(dev)} held out ({time.time() - t0:.0f}s)")
    network = train(
        train_rows, args.epochs, args.layers, args.lr, args.batch, args.seed, dev, args.init
    )
    info = {
        "seed": args.seed,
        "epochs": args.epochs,
        "lr": args.lr,
        "windows": len(train_rows),
        "summedits_domains": domains,
        "init": str(args.init or ""),
    }
    crossenc.save(network, args.layers, args.out, info)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    print(f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
