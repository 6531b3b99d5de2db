"""Records shared by every stage of pressdiff.

Every record that points at text carries character offsets into the cleaned
text of its article (``Article.text``), so any finding can be highlighted in
place.  The only exception is :class:`Removed`, whose offsets point into the
*original* text, because the removed debris is by definition not part of the
cleaned text.

The records are plain dataclasses so that every stage can build them without
ceremony; :func:`to_jsonable` turns any of them into the JSON the report
schema (``schema/report.schema.json``) describes.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # for the annotations only: records import neither at run time
    import numpy as np
    from spacy.tokens import Doc

FindingKind = Literal[
    "altered_quote",
    "misattributed_quote",
    "contradiction",
    "unsupported_claim",
    "spun_copy",
    "copied_passage",
    "boilerplate",
]


@dataclass(frozen=True)
class RawDocument:
    """One input as a reader produced it, before cleaning.

    ``text`` is the article text as read (for HTML, what trafilatura
    extracted); ``id`` is the identifier the input itself gave (a JSON Lines
    ``id``), kept for the user's reference — pressdiff's own article id is
    the content hash the cleaner computes.
    """

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Rejection:
    """An input that could not be read, and why, in words a user understands."""

    source: str
    reason: str


@dataclass(frozen=True)
class Removed:
    """Debris removed by the cleaner; offsets point into the original text."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    is_stop: bool


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str


@dataclass
class Article:
    """A cleaned (and, once annotated, parsed) article.

    ``text`` is the cleaned text every offset refers to; ``original`` is the
    text as read, which the offsets of ``removed`` refer to.  ``id`` is the
    content hash of ``text`` (so storing is idempotent); ``input_id`` is the
    id the input itself gave, if any.  ``doc`` holds the spaCy Doc of ``text``
    once :func:`pressdiff.annotate.annotate` ran, and ``vectors`` the MiniLM
    vector (a unit-length float32 numpy row) of each piece of ``text`` encoded
    so far, keyed by the piece's text: sentences, paragraphs and quotes from
    annotation, claims and quote sentences once an analysis asked for them, so
    no piece of an article is encoded twice.  Neither goes into the JSON
    report; both are kept in the store's ``annotations`` table.
    """

    id: str
    source: str
    outlet: str
    text: str
    original: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    input_id: str | None = None
    removed: list[Removed] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    doc: Doc | None = field(default=None, repr=False, compare=False)
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Quote:
    """A direct quote in one text, with who said it and the cue that says so.

    ``start``/``end`` cover the quoted words without the quotation marks;
    ``parts`` lists the pieces when an attribution splits the quote
    ("I'm not going to," he said, "pull the trigger").  ``speaker`` is the
    resolved name (a pronoun resolved to the nearest compatible person),
    ``speaker_start``/``speaker_end`` the words in the text that name or refer
    to the speaker, ``cue_start``/``cue_end`` the cue ("said", "told", ":").
    Offsets of -1 mean "not found".
    """

    start: int
    end: int
    text: str
    parts: list[tuple[int, int]] = field(default_factory=list)
    speaker: str | None = None
    speaker_start: int = -1
    speaker_end: int = -1
    cue_start: int = -1
    cue_end: int = -1


@dataclass(frozen=True)
class Evidence:
    """Words in an article that support a finding."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass
class Finding:
    """A flag on exact words of one article, with the evidence that raised it.

    A finding without evidence spans is a bug: the user must be able to see
    the words in this article and the words in the others.
    """

    kind: FindingKind
    article_id: str
    start: int
    end: int
    text: str
    evidence: list[Evidence]
    explanation: str
    confidence: float


@dataclass
class Story:
    """A group of articles about the same event.

    ``id`` stays the same while the story grows (see :mod:`pressdiff.stories`).
    The other fields describe the articles for listings: ``input_ids`` are the
    ids the articles had in their input, in ``article_ids`` order;
    ``outlets`` each outlet once, in article order; the dates are the
    earliest and latest ``published`` as the articles gave them.
    """

    id: str
    article_ids: list[str]
    title: str | None = None
    input_ids: list[str | None] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    first_published: str | None = None
    last_published: str | None = None


def span_evidence(article: Article, start: int, end: int) -> Evidence:
    """Evidence for ``article.text[start:end]`` (keeps offsets and text in step)."""
    return Evidence(article.id, start, end, article.text[start:end])


def to_jsonable(value: Any) -> Any:
    """Convert records (nested dataclasses, lists, dicts) to JSON-ready values.

    ``Article.doc``, ``Article.vectors``, ``Article.original`` and
    ``Article.tokens`` are left out: the Doc is a live object, the vectors are
    numbers for the analyses, the original is only needed to locate removed
    debris (whose text is kept in ``removed``), and tokens are bulky and
    recomputable.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            if isinstance(value, Article) and f.name in ("doc", "vectors", "original", "tokens"):
                continue
            out[f.name] = to_jsonable(getattr(value, f.name))
        return out
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def from_jsonable(kind: Any, value: Any) -> Any:
    """Rebuild records of type ``kind`` from what :func:`to_jsonable` made of them.

    The inverse needs the target type because JSON forgets it; the record
    classes' own type hints (``list[Finding]``, ``dict[str, list[Quote]]``,
    ``tuple[int, int]``, ``str | None``) say what each value becomes, so a
    stored analysis comes back as the same records the analyses returned.
    """
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        return kind(**{k: from_jsonable(hints[k], v) for k, v in value.items() if k in fields})
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        return [from_jsonable(args[0], v) for v in value]
    if origin is dict:
        return {k: from_jsonable(args[1], v) for k, v in value.items()}
    if origin is tuple:
        return tuple(from_jsonable(t, v) for t, v in zip(args, value, strict=True))
    if origin in (typing.Union, types.UnionType):
        return from_jsonable(next(a for a in args if a is not type(None)), value)
    if kind is float:
        return float(value)
    return value
