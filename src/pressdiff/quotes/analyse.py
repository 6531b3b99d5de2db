"""One story's quotes: extracted per article, lined up across outlets, judged.

Two printings are the same quote when most of the shorter one's words occur,
in order, in the longer one (a lexical link), or — for rewrites that keep
hardly a word — when the same speaker is credited and the sentences mean the
same by MiniLM (a paraphrase link, reported with low confidence).  Linked
printings form a group.

Which printing is right is decided by agreement, not by a chosen source: a
printing that differs in content words from most of the outlets that print
the quote is the altered one.  With a tie (two outlets), the earlier article
(by publication time, else input order) is taken as the original, since a
rewrite cannot come before what it rewrites.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from pressdiff import nlp
from pressdiff.annotate import embedder
from pressdiff.config import settings
from pressdiff.model import Article, Evidence, Finding, Quote, span_evidence
from pressdiff.quotes.align import (
    Comparison,
    DiffOp,
    Word,
    compare,
    is_content,
    is_topical,
    words_of,
)
from pressdiff.quotes.extract import extract_doc
from pressdiff.quotes.people import PERSONAL_PRONOUNS, People
from pressdiff.quotes.unmarked import candidates
from pressdiff.sentences import split_sentences

# Paraphrase links compare a quote's sentences.  A quote's text is its parts joined, not a
# span of the article, so it is split by `pressdiff.sentences`.  The article parse's
# sentences (cut to the quote) were tried and cut quotes with nested ‘…’ marks into short
# pieces: the example story then got an altered_quote in its honest article 000.


@dataclass
class Variant:
    """One outlet's printing of a quote, compared with the printing it is judged against."""

    article_id: str
    start: int
    end: int
    text: str
    parts: list[tuple[int, int]]
    speaker: str | None
    # canonical (the group's own text); else, against it: verbatim, trimmed, stitched,
    # edited, altered, paraphrase; "only" for a printing no other outlet matches
    relation: str
    compared_with: str | None = None  # article id of the printing it was diffed against
    diff: list[DiffOp] = field(default_factory=list)
    confidence: float = 1.0
    flagged: bool = False  # an altered_quote or misattributed_quote finding points here


@dataclass
class QuoteGroup:
    """The same quote across outlets: its canonical text, speaker and printings.

    ``text`` is the printing most outlets print the same way (a tie goes to the
    earliest article), never a printing flagged as altered by the others."""

    id: str
    text: str
    speaker: str | None
    variants: list[Variant]

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(v.article_id for v in self.variants))


@dataclass
class QuoteResult:
    """What quote analysis found in a story.

    ``by_article`` lists every quote of every article (reported speech spans
    for claim analysis); ``groups`` lines up the quotes printed by two or more
    outlets, plus single-outlet quotes as one-variant groups (listed, never
    flagged).
    """

    by_article: dict[str, list[Quote]]
    groups: list[QuoteGroup]
    findings: list[Finding]

    @property
    def shared_groups(self) -> list[QuoteGroup]:
        """Quotes printed by two or more outlets (the ones that can be checked)."""
        return [g for g in self.groups if len(g.article_ids) > 1]

    @property
    def single_groups(self) -> list[QuoteGroup]:
        return [g for g in self.groups if len(g.article_ids) == 1]


@dataclass
class _Printing:
    article: Article
    quote: Quote
    words: list[Word]
    order: int
    index: int = -1
    marked: bool = True  # False: first-person words printed without quotation marks

    @property
    def norms(self) -> list[str]:
        return [w.norm for w in self.words]


