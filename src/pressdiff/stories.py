"""Group articles into stories, one article at a time.

Stories arrive mixed: a day of news from many outlets is hundreds of stories.
This stage puts each article into the story it belongs to the moment it
arrives, so that adding articles later never re-clusters everything (and a
store of 100,000 articles keeps its story ids).  For each new article:

1. **Exact copy**: the article id is the content hash of the cleaned text,
   and a text seen before is the same article (the store keeps it once).
2. **Near-duplicate** (wire copy with a changed sentence or a different
   byline): a MinHash of its word shingles is looked up in a datasketch
   MinHash-LSH; an article whose estimated Jaccard similarity with an
   earlier one passes :attr:`StoryConfig.near_duplicate` joins that one's
   story without any further comparison.
3. **Same story**: its TF-IDF vector (title and body words hashed into a
   fixed space, so the vocabulary needs no second pass; inverse document
   frequencies learned as articles arrive) is compared with the centroids of
   candidate stories: the stories whose strongest terms share the article's
   strongest terms (an inverted index, so the cost grows with the number of
   candidates, not of stories).  Names count extra: the people, places and
   organisations spaCy's entity recogniser finds in the article's lead.  When both
   sides have a publication date, the bar rises with the days between the
   article and the story (an article weeks later about the same people is a
   new story unless its words say otherwise); an article without a date is
   judged by its words alone.  A second gate reads meaning, not words: the
   MiniLM vector of the article's lead must be close enough, on average, to
   the story's members' (an article or a stored row without a vector skips
   it).  The best candidate over both takes the article, else it starts a
   new story.
4. **Merge**: the story that grew is compared with the stories sharing its
   strongest terms; one now alike enough (average-link over both stories'
   members, words and lead vectors as for joining) was the same story seen
   from another end, and the two merge into
   the older one; the younger id stays resolvable as an alias.  This keeps
   the result close to batch average-link clustering whatever the order in
   which the articles arrive.

A story's id is ``story-`` and a hash of its first article's id, so it stays
the same while the story grows.  Every tuned number lives in
:class:`StoryConfig`.  :func:`featurise` (many articles, batched) and
:func:`features` (one) are the only places that read an article's text; the
index only ever sees its :class:`Features`, which the store keeps so a later
batch rebuilds the index without re-reading text.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash, MinHashLSH
from sklearn.feature_extraction.text import HashingVectorizer

from pressdiff import nlp
from pressdiff.model import Article, Story

if TYPE_CHECKING:
    from pressdiff.store import Store


@dataclass(frozen=True)
class StoryConfig:
    """The tuned numbers of story grouping, named once.

    ``join``, ``merge``, ``name_weight`` and ``ngram`` were chosen on the tune
    half of the FNC-1 stories (``bench/stories_fnc1.py --tune``, seed 13; the
    report half was never used for a choice): the grid's best mean of pairwise
    and BCubed F1.  The other numbers are set by reasoning, not tuned: FNC-1
    has no titles and no dates, so ``title_weight`` and the time decay (one
    day's news cycle costs nothing; a month apart needs words about as close
    as a near-copy's) are untested by it, and the index sizes only bound the
    cost per article.
    """

    join: float = 0.2
    """Least average-link cosine (TF-IDF, article vs the story's members) to join a story."""
    merge: float = 0.2
    """Least average-link cosine between two stories for them to merge (checked each time
    a story grows; two halves of one story that began apart)."""
    near_duplicate: float = 0.8
    """Least estimated Jaccard similarity of word shingles for a near-duplicate copy."""
    shingle_words: int = 5
    """Words per shingle for the MinHash."""
    num_perm: int = 64
    """MinHash permutations (64 estimates Jaccard to within about 0.06)."""
    name_weight: float = 1.0
    """Extra weight of a named entity (found in the lead, see :data:`ENTITY_LABELS`) over an
    ordinary word's count."""
    title_weight: float = 2.0
    """Weight of a title word relative to a body word."""
    ngram: int = 1
    """Longest run of words counted as one term (2: word pairs too)."""
    query_terms: int = 25
    """The article's strongest terms looked up in the inverted index."""
    story_terms: int = 60
    """A story's strongest terms kept in the inverted index."""
    candidates: int = 40
    """Stories scored in full per article (those sharing the most strong terms)."""
    grace_days: float = 3.0
    """Days between an article and a story's dates that cost nothing."""
    decay_per_day: float = 0.01
    """How much the join bar rises per day beyond the grace period."""
    max_decay: float = 0.5
    """Cap on that rise, so a very close text still joins a long-running story."""
    lead_chars: int = 1000
    """Characters of an article's opening (whitespace collapsed, cut at a word) that MiniLM
    embeds as its one vector; 0 computes no vector.  One short encode per article keeps
    this bounded at scale; set by reasoning (about MiniLM's 256-token window)."""
    vector_gate: float = 0.55
    """Least MiniLM average-link similarity (mean cosine of lead vectors) to join or merge at
    all, whatever the words say: a second gate meant to split stories that share a topic but
    not a claim.  Set on the FNC-1 tune half (the grid's best over both orders; 0.5 within
    0.001, 0.4 changes nothing; blending MiniLM into the score instead, at weights 0.3-0.7,
    was worse)."""


DEFAULT = StoryConfig()

N_FEATURES = 2**20
"""Size of the hashed term space (collisions are rare at a million buckets)."""

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
"""spaCy entity labels whose mentions count as names: people, organisations, places,
groups, buildings, events (not dates, numbers or works of art, which stories share less)."""

_NER_ONLY = ("tok2vec", "ner")
"""The spaCy components entity recognition needs; the others are not run for grouping."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Features:
    """What story grouping needs from one article, computed once by :func:`features`.

    ``terms``/``weights``: the sorted hashed term ids and their sublinear term
    frequencies, L2-normalised (inverse document frequency is applied when
    comparing, because it changes as articles arrive).  ``minhash``: the
    MinHash signature of the word shingles (empty for a text too short to
    shingle).  ``published``: the publication time, if known.  ``vector``: the
    unit MiniLM vector of the article's lead (empty when not computed, and in
    rows stored before vectors existed).
    """

    terms: np.ndarray
    weights: np.ndarray
    minhash: np.ndarray
    published: datetime | None
    vector: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def to_bytes(self) -> bytes:
        """A compact binary form for the store (see :meth:`from_bytes`)."""
        stamp = self.published.timestamp() if self.published else math.nan
        head = np.array([len(self.terms), len(self.minhash), stamp], dtype=np.float64)
        return b"".join(
            (
                head.tobytes(),
                self.terms.astype(np.int32).tobytes(),
                self.weights.astype(np.float32).tobytes(),
                self.minhash.astype(np.uint32).tobytes(),
                self.vector.astype(np.float32).tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Features:
        n_terms, n_hash, stamp = np.frombuffer(data[:24], dtype=np.float64)
        n_terms, n_hash = int(n_terms), int(n_hash)
        at = 24
        terms = np.frombuffer(data, dtype=np.int32, count=n_terms, offset=at)
        at += 4 * n_terms
        weights = np.frombuffer(data, dtype=np.float32, count=n_terms, offset=at)
        at += 4 * n_terms
        minhash = np.frombuffer(data, dtype=np.uint32, count=n_hash, offset=at)
        at += 4 * n_hash
        # The vector is whatever follows (nothing in rows stored before vectors existed).
        vector = np.frombuffer(data, dtype=np.float32, offset=at)
        published = None if math.isnan(stamp) else datetime.fromtimestamp(stamp, UTC)
        return cls(terms, weights, minhash, published, vector)


@cache
def _vectorizer(longest: int) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, longest),
        alternate_sign=False,
        norm=None,
        stop_words="english",
        lowercase=True,
    )


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def features(article: Article, config: StoryConfig = DEFAULT) -> Features:
    """Compute one article's grouping features (:func:`featurise` does many at once)."""
    plain = _words(article, entity_names([_opening(article, config)])[0], config)
    return with_lead_vectors([article], [plain], config)[0]


def _words(article: Article, names: list[str], config: StoryConfig) -> Features:
    """Everything but the lead vector: hashed terms of the body, the title and the names
    (each name one term, so two articles naming the same people and places score higher
    than two sharing only common words), the MinHash and the date."""
    body = article.text
    docs = [body, article.title or "", " ".join(n.replace(" ", "_") for n in names)]
    counts = _vectorizer(config.ngram).transform(docs)
    weight = counts[0] + config.title_weight * counts[1] + config.name_weight * counts[2]
    weight = weight.tocsr()
    weight.sum_duplicates()
    order = np.argsort(weight.indices)
    terms = weight.indices[order].astype(np.int32)
    tf = 1.0 + np.log(weight.data[order].astype(np.float64))
    norm = float(np.linalg.norm(tf)) or 1.0
    return Features(
        terms=terms,
        weights=(tf / norm).astype(np.float32),
        minhash=_minhash(body, config),
        published=parse_date(article.published),
    )


def entity_names(texts: Sequence[str]) -> list[list[str]]:
    """The names (entities of :data:`ENTITY_LABELS`, whitespace collapsed) in each text.

    Only spaCy's entity recogniser runs (no parser or tagger), over the texts
    in one batch.  Grouping reads the lead, not the whole body: on the FNC-1
    tune half names from the lead grouped as well as names from the whole body
    at a third of the parsing time.
    """
    model = nlp.spacy_model()
    off = [name for name in model.pipe_names if name not in _NER_ONLY]
    return [
        [" ".join(e.text.split()) for e in doc.ents if e.label_ in ENTITY_LABELS]
        for doc in model.pipe(texts, disable=off)
    ]


def _opening(article: Article, config: StoryConfig) -> str:
    """The lead grouping reads (names, MiniLM vector); empty when ``lead_chars`` is 0."""
    return lead(article.text, config.lead_chars) if config.lead_chars > 0 else ""


def lead(text: str, chars: int) -> str:
    """The opening ``chars`` characters of ``text``, whitespace collapsed, cut at a word."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[:chars].rsplit(" ", 1)[0]


def with_lead_vectors(
    articles: Sequence[Article], plain: Sequence[Features], config: StoryConfig = DEFAULT
) -> list[Features]:
    """``plain`` (the articles' features) with MiniLM's unit vector of each lead added.

    The leads (what each article is about, in a few sentences) go to MiniLM
    in one call, which shares them out over its threads; an article with no
    lead (``lead_chars`` 0, or no text) gets no vector.
    """
    openings = [_opening(a, config) for a in articles]
    wanted = [n for n, opening in enumerate(openings) if opening]
    leads = [openings[n] for n in wanted]
    vectors = nlp.embed(leads) if wanted else []
    done = list(plain)
    for n, vector in zip(wanted, vectors, strict=True):
        done[n] = replace(done[n], vector=vector)
    return done


def featurise(index: StoryIndex, articles: Sequence[Article]) -> list[Features]:
    """The features of articles about to be added to ``index`` in this order: names found
    and lead vectors encoded in one batch each, the vectors only where a decision reads
    them: an article that will join its near-duplicate's story (one already in the index,
    or an earlier one here) is placed without comparing meanings, so its lead is not
    encoded."""
    names = entity_names([_opening(a, index.config) for a in articles])
    plain = [_words(a, n, index.config) for a, n in zip(articles, names, strict=True)]
    need = [n for n, copy in enumerate(index.near_duplicates(plain)) if not copy]
    encoded = with_lead_vectors([articles[n] for n in need], [plain[n] for n in need], index.config)
    for n, f in zip(need, encoded, strict=True):
        plain[n] = f
    return plain


def _minhash(text: str, config: StoryConfig) -> np.ndarray:
    words = [w.lower() for w in _WORD.findall(text)]
    n = config.shingle_words
    shingles = {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}
    if not shingles:
        return np.zeros(0, dtype=np.uint32)
    signature = _signature(config.num_perm)
    signature.update_batch(shingles)
    return signature.hashvalues.astype(np.uint32)


_SCHEME = "affine32"


@cache
def _permutations(num_perm: int) -> np.ndarray:
    return MinHash(num_perm=num_perm, scheme=_SCHEME).permutations


def _signature(num_perm: int, hashvalues: np.ndarray | None = None) -> MinHash:
    """A MinHash with the shared permutations (drawing them anew costs more than hashing)."""
    return MinHash(
        num_perm=num_perm,
        scheme=_SCHEME,
        permutations=_permutations(num_perm),
        hashvalues=hashvalues,
    )


def story_id(first_article_id: str) -> str:
    """A story's id: stable while it grows, because it hashes only its first article's id."""
    return "story-" + hashlib.sha256(first_article_id.encode()).hexdigest()[:12]


@dataclass
class _Story:
    """One story in the index: members, centroid (sum of member vectors), date range."""

    id: str
    members: list[str] = field(default_factory=list)
    centroid: dict[int, float] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    indexed: list[int] = field(default_factory=list)
    # Sum of the members' MiniLM lead vectors, and how many members had one.
    lead_sum: np.ndarray | None = None
    with_vector: int = 0
    # The centroid's strongest terms as arrays, rebuilt lazily after it changes.
    _terms: np.ndarray | None = None
    _weights: np.ndarray | None = None

    def add(self, article_id: str, terms: np.ndarray, vector: np.ndarray, f: Features) -> None:
        """Add a member; ``vector`` is its TF-IDF vector (unit length) over ``terms``."""
        self.members.append(article_id)
        for term, weight in zip(terms.tolist(), vector.tolist(), strict=True):
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self._add_vector(f.vector, 1)
        if f.published is not None:
            self.first = min(self.first or f.published, f.published)
            self.last = max(self.last or f.published, f.published)
        self._terms = None

    def absorb(self, other: _Story) -> None:
        self.members.extend(other.members)
        for term, weight in other.centroid.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        if other.lead_sum is not None:
            self._add_vector(other.lead_sum, other.with_vector)
        for moment in (other.first, other.last):
            if moment is not None:
                self.first = min(self.first or moment, moment)
                self.last = max(self.last or moment, moment)
        self._terms = None

    def _add_vector(self, vector: np.ndarray, count: int) -> None:
        if not len(vector):
            return
        as64 = vector.astype(np.float64)
        self.lead_sum = as64 if self.lead_sum is None else self.lead_sum + as64
        self.with_vector += count

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._terms is None:
            terms = np.fromiter(self.centroid.keys(), dtype=np.int64, count=len(self.centroid))
            weights = np.fromiter(self.centroid.values(), dtype=np.float64, count=len(terms))
            order = np.argsort(terms)
            self._terms, self._weights = terms[order], weights[order]
        return self._terms, self._weights  # type: ignore[return-value]

    def days_apart(self, moment: datetime | None) -> float:
        """Days from ``moment`` to this story's date range (0 inside it or when unknown)."""
        if moment is None or self.first is None or self.last is None:
            return 0.0
        if moment < self.first:
            return (self.first - moment).total_seconds() / 86400
        if moment > self.last:
            return (moment - self.last).total_seconds() / 86400
        return 0.0


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, and the stories merged into it on the way."""

    article_id: str
    story_id: str
    merged: tuple[str, ...] = ()


class StoryIndex:
    """Online story grouping: :meth:`add` one article's features at a time.

    Holds the inverse document frequencies, the stories' centroids, an
    inverted index from strong terms to stories and the MinHash-LSH of every
    article.  Nothing here reads text or touches a database; the store
    wrapper (:class:`StoredStories`) and :func:`group` feed it.
    """

    def __init__(self, config: StoryConfig = DEFAULT) -> None:
        self.config = config
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._scratch = np.zeros(N_FEATURES, dtype=np.float64)
        self._n = 0
        self._stories: dict[str, _Story] = {}
        self._born: dict[str, int] = {}  # story id -> creation number (older wins a merge)
        self._story_of: dict[str, str] = {}
        self._arrival: dict[str, int] = {}
        self._aliases: dict[str, str] = {}
        self._postings: dict[int, set[str]] = defaultdict(set)
        self._lsh = MinHashLSH(threshold=config.near_duplicate, num_perm=config.num_perm)

    # --- reading ----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._stories)

    def resolve(self, story_id: str) -> str | None:
        """The current id of a story, following merges; None when unknown."""
        seen = set()
        while story_id in self._aliases and story_id not in seen:
            seen.add(story_id)
            story_id = self._aliases[story_id]
        return story_id if story_id in self._stories else None

    def story_of(self, article_id: str) -> str | None:
        sid = self._story_of.get(article_id)
        return self.resolve(sid) if sid else None

    def groups(self) -> dict[str, list[str]]:
        """Each story's article ids in the order they arrived, oldest story first."""
        arrival = self._arrival.__getitem__
        return {sid: sorted(s.members, key=arrival) for sid, s in self._stories.items()}

    def near_duplicates(self, fs: Sequence[Features]) -> list[bool]:
        """Which of these articles, added in this order, will join a near-duplicate's story:
        one in the index, or an earlier one of ``fs`` (what :meth:`add` will find, asked
        before adding, so that no lead vector is encoded for a copy)."""
        batch = MinHashLSH(threshold=self.config.near_duplicate, num_perm=self.config.num_perm)
        found = []
        for n, f in enumerate(fs):
            if not len(f.minhash):
                found.append(False)
                continue
            signature = _signature(self.config.num_perm, f.minhash)
            found.append(self._near_duplicate(f) is not None or bool(batch.query(signature)))
            batch.insert(n, signature, check_duplication=False)
        return found

    # --- adding -----------------------------------------------------------

    def add(self, article_id: str, f: Features) -> Assignment:
        """Put one article into its story (see the module docstring for the steps)."""
        if article_id in self._story_of:
            return Assignment(article_id, self.story_of(article_id) or "")
        self._learn(f)
        x = self._vector(f)
        twin = self._near_duplicate(f)
        if twin is not None:
            return self._join(article_id, f, x, twin)
        scored = self._score(f, x)
        best = scored[0][1] if scored else None
        placed = self._join(article_id, f, x, best).story_id
        merged = self._settle(placed)
        return Assignment(article_id, self.resolve(placed) or placed, tuple(merged))

    def restore(self, article_id: str, story: str, f: Features) -> None:
        """Replay a stored assignment without deciding anything (rebuilding from a store)."""
        self._learn(f)
        self._place(article_id, f, self._vector(f), story)

    def restore_alias(self, old: str, new: str) -> None:
        """Replay a stored merge."""
        target = self.resolve(new)
        if old in self._stories and target is not None and target != old:
            self._merge(old, target)

    # --- internals ----------------------------------------------------------

    def _age(self, story: str) -> int:
        return self._born[story]

    def _learn(self, f: Features) -> None:
        self._n += 1
        self._df[f.terms] += 1

    def _idf(self, terms: np.ndarray) -> np.ndarray:
        return np.log((1.0 + self._n) / (1.0 + self._df[terms])) + 1.0

    def _near_duplicate(self, f: Features) -> str | None:
        if not len(f.minhash):
            return None
        signature = _signature(self.config.num_perm, f.minhash)
        twins = sorted(self._lsh.query(signature))
        for twin in twins:
            story = self.story_of(twin)
            if story is not None:
                return story
        return None

    def _vector(self, f: Features) -> np.ndarray:
        """The article's TF-IDF vector over ``f.terms``, unit length, with today's idf."""
        x = f.weights * self._idf(f.terms)
        return x / (float(np.linalg.norm(x)) or 1.0)

    def _score(self, f: Features, x: np.ndarray) -> list[tuple[float, str]]:
        """Candidate stories over the (time-decayed) bar, best first.

        The score is average-link: the mean cosine between the article and the
        story's members (the centroid is their sum), so a large story that
        drifted over many topics does not attract everything near one of them.
        """
        cfg = self.config
        strongest = f.terms[np.argsort(-x)[: cfg.query_terms]]
        hits: dict[str, int] = defaultdict(int)
        for term in strongest.tolist():
            for sid in self._postings.get(term, ()):
                hits[sid] += 1
        ranked = sorted(hits, key=lambda s: (-hits[s], s))[: cfg.candidates]
        candidates = [self._stories[sid] for sid in ranked]
        scored = []
        for story, dot in zip(candidates, self._dots(f.terms, x, candidates), strict=True):
            sim = self._gated(dot / len(story.members), f.vector, 1, story)
            late = max(0.0, story.days_apart(f.published) - cfg.grace_days)
            bar = cfg.join + min(cfg.max_decay, cfg.decay_per_day * late)
            if sim >= bar:
                scored.append((sim, story.id))
        return sorted(scored, key=lambda t: (-t[0], t[1]))

    def _settle(self, sid: str) -> list[str]:
        """Merge the story that just grew with any story now alike enough; return the ids
        merged away.

        This is what keeps the result close to batch average-link clustering
        whatever the arrival order: two stories that began apart merge as soon
        as the articles between them make them alike, into the older one.
        """
        merged = []
        while True:
            story = self._stories[sid]
            terms, weights = story.arrays()
            hits: dict[str, int] = defaultdict(int)
            for term in story.indexed[: self.config.query_terms]:
                for other in self._postings.get(term, ()):
                    if other != sid:
                        hits[other] += 1
            best, best_sim = None, self.config.merge
            ranked = sorted(hits, key=lambda o: (-hits[o], o))[: self.config.candidates]
            others = [self._stories[o] for o in ranked]
            for them, dot in zip(others, self._dots(terms, weights, others), strict=True):
                words = dot / (len(story.members) * len(them.members))
                sim = self._gated(words, story.lead_sum, story.with_vector, them)
                if sim >= best_sim and self._in_time(story, them):
                    best, best_sim = them.id, sim
            if best is None:
                return merged
            keep, gone = sorted((sid, best), key=self._age)
            self._merge(gone, keep)
            merged.append(gone)
            sid = keep

    def _gated(self, words: float, vectors: np.ndarray | None, count: int, story: _Story) -> float:
        """The TF-IDF average-link similarity ``words``, or -inf where MiniLM says no.

        ``vectors`` is the sum of ``count`` lead vectors (one article's, or a
        story's); their mean cosine with the story's members must reach
        :attr:`StoryConfig.vector_gate`.  Where either side has no vector the
        words decide alone.
        """
        if vectors is None or not len(vectors) or story.lead_sum is None:
            return words
        meaning = float(np.dot(vectors, story.lead_sum)) / (count * story.with_vector)
        return words if meaning >= self.config.vector_gate else -math.inf

    def _dots(self, terms: np.ndarray, weights: np.ndarray, stories: list[_Story]) -> list[float]:
        """Dot products of one sparse vector with each story's centroid: the vector is
        scattered into a dense scratch array once, and each centroid gathers from it."""
        self._scratch[terms] = weights
        try:
            return [float(np.dot(self._scratch[t], w)) for t, w in (s.arrays() for s in stories)]
        finally:
            self._scratch[terms] = 0.0

    def _in_time(self, a: _Story, b: _Story) -> bool:
        """Two stories' date ranges are within the grace period (or one has no dates)."""
        return max(a.days_apart(b.first), a.days_apart(b.last)) <= self.config.grace_days

    def _join(self, article_id: str, f: Features, x: np.ndarray, story: str | None) -> Assignment:
        sid = story if story is not None else story_id(article_id)
        self._place(article_id, f, x, sid)
        return Assignment(article_id, sid)

    def _place(self, article_id: str, f: Features, x: np.ndarray, sid: str) -> None:
        target = self.resolve(sid)
        if target is None:
            target = sid
            self._stories[sid] = _Story(sid)
            self._born[sid] = len(self._born)
        story = self._stories[target]
        story.add(article_id, f.terms, x, f)
        self._story_of[article_id] = target
        self._arrival[article_id] = len(self._arrival)
        if len(f.minhash):
            signature = _signature(self.config.num_perm, f.minhash)
            self._lsh.insert(article_id, signature, check_duplication=False)
        self._reindex(story)

    def _reindex(self, story: _Story) -> None:
        """Point the inverted index at the story's current strongest terms."""
        for term in story.indexed:
            self._postings[term].discard(story.id)
        terms, weights = story.arrays()
        story.indexed = terms[np.argsort(-weights)[: self.config.story_terms]].tolist()
        for term in story.indexed:
            self._postings[term].add(story.id)

    def _merge(self, gone: str, keep: str) -> None:
        old = self._stories.pop(gone)
        for term in old.indexed:
            self._postings[term].discard(gone)
        self._stories[keep].absorb(old)
        self._aliases[gone] = keep
        self._reindex(self._stories[keep])


@dataclass(frozen=True)
class ArticleMeta:
    """What a story listing shows of one article (no text, so listings stay cheap)."""

    id: str
    input_id: str | None
    outlet: str
    published: str | None

    @classmethod
    def of(cls, article: Article) -> ArticleMeta:
        return cls(article.id, article.input_id, article.outlet, article.published)


TITLE_CHARS = 120
"""Longest story title taken from an article's first line when it has no title."""


def story_title(article: Article) -> str:
    """A story's title: its first article's title, else that article's first line."""
    if article.title:
        return article.title
    line = article.text.strip().split("\n", 1)[0].strip()
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def describe(sid: str, title: str | None, members: list[ArticleMeta]) -> Story:
    """A story record for listings: its articles' ids, input ids, outlets and date range."""
    dates = sorted((d, m.published) for m in members if (d := parse_date(m.published)))
    return Story(
        id=sid,
        article_ids=[m.id for m in members],
        title=title,
        input_ids=[m.input_id for m in members],
        outlets=list(dict.fromkeys(m.outlet for m in members)),
        first_published=dates[0][1] if dates else None,
        last_published=dates[-1][1] if dates else None,
    )


def group(articles: Iterable[Article], config: StoryConfig = DEFAULT) -> list[Story]:
    """Group articles in memory, one at a time in the order given; stories oldest first."""
    by_id: dict[str, Article] = {}
    for article in articles:
        by_id.setdefault(article.id, article)
    index = StoryIndex(config)
    fresh = list(by_id.values())
    for article, f in zip(fresh, featurise(index, fresh), strict=True):
        index.add(article.id, f)
    return [
        describe(sid, story_title(by_id[ids[0]]), [ArticleMeta.of(by_id[a]) for a in ids])
        for sid, ids in index.groups().items()
    ]


def as_one(articles: list[Article]) -> Story:
    """All the articles as one story, for a user who knows they are (``--one-story``)."""
    return describe(
        story_id(articles[0].id), story_title(articles[0]), [ArticleMeta.of(a) for a in articles]
    )


INGEST_BATCH = 64
"""Articles whose story features are computed together (one MiniLM call for their leads);
what an ingest holds stored but not yet in a story."""


class StoryAssigner:
    """Story grouping over a store: each stored article goes into a story, and stays there.

    Opening rebuilds the index from the stored features (no text is read
    again) and then assigns every pending article (stored but in no story:
    a database from before stories existed, or an ingest killed between
    storing and assigning).  :meth:`assign` then takes new articles one at a
    time, each recorded in its own transaction.
    """

    def __init__(self, store: Store, config: StoryConfig = DEFAULT) -> None:
        self.store = store
        self.index = StoryIndex(config)
        for article_id, sid, data, merged in store.assignments():
            for old in merged:
                self.index.restore_alias(old, sid)
            self.index.restore(article_id, sid, Features.from_bytes(data))

    def assign(self, article: Article) -> Assignment:
        """Put a stored article into its story and record it (no-op if already in one)."""
        return self.assign_many([article])[0]

    def assign_many(self, articles: Sequence[Article]) -> list[Assignment]:
        """Put stored articles into their stories in this order, each recorded in its own
        transaction; their lead vectors are encoded in one batch (:func:`featurise`)."""
        fresh = {a.id: a for a in articles if self.index.story_of(a.id) is None}
        batch = list(fresh.values())
        placed: dict[str, Assignment] = {}
        for article, f in zip(batch, featurise(self.index, batch), strict=True):
            placed[article.id] = self.index.add(article.id, f)
            self.store.assign(
                article.id,
                placed[article.id].story_id,
                f.to_bytes(),
                story_title(article),
                placed[article.id].merged,
            )
        return [
            placed.pop(a.id, None) or Assignment(a.id, self.index.story_of(a.id) or "")
            for a in articles
        ]

    def add(
        self, articles: Iterable[Article], batch: int = INGEST_BATCH
    ) -> Iterator[tuple[Article, bool]]:
        """Store each article and put the new ones into their stories ``batch`` at a time
        (one MiniLM call for their leads); yield each article and whether it was new.

        The last, partial batch is assigned however the loop ends (exhausted, an error
        from ``articles``, the caller stopping early); a process killed before that
        leaves its stored articles pending, and the next assigner opened assigns them.
        """
        waiting: list[Article] = []
        try:
            for article in articles:
                new = self.store.add([article]) == 1
                if new:
                    waiting.append(article)
                    if len(waiting) >= batch:
                        self.assign_many(waiting)
                        waiting.clear()
                yield article, new
        finally:
            self.assign_many(waiting)

    def assign_pending(self, batch: int = INGEST_BATCH) -> int:
        """Assign every stored article that is in no story yet, ``batch`` at a time; return
        how many."""
        done = 0
        pending = self.store.pending()
        while chunk := list(islice(pending, batch)):
            self.assign_many(chunk)
            done += len(chunk)
        return done
