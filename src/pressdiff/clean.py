"""Remove scraped-page debris from an article, keeping every removal as a labelled span.

Scrapers leave three kinds of debris in news text that later stages would
otherwise mistake for reporting:

* related-link lines ("READ MORE: …", "Related: …", "Click here to …");
* link-widget residue glued into a sentence: an anchor's text runs straight
  into the widget's list of headlines, which ends with "MORE"
  ("…anchor George StephanopoulosGeorge Robert StephanopoulosAlec Baldwin
  turns over … another Trump run MORE that the incident…");
* publisher furniture: a self-promotion sentence tacked onto the last
  paragraph ("X is a daily newspaper published in …"), copyright lines, and
  photo captions that end in a credit ("… is dead. ABC News").

The rules are deliberately conservative: a caption without a credit is kept,
because a rewritten copy's captions are evidence for reuse analysis, and no
rule removes text from the middle of a sentence except the glued widget,
which is recognisable by its missing space and its closing "MORE".

Nothing is dropped silently: each removal becomes a :class:`Removed` with
offsets into the original text and a reason the report shows.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pressdiff.model import Article, RawDocument, Removed
from pressdiff.sentences import sentence_spans

# A whole line that is a link to other content, not reporting.
_LINK_LINE = re.compile(
    r"^[ \t]*(?:READ MORE|Read more|READ ALSO|Read also|RELATED|Related|MORE|See also|"
    r"SEE ALSO|WATCH|Watch|LISTEN|RECOMMENDED|Recommended)\s*[:\-–—|]\s*\S.*$",
    re.MULTILINE,
)
_CALL_TO_ACTION_LINE = re.compile(
    r"^[ \t]*(?:Click here|Sign up|Subscribe|Follow us|Download our app|Share this)\b[^\n]{0,200}$",
    re.MULTILINE,
)
_COPYRIGHT_LINE = re.compile(
    r"^[ \t]*(?:©|\(c\)|Copyright\b)[^\n]{0,200}$|^[^\n]{0,120}\bAll rights reserved\.?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)

# Widget residue: a lowercase letter glued to a capital ("StephanopoulosGeorge")
# opens it, an all-caps "MORE" followed by running text closes it.
_GLUED_WIDGET = re.compile(r"(?<=[a-z])(?=[A-Z])[^\n]{10,600}? MORE(?= [a-z])")

# Publisher self-promotion at the very end of the text.
_SELF_PROMO = re.compile(
    r"(?:(?<=[.!?\"”’])\s+|\n\s*)"
    r"(?P<promo>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,5} is (?:an? |the )?(?:[\w-]+ ){0,4}"
    r"(?:newspaper|news ?(?:paper|site|website|outlet|service|agency|portal)|publication|"
    r"magazine|media (?:company|outlet|group))\b[^\n]*?)\s*$"
)

# A caption paragraph: one or two sentences, then a short credit with no final
# punctuation ("… is dead. ABC News", "… on set. Photo: Getty Images").
_CREDIT = (
    r"(?:(?:Photo|Image|Picture|Credit)s?(?: credit)?:?\s*)?[A-Z][\w&-]*(?:[ ./][A-Z][\w&-]*){0,4}"
)
_CAPTION_PARAGRAPH = re.compile(
    r"^(?P<caption>[^\n]{10,300}?(?:[a-z0-9)]{2}[.!?]|[.!?,][\"”’]))[ \t]+"
    r"(?P<credit>" + _CREDIT + r")[ \t]*$",
    re.MULTILINE,
)


def _normalise(text: str) -> str:
    """Unicode NFC and Unix line endings, so offsets mean the same everywhere."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a whole-line match to swallow its line break, so no hole is left."""
    if end < len(text) and text[end] == "\n":
        end += 1
    return start, end


def find_debris(text: str) -> list[Removed]:
    """All debris spans in ``text``, sorted and non-overlapping."""
    found: list[Removed] = []

    def add(start: int, end: int, reason: str) -> None:
        found.append(Removed(start, end, text[start:end], reason))

    for m in _LINK_LINE.finditer(text):
        add(*_line_span(text, m.start(), m.end()), "related-link line")
    for m in _CALL_TO_ACTION_LINE.finditer(text):
        add(*_line_span(text, m.start(), m.end()), "call-to-action line")
    for m in _COPYRIGHT_LINE.finditer(text):
        add(*_line_span(text, m.start(), m.end()), "copyright line")
    for m in _GLUED_WIDGET.finditer(text):
        # The space after "MORE" stays: it separates the anchor from the next word.
        add(m.start(), m.end(), "related-link widget residue glued into a sentence")
    for m in _CAPTION_PARAGRAPH.finditer(text):
        credit = m.group("credit")
        if not _looks_like_credit(credit):
            continue
        if len(sentence_spans(m.group("caption"))) > 1:
            # Several sentences: reporting that ends in a credit. Only the credit goes.
            add(m.start("credit") - 1, m.end("credit"), f"agency or picture credit ({credit})")
        else:
            add(*_line_span(text, m.start(), m.end()), f"photo caption with credit ({credit})")
    promo = _SELF_PROMO.search(text)
    if promo:
        add(promo.start("promo"), promo.end(), "publisher self-promotion")
    return _merge(found)


# Words that end a picture credit: agencies, platforms, "News", "Press", ...
_CREDIT_TAIL = {
    "News", "Press", "Images", "Image", "Photos", "Photo", "Reuters", "AP", "AFP", "Getty",
    "Twitter", "YouTube", "Youtube", "Instagram", "Facebook", "Bloomberg", "Agencies",
    "Handout", "Supplied", "Times", "Post", "Journal", "Wire", "Shutterstock",
}  # fmt: skip
_NOT_CREDIT = {"NO", "YES", "OK", "UPDATE", "MORE"}


def _looks_like_credit(credit: str) -> bool:
    """Only clear credits count: a "Photo:"/"Credit" prefix, an agency/photographer
    slash ("REUTERS/Stringer"), an all-caps agency name, or a source word at the end.
    A caption without such a credit is kept (see the module docstring)."""
    words = credit.replace("/", " / ").split()
    if credit.startswith(("Photo", "Credit", "Image", "Picture")) or "/" in credit:
        return True
    if credit.isupper() and len(credit) >= 2:
        return credit not in _NOT_CREDIT
    return words[-1] in _CREDIT_TAIL


def _merge(spans: list[Removed]) -> list[Removed]:
    """Drop spans nested in an earlier one; the first (outermost) reason wins."""
    out: list[Removed] = []
    for span in sorted(spans, key=lambda r: (r.start, -r.end)):
        if out and span.start < out[-1].end:
            continue
        out.append(span)
    return out


def content_id(text: str) -> str:
    """The article id: a hash of the cleaned text with whitespace collapsed."""
    canonical = " ".join(text.split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def clean(raw: RawDocument) -> Article:
    """Turn a raw document into an Article whose ``text`` has the debris removed."""
    original = _normalise(raw.text)
    removed = find_debris(original)
    pieces: list[str] = []
    cursor = 0
    for span in removed:
        pieces.append(original[cursor : span.start])
        cursor = span.end
    pieces.append(original[cursor:])
    text = "".join(pieces).strip()
    return Article(
        id=content_id(text),
        source=raw.source,
        outlet=raw.outlet or raw.source,
        text=text,
        original=original,
        title=raw.title,
        url=raw.url,
        published=raw.published,
        input_id=raw.id,
        removed=removed,
    )