def analyse(articles: list[Article], semantic: bool = True) -> QuoteResult:
    """Extract, attribute, group and judge the quotes of one story's articles.

    ``semantic`` enables paraphrase links by MiniLM; without it only printings
    that share their words are grouped (no model is loaded).
    """
    docs = [a.doc if a.doc is not None else nlp.spacy_model()(a.text) for a in articles]
    people = People(docs)
    by_article = {a.id: extract_doc(doc, people) for a, doc in zip(articles, docs, strict=True)}
    order = _article_order(articles)
    printings = [
        _Printing(a, q, words_of(a.text, q), order[a.id])
        for a in articles
        for q in by_article[a.id]
    ]
    # Words printed without their marks count only where they line up with a marked quote.
    printings += [
        _Printing(a, q, words_of(a.text, q), order[a.id], marked=False)
        for a, doc in zip(articles, docs, strict=True)
        for q in candidates(doc, by_article[a.id])
    ]
    printings = [p for p in printings if p.words]
    for i, p in enumerate(printings):
        p.index = i
    links = _lexical_links(printings)
    if semantic:
        links |= _paraphrase_links(printings, links)
        links |= _unmarked_links(printings, links)
    links = {k: v for k, v in links.items() if printings[k[0]].marked or printings[k[1]].marked}
    groups: list[QuoteGroup] = []
    findings: list[Finding] = []
    for members in _components(len(printings), links):
        if not all(printings[i].marked for i in members):
            if len(members) == 1:
                continue
            for i in members:
                if not printings[i].marked:
                    by_article[printings[i].article.id].append(printings[i].quote)
        group, found = _judge(len(groups), [printings[i] for i in members], links)
        groups.append(group)
        findings.extend(found)
    return QuoteResult(by_article=by_article, groups=groups, findings=findings)


def _article_order(articles: list[Article]) -> dict[str, int]:
    """Earliest first: by publication time where every article has one, else input order."""
    if all(a.published for a in articles):
        ranked = sorted(range(len(articles)), key=lambda i: (articles[i].published, i))
    else:
        ranked = list(range(len(articles)))
    return {articles[i].id: rank for rank, i in enumerate(ranked)}


def _lexical_links(printings: list[_Printing]) -> dict[tuple[int, int], str]:
    """Pairs (i, j) of printings in different articles that share their words."""
    cfg = settings().quotes
    links: dict[tuple[int, int], str] = {}
    counts = [Counter(p.norms) for p in printings]
    topical = [sum(n for w, n in c.items() if is_topical(w)) for c in counts]
    for i, a in enumerate(printings):
        for j in range(i + 1, len(printings)):
            b = printings[j]
            if a.article.id == b.article.id:
                continue
            shorter = min(len(a.words), len(b.words))
            shared = counts[i].keys() & counts[j].keys()
            if shorter < cfg.min_quote_words or len(shared) < cfg.min_quote_words:
                continue
            if not _could_cover(shared, counts[i], counts[j], shorter, min(topical[i], topical[j])):
                continue
            cmp = compare(a.article.text, a.words, b.article.text, b.words, frozenset())
            if cmp.coverage < cfg.lexical_coverage or cmp.content_coverage < cfg.lexical_coverage:
                continue
            # Shared function words ("and the", "I would") do not make the same quote,
            # nor does a common phrase ("pull the trigger") inside two different
            # quotes, nor words scattered over a long one.
            if cmp.content_matched < 2:
                continue
            if shorter <= cfg.short_quote and (
                cmp.inner_changes > 0 or cmp.coverage < cfg.short_quote_coverage
            ):
                continue
            if cmp.inner_changes <= 1 or cmp.density >= cfg.density:
                links[(i, j)] = "lexical"
    return links


def _could_cover(
    shared: set[str], a: Counter[str], b: Counter[str], shorter: int, topical_shorter: int
) -> bool:
    """Could the diff of two printings pass the coverage tests of :func:`_lexical_links`?

    The words a diff matches are a common subsequence, so no more of each word than the
    printing with fewer of it has: that bounds ``matched`` and ``content_matched`` from
    above, and a pair whose bounds fail the tests fails them with its diff too (the
    same divisions), which is then not computed.
    """
    cfg = settings().quotes
    most = sum(min(a[w], b[w]) for w in shared)
    most_topical = sum(min(a[w], b[w]) for w in shared if is_topical(w))
    return (
        most / shorter >= cfg.lexical_coverage
        and most_topical / max(1, topical_shorter) >= cfg.lexical_coverage
        and most_topical >= 2
    )


def _paraphrase_links(
    printings: list[_Printing], links: dict[tuple[int, int], str]
) -> dict[tuple[int, int], str]:
    """Pairs printed by different outlets that say the same thing in other words,
    compared sentence by sentence.  Meaning alone is not enough: the sentences
    must also share two content words and not be credited to different speakers, and
    those cheap tests come first: only sentences with such a partner are encoded."""
    cfg = settings().quotes
    sentences = _quote_sentences(printings)
    content = [_content(s) for _, s in sentences]

    def could_link(x: int, y: int) -> bool:
        """Everything but the meaning: only such pairs need their sentences encoded."""
        i, j = sorted((sentences[x][0], sentences[y][0]))
        a, b = printings[i], printings[j]
        return (
            (i, j) not in links
            and a.article.id != b.article.id
            and len(content[x] & content[y]) >= 2
            and not _different_speakers(a.quote.speaker, b.quote.speaker)
        )

    pairs = [(x, y) for x in range(len(sentences)) for y in range(x + 1, len(sentences))]
    needed = sorted({z for x, y in pairs if could_link(x, y) for z in (x, y)})
    if not needed:
        return {}
    vectors = embedder(list({p.article.id: p.article for p in printings}.values()))(
        [sentences[z][1] for z in needed]
    )
    sims = vectors @ vectors.T
    found: dict[tuple[int, int], str] = {}
    for u, v in zip(*np.nonzero(sims >= cfg.paraphrase_cosine), strict=True):
        x, y = needed[u], needed[v]
        pair = tuple(sorted((sentences[x][0], sentences[y][0])))
        if pair not in found and could_link(x, y):
            found[pair] = "paraphrase"
    return found


def _unmarked_links(
    printings: list[_Printing], links: dict[tuple[int, int], str]
) -> dict[tuple[int, int], str]:
    """Each printing without quotation marks linked to the marked printing of another
    article whose sentence is closest to one of its own, if close enough
    (``unmarked_cosine``, below ``paraphrase_cosine``: first-person words in a news story
    are someone's words already, the question is only whose) and sharing a content word."""
    cfg = settings().quotes
    owners, sentences, sims = _sentence_similarities(printings)
    found: dict[tuple[int, int], str] = {}
    for x in np.nonzero([not printings[i].marked for i in owners])[0]:
        p = printings[int(owners[x])]
        for y in np.argsort(-sims[x]):
            q = printings[int(owners[y])]
            if sims[x, y] < cfg.unmarked_cosine:
                break
            if q.marked and q.article.id != p.article.id:
                if _content(sentences[x]) & _content(sentences[y]):
                    i, j = sorted((p.index, q.index))
                    if (i, j) not in links:
                        found[(i, j)] = "paraphrase"
                break
    return found


def _quote_sentences(printings: list[_Printing]) -> list[tuple[int, str]]:
    """The sentences of four words or more of every printing long enough to be compared by
    meaning, each with the index of its printing."""
    cfg = settings().quotes
    return [
        (i, s)
        for i, p in enumerate(printings)
        if len(p.words) >= cfg.min_quote_words + 1
        for s in split_sentences(p.quote.text)
        if len(s.split()) >= 4
    ]


def _sentence_similarities(
    printings: list[_Printing],
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The sentences of :func:`_quote_sentences`, the index of the printing each comes from,
    and their MiniLM cosines with each other."""
    pairs = _quote_sentences(printings)
    if not pairs:
        return np.zeros(0, dtype=int), [], np.zeros((0, 0))
    vectors = embedder(list({p.article.id: p.article for p in printings}.values()))(
        [s for _, s in pairs]
    )
    return np.array([i for i, _ in pairs]), [s for _, s in pairs], vectors @ vectors.T


def _components(n: int, links: dict[tuple[int, int], str]) -> list[list[int]]:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in links:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _surname(name: str | None) -> str | None:
    """The comparable part of a speaker name; None for pronouns and descriptions
    ("The findings", "a spokesman"): a name is written in capitals throughout."""
    if not name or name.lower() in PERSONAL_PRONOUNS:
        return None
    if not all(w[:1].isupper() for w in name.split()) or name.split()[0] in ("The", "A", "An"):
        return None
    return name.split()[-1].lower()


def _different_speakers(a: str | None, b: str | None) -> bool:
    sa, sb = _surname(a), _surname(b)
    return sa is not None and sb is not None and sa != sb


def _content(sentence: str) -> set[str]:
    """Topical words of a sentence, but the stems of contractions ("don't": "t")."""
    return {w.lower() for w in re.findall(r"\w{3,}", sentence) if is_topical(w.lower())}


def _judge(
    index: int, members: list[_Printing], links: dict[tuple[int, int], str]
) -> tuple[QuoteGroup, list[Finding]]:
    """Compare each printing with the other outlets' printings and flag the odd ones.

    Whether a printing is altered is a vote of the outlets printing the quote
    (each printing is compared with its closest printing in every other
    article).  What the group shows is the canonical printing, the one whose
    words most of the other outlets print the same way (a tie goes to the
    earliest article, then to the fuller printing), and each other printing's
    diff against it — or, for a printing of another part of a long quote that
    does not line up with the canonical one, against its best supported
    counterpart: a reader wants to see how a printing departs from what most
    outlets print, not from another departure."""
    members.sort(key=lambda p: (p.order, p.quote.start))
    supported_by = {
        id(p): frozenset(
            w for q in members if q.article.id != p.article.id for w in q.norms if is_content(w)
        )
        for p in members
    }
    # For each printing, its closest linked printing in every other article.
    linked = {(i, j) for i, j in links} | {(j, i) for i, j in links}
    counterpart: dict[int, dict[str, tuple[_Printing, Comparison]]] = {}
    for p in members:
        best: dict[str, tuple[_Printing, Comparison]] = {}
        for q in members:
            if q.article.id == p.article.id or (p.index, q.index) not in linked:
                continue
            if p.marked and not q.marked:  # words without marks cannot outvote a quote
                continue
            cmp = compare(q.article.text, q.words, p.article.text, p.words, supported_by[id(p)])
            if q.article.id not in best or cmp.matched > best[q.article.id][1].matched:
                best[q.article.id] = (q, cmp)
        counterpart[id(p)] = best
    # How much of each printing the other outlets repeat: words shared with each
    # printing that agrees with it.  Counting words, not outlets, keeps a three-word
    # fragment that every longer printing contains from outvoting the quote itself.
    agree = {
        id(p): sum(c.matched for _, c in counterpart[id(p)].values() if c.relation != "altered")
        for p in members
    }
    canonical = max(members, key=lambda p: (p.marked, agree[id(p)], -p.order, len(p.words)))
    variants: list[Variant] = []
    findings: list[Finding] = []

    def standing(qc: tuple[_Printing, Comparison]) -> tuple[bool, int, int, int]:
        """Which printing to diff against: the canonical one, else the best supported."""
        q, cmp = qc
        return (q is canonical, agree[id(q)], cmp.matched, -q.order)

    for p in members:
        others = counterpart[id(p)]
        variant = Variant(
            p.article.id,
            p.quote.start,
            p.quote.end,
            p.quote.text,
            p.quote.parts,
            p.quote.speaker,
            "canonical" if p is canonical else "only",
        )
        variants.append(variant)
        if not others:
            continue
        if p is not canonical:
            ref, cmp = max(others.values(), key=standing)
            lexical = not _paraphrased(p, ref, links) and p.marked
            variant.compared_with = ref.article.id
            variant.diff = cmp.ops
            variant.relation = cmp.relation if lexical else "paraphrase"
            variant.confidence = 1.0 if lexical else 0.5
        disagreeing = [(q, c) for q, c in others.values() if c.relation == "altered"]
        agreeing = len(others) - len(disagreeing)
        # The printing itself counts as one vote for its own version.
        altered = bool(disagreeing) and (
            len(disagreeing) > agreeing + 1
            or (len(disagreeing) == agreeing + 1 and all(q.order < p.order for q, _ in disagreeing))
        )
        variant.flagged = altered
        if altered:
            ref, cmp = max(disagreeing, key=standing)
            witnesses = [ref] + [q for q, _ in disagreeing if q is not ref]
            confidence = 0.5 if _paraphrased(p, ref, links) or not p.marked else 1.0
            findings.append(_altered_finding(p, witnesses, cmp, confidence))
        else:
            finding = _misattribution(p, [q for q, c in others.values() if c.relation != "altered"])
            if finding is not None:
                variant.flagged = True
                findings.append(finding)
    group = QuoteGroup(f"q{index}", canonical.quote.text, _majority_speaker(members), variants)
    return group, findings


def _paraphrased(a: _Printing, b: _Printing, links: dict[tuple[int, int], str]) -> bool:
    """True when the two printings are linked only by meaning."""
    return links.get((min(a.index, b.index), max(a.index, b.index))) == "paraphrase"


def _majority_speaker(members: list[_Printing]) -> str | None:
    names = Counter(p.quote.speaker for p in members if _surname(p.quote.speaker))
    if names:
        return names.most_common(1)[0][0]
    return next((p.quote.speaker for p in members if p.quote.speaker), None)


def _diff_words(ops: list[DiffOp]) -> str:
    """The changes of a diff in words: “gun” → “pistol”, added “in the first place”
    (trims and marked cuts are left out: they are not alterations)."""
    out = []
    for op in ops:
        if op.kind not in ("content", "edit"):
            continue
        if op.op == "replace":
            out.append(f"“{op.reference}” → “{op.variant}”")
        elif op.op == "insert":
            out.append(f"added “{op.variant}”")
        elif op.op == "delete":
            out.append(f"dropped “{op.reference}”")
    return "; ".join(out)


def _altered_finding(
    p: _Printing, witnesses: list[_Printing], cmp: Comparison, confidence: float
) -> Finding:
    """``witnesses`` print the quote otherwise; the diff is against the first."""
    ref = witnesses[0]
    how = "reworded" if confidence < 1 else "changed"
    marks = "" if p.marked else ", without quotation marks,"
    speaker = p.quote.speaker if p.marked else ref.quote.speaker
    explanation = (
        f"{p.article.outlet} prints{marks} a {how} version of a quote"
        f"{' by ' + speaker if _surname(speaker) else ''} that "
        f"{ref.article.outlet} "
        f"prints differently: {_diff_words(cmp.ops) or 'words changed'}."
    )
    return Finding(
        kind="altered_quote",
        article_id=p.article.id,
        start=p.quote.start,
        end=p.quote.end,
        text=p.article.text[p.quote.start : p.quote.end],
        evidence=[_quote_evidence(q) for q in witnesses],
        explanation=explanation,
        confidence=confidence,
    )


def _quote_evidence(p: _Printing) -> Evidence:
    return span_evidence(p.article, p.quote.start, p.quote.end)


def _misattribution(p: _Printing, agreeing: list[_Printing]) -> Finding | None:
    """The same words credited to someone else than the other outlets credit.

    As for altered quotes, the printing counts as a vote for its own speaker,
    and a tie goes to the earlier article."""
    mine = _surname(p.quote.speaker)
    theirs = Counter(_surname(q.quote.speaker) for q in agreeing)
    theirs.pop(None, None)
    if mine is None or not theirs:
        return None
    top, votes = theirs.most_common(1)[0]
    if top == mine:
        return None
    own_votes = theirs[mine] + 1
    earlier = all(q.order < p.order for q in agreeing if _surname(q.quote.speaker) == top)
    if votes < own_votes or (votes == own_votes and not earlier):
        return None
    witnesses = [q for q in agreeing if _surname(q.quote.speaker) == top]
    speaker_span = (p.quote.speaker_start, p.quote.speaker_end)
    start, end = speaker_span if speaker_span[0] >= 0 else (p.quote.start, p.quote.end)
    return Finding(
        kind="misattributed_quote",
        article_id=p.article.id,
        start=start,
        end=end,
        text=p.article.text[start:end],
        evidence=[_quote_evidence(q) for q in witnesses],
        explanation=(
            f"{p.article.outlet} credits this quote to {p.quote.speaker}; "
            f"{', '.join(q.article.outlet for q in witnesses)} credit the same words to "
            f"{witnesses[0].quote.speaker}."
        ),
        confidence=0.8,
    )
