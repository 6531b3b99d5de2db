"""Direct quotes in one parsed text, with the speaker and the cue that names them.

The quoted stretches come from the marks (:mod:`.marks`); the attribution
comes from the dependency parse, because the cue is grammatically the verb
that governs the quote: in “…,” Baldwin said and Baldwin said, “…” alike,
the quote's own verb hangs under "said".  Walking up from the quote to the
first speech verb outside it finds the cue on either side of the quote and
for partial quotes embedded in a sentence (he has “no idea” how …).  When
the sentence has no cue, the speaker is carried over from the quote just
before (a quote continued in the next paragraph) or taken from a cue in the
sentence before ("Baldwin explained what happened.").  The parse is followed
only within the quote's own paragraph (the parser runs sentences over
paragraph breaks), and words inside quotes never name the speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from pressdiff.config import settings
from pressdiff.lexicon import PHRASAL_SPEECH, SPEECH_VERBS, WORD_RE
from pressdiff.marks import Quoted, find_quoted
from pressdiff.model import Quote
from pressdiff.quotes.people import People, entity_of

_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_NEXT_CLAUSE_END = re.compile(r"[.!?:\n]")


@dataclass
class _Attribution:
    speaker: Span | None
    cue: tuple[int, int]


def _char_mask(doc: Doc, quoted: list[Quoted]) -> list[bool]:
    """For each token: does it lie inside a quote?"""
    inside = [False] * len(doc)
    for q in quoted:
        for a, b in q.parts:
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    inside[i] = True
    return inside


def _paragraphs(doc: Doc) -> list[int]:
    """For each token: the number of its paragraph (line breaks part paragraphs).

    The small parser often runs one sentence over a paragraph break (a quote's
    paragraph and the next one become one tree), but a cue in another paragraph
    is never the quote's: each paragraph of a news text is written to stand alone.
    """
    ids: list[int] = []
    current = 0
    for tok in doc:
        if "\n" in tok.text:
            current += 1
        ids.append(current)
    return ids


def _quote_tokens(doc: Doc, q: Quoted) -> list[Token]:
    toks: list[Token] = []
    for a, b in q.parts:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            toks.extend(span)
    return toks


def _subject(verb: Token, inside: list[bool]) -> Span | None:
    """The speaker phrase of a cue verb: its subject, the agent of a passive,
    or the subject of the verb it hangs from ("…," he said, adding …).

    Words inside a quote are never the speaker: where the parser makes a quoted
    noun the subject (“Very good reporter,” Trump said), the name next to the
    verb is taken instead.  A subject that cannot speak (a live-blog time stamp
    "6:50 p.m." the parser hangs on the next paragraph's verb) or a quoted noun
    the parser made a second subject (“…, the foundation, …,” said a person
    close to the Clintons) is passed over for the verb's other subject.  A verb
    hung on a word inside the quote (“…,” Ramos, 58, told AFP, with "told" a
    conjunct of the quote's "were") takes its speaker from outside the quote."""
    agent = _passive_agent(verb, inside)
    if agent is not None:
        return agent
    # Nearest first: of two subjects the parse gives one verb, the one beside it is
    # the subject ("Speaking in Salem, New Hampshire, Trump went after Bush, calling …").
    for child in sorted(verb.children, key=lambda c: abs(verb.i - c.i)):
        if child.dep_ not in _SUBJECT_DEPS:
            continue
        if child.lower_ == "who" and verb.dep_ == "relcl":
            # "Sanders, who said …": the relative pronoun stands for the noun it follows.
            child = verb.head
        elif child.lower_ in ("that", "which", "this"):
            continue
        elif child.lower_ == "it" and not _is_speech_verb(verb):
            continue  # "It's the pull of Obama's “…” promise": no source at all
        phrase = _phrase(child)
        if not _can_speak(phrase):
            continue
        if any(inside[t.i] for t in phrase):
            continue  # a quoted word taken for the subject: the speaker is named outside
        return phrase
    head = verb.head
    naming = verb.lemma_ in ("call", "dub", "label", "brand", "describe", "characterize")
    if verb.dep_ == "acl" and head.i < verb.i and _follows_quote(head, inside):
        # “…!” the presumptive GOP presidential nominee, Donald Trump, tweeted: the
        # parser read the verb as a clause on the noun after the quote, its subject.
        phrase = _phrase(head)
        if _can_speak(phrase):
            return phrase
    if verb.dep_ == "acl" and head.pos_ == "NOUN" and not inside[head.i] and not naming:
        # "His office put out a statement saying …": the statement speaks for its issuer
        # (a formula "called" something by its opponents is no statement of theirs).
        issuer = _issuer(head)
        if issuer is not None:
            return issuer
    # A verb hung on the quote's own verb is no reporting clause: its speaker is outside.
    if verb.dep_ in ("conj", "advcl", "xcomp", "acl") and head.i != verb.i and not inside[head.i]:
        return _subject(_reporting_verb(head, inside) or head, inside)
    # "Bolton distanced himself … by saying he would …": the participle under a
    # preposition shares the subject of the verb the preposition hangs on; not a
    # passive one ("His comments came after being asked …"): that subject was asked.
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and not passive:
        above = head.head
        if above.pos_ in ("VERB", "AUX") and not inside[above.i]:
            return _subject(_reporting_verb(above, inside) or above, inside)
    return (
        _name_after_quote(verb, inside)
        or _inverted_subject(verb, inside)
        or _named_neighbour(verb, inside)
    )


def _quote_end_before(doc: Doc, i: int, inside: list[bool]) -> int | None:
    """The quoted word that token ``i`` follows with only unquoted punctuation (marks,
    commas) between (“…,” said …), or None when a word comes between."""
    j = i - 1
    while j >= 0 and doc[j].is_punct and not inside[j]:
        j -= 1
    return j if j >= 0 and inside[j] else None


def _follows_quote(tok: Token, inside: list[bool]) -> bool:
    """Does the phrase of ``tok`` open right after a quote (marks and commas between)?"""
    return _quote_end_before(tok.doc, tok.left_edge.i, inside) is not None and not inside[tok.i]


def _passive_agent(verb: Token, inside: list[bool]) -> Span | None:
    """The by-agent of a passive speech verb: whoever does the asking speaks
    (Sanders was asked by host Bill Maher, “…”: the quote is Maher's question),
    not the one asked.  "X was quoted by Y" keeps X: Y only passes X's words on."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    if not passive or not _is_speech_verb(verb) or verb.lemma_ in ("quote", "cite"):
        return None  # "X was joined by Y and joked, “…”": the joke is still X's
    for child in verb.children:
        if child.dep_ == "agent":
            pobj = _object_of(child)
            if pobj is not None and not inside[pobj.i]:
                return _phrase(pobj)
    return None


def _object_of(preposition: Token) -> Token | None:
    """The object of a preposition ("by" → "Maher", "of" → "witnesses")."""
    return next((c for c in preposition.children if c.dep_ == "pobj"), None)


def _name_after_quote(verb: Token, inside: list[bool]) -> Span | None:
    """The name that opens the words between a quote and its verb (“…,” Trump,
    the front-runner in South Carolina, said; “…,” Ramos, 58, told AFP): the
    speaker, with its apposition after it, where the parse gives the verb no
    subject outside the quote (it took the quote for the subject, or hung the
    name on the verb as a compound).  Only the first word after the quote counts:
    a name further on ("the president's refusal to call Obama …") is no speaker."""
    doc = verb.doc
    start = verb.i
    while start > verb.sent.start and not inside[start - 1]:
        start -= 1
    before = _quote_end_before(doc, start, inside)
    if before is None:
        return None
    words = [t for t in doc[before + 1 : verb.i] if not t.is_punct]
    if not words or any("\n" in t.text for t in words):
        return None
    first = words[0]
    if first.ent_type_ in ("PERSON", "ORG") or (first.pos_ == "PROPN" and not first.ent_type_):
        return _phrase(first)
    return None


def _inverted_subject(verb: Token, inside: list[bool]) -> Span | None:
    """The speaker named right after the verb in an inverted attribution (“…,”
    said Skelly; “…,” added another New Hampshire Democrat), which the parser
    often reads as an object or adverb of the verb.  Only after a quote: the
    order verb–speaker is the news convention for a cue that follows the quote."""
    doc = verb.doc
    before = _quote_end_before(doc, verb.i, inside)
    if before is None or before == verb.i - 1:
        return None
    end = verb.i + 1
    while (
        end < len(doc)
        and not inside[end]
        and (
            doc[end].pos_ in ("DET", "ADJ", "PROPN", "NOUN", "NUM")
            or doc[end].lower_ in _MEMBERS
            or (doc[end].text == "-" and end > verb.i + 1)
        )
    ):
        end += 1
    phrase = doc[verb.i + 1 : end]
    if not phrase or not (
        phrase[-1].pos_ in ("PROPN", "NOUN") or _is_age(phrase) or phrase.text.lower() in _MEMBERS
    ):
        return None
    return phrase if _can_speak(phrase) else None


def _is_age(phrase: Span) -> bool:
    """An age standing for the person: "the 46-year-old", "a 29-year-old"."""
    return phrase.text.lower().replace(" ", "").endswith(("year-old", "years-old"))


def _is_speech_verb(tok: Token) -> bool:
    """A verb that introduces reported speech: a speech-verb lemma, or a phrasal
    verb that means speaking only with its particle ("went on", "shot back")."""
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    return lemma in SPEECH_VERBS or any(
        (lemma, c.lower_) in PHRASAL_SPEECH for c in tok.children if c.dep_ in ("prt", "advmod")
    )


def _reporting_verb(node: Token, inside: list[bool]) -> Token | None:
    """The speech verb whose reported clause ``node`` is, if any.

    A participle or second verb without a subject ("…, adding", "and predicted")
    shares the subject of the reporting clause, but the parser often hangs it on
    the verb of the reported clause instead: in 'Sanders said the process could
    be “messy,” adding, “…”' "adding" hangs on "be", whose subject is "the
    process".  The speaker is the subject of the speech verb above ("said").
    A speech verb inside a quote reports nothing of the article's ("Weaver
    didn't seem impressed, telling reporters, “A lot of people said …”" with
    "seem" hung on the quoted "said")."""
    for _ in range(4):
        if inside[node.i]:
            return None
        if _is_speech_verb(node):
            return node
        if node.dep_ not in ("ccomp", "conj", "advcl", "xcomp") or node.head.i == node.i:
            return None
        node = node.head
    return None


def _named_neighbour(verb: Token, inside: list[bool]) -> Span | None:
    """When the parse gives a speech verb no subject ("her adviser, Jake Sullivan,
    said:", "said Sullivan"), the nearest name just before it, else just after.

    A name another word governs as its object is spoken of, not speaking ("he only
    hinted at Donald Trump by mentioning …", "on Twitter before claiming …").  Of
    the objects, only the verb's own after it (“…,” added Gowdy) is inverted
    speech, and a name right before the verb is its speaker however tagged
    ("screenwriter Cole Haddon wrote", with "screenwriter" read as a verb)."""
    sent = verb.sent
    before = range(verb.i - 1, max(sent.start, verb.i - 9) - 1, -1)
    after = range(verb.i + 1, min(sent.end, verb.i + 4))
    for i in (*before, *after):
        tok = verb.doc[i]
        if (tok.is_punct and tok.text in '.!?;“”"') or inside[i]:
            continue
        if tok.ent_type_ in ("PERSON", "ORG"):
            phrase = _phrase(tok)
            role, head = phrase.root.dep_, phrase.root.head
            inverted = head.i == verb.i and i > verb.i
            beside = phrase.end == verb.i
            if not beside and (role == "pobj" or (role in ("dobj", "dative") and not inverted)):
                continue
            return phrase
    return None


# Pronouns that stand for a clause or a thing, never for a speaker.
_RELATIVE = frozenset({"what", "which", "that", "this", "it", "who", "there"})
# Words standing for one member of a group named before ("…,” tweeted another).
_MEMBERS = frozenset({"one", "another"})
_SOURCE_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_NOT_SPEAKERS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})


def _can_speak(phrase: Span) -> bool:
    """False for subjects that cannot be a source: times and numbers ("2:40 p.m.",
    "Saturday"), live-blog labels ("The Latest"); an age ("the 46-year-old")
    is a person even though the tagger calls it a date."""
    root = phrase.root
    if _is_age(phrase) or root.lower_ in _MEMBERS:
        return True  # "said one of two witnesses": "one" stands for a member of a group
    if root.ent_type_ in _NOT_SPEAKERS or phrase.text in ("The Latest",):
        return False
    # A capitalised subject the tagger took for a verb ("Trump shot back") is a name.
    named = root.is_title and root.dep_ in _SUBJECT_DEPS and root.pos_ == "VERB"
    return root.pos_ in ("PROPN", "NOUN", "PRON") or bool(root.ent_type_) or named


def _phrase(tok: Token) -> Span:
    """The words naming a speaker: a named entity whole, else the noun with its
    determiners, adjectives, compounds and possessor ("another source", "the
    actor", "Sanders’ fundraising email": the possessor is who the email speaks for);
    "one" with the group it is one of ("one of two witnesses")."""
    doc = tok.doc
    if tok.lower_ == "one":
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = _object_of(of) if of else None
        if pobj is not None and pobj.i > tok.i:
            return doc[tok.i : pobj.i + 1]
    ent = entity_of(tok)
    if ent is not None:
        return ent
    start = tok.i
    for left in reversed(list(tok.lefts)):
        if left.dep_ == "poss" and left.right_edge.i == start - 1:
            start = left.left_edge.i  # the possessor with its "’s" and its own words
        elif left.i == start - 1 and left.dep_ in ("det", "amod", "compound", "nmod"):
            start = left.i
        else:
            break
    return doc[start : tok.i + 1]


def _according_to(tok: Token) -> Span | None:
    if tok.lower_ == "according":
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is not None:
            pobj = _object_of(to)
            if pobj is not None:
                return _phrase(pobj)
    return None


def _cue_of(tok: Token, inside: list[bool]) -> _Attribution | None:
    """An attribution if ``tok`` is a cue outside the quote."""
    if _is_speech_verb(tok):
        return _Attribution(_subject(tok, inside), (tok.idx, tok.idx + len(tok.text)))
    speaker = _according_to(tok)
    if speaker is not None:
        return _Attribution(speaker, (tok.idx, tok.idx + len("according to")))
    return None


def _governing_cue(toks: list[Token], inside: list[bool], para: list[int]) -> _Attribution | None:
    """Walk up the parse from the quote to the nearest cue outside it.

    The walk may pass through other quotes (he said the “trigger wasn't
    pulled” and that he “didn't pull the trigger”) but a cue is never a word
    inside a quote, nor a word of another paragraph."""
    cfg = settings().quotes
    aside = _parenthetical_cue(toks, inside, para)
    if aside is not None:
        return aside
    own = {t.i for t in toks}
    seen: set[int] = set()
    best: tuple[int, _Attribution] | None = None
    for tok in toks:
        if tok.head.i not in own or tok.head.i == tok.i:
            node, depth = tok.head, 0
            while node.i not in seen and depth < cfg.max_climb and para[node.i] == para[tok.i]:
                seen.add(node.i)
                if not inside[node.i]:
                    found = _cue_of(node, inside) or _owned_words(node, inside)
                    if found is not None and found.speaker is not None:
                        found = _outer_report(node, toks[0], inside, para) or found
                        if best is None or depth < best[0]:
                            best = (depth, found)
                        break
                    for child in node.children:
                        if child.lower_ == "according" and not inside[child.i]:
                            found = _cue_of(child, inside)
                            if found is not None:
                                best = best or (depth, found)
                if node.head.i == node.i:
                    break
                node, depth = node.head, depth + 1
    return best[1] if best else None


# Nouns naming what someone said ("his comment that …", "her claim that …").
_SPEECH_NOUNS = frozenset(
    """
    comment claim remark statement call assertion promise vow pledge demand conclusion
    suggestion warning response answer argument accusation insistence declaration
    description words phrase question message tweet slogan catchphrase line mantra refrain
    quip joke view contention admission boast threat prediction
    """.split()  # noqa: SIM905 (a word list reads better than quoted strings)
)


def _owned_words(noun: Token, inside: list[bool]) -> _Attribution | None:
    """A noun of speech with its owner ("Trump stood by his comment Monday that “Islam
    hates us”"; "Donald Trump’s claim that President Barack Obama “founded ISIS”";
    "the suggestion by a potential president that someone “ought to look into”"):
    the possessor, or the agent after "by", said the words.  Not where a speech
    verb above reports on the noun ("Aides have suggested Sanders's call for a
    “Medicare for all” system"): that verb's subject is the source."""
    if noun.pos_ != "NOUN" or noun.lemma_.lower() not in _SPEECH_NOUNS:
        return None
    node = noun
    while node.head.i != node.i and not inside[node.head.i]:
        node = node.head
        if _is_speech_verb(node):
            return None
    cue = (noun.idx, noun.idx + len(noun.text))
    for child in noun.children:
        if child.dep_ == "poss" and not inside[child.i]:
            return _Attribution(_phrase(child), cue)
        if child.dep_ == "prep" and child.lower_ == "by":
            agent = _object_of(child)
            if agent is not None and not inside[agent.i]:
                return _Attribution(_phrase(agent), cue)
    return None


def _parenthetical_cue(
    toks: list[Token], inside: list[bool], para: list[int]
) -> _Attribution | None:
    """A reporting clause set off inside the quote's sentence ("CNN, Cruz said, called
    the announcement “highly significant”"; "no different, he said, from George H.W.
    Bush calling Ronald Reagan's policies “voodoo economics”"), which the parser hangs
    on the sentence as a parataxis: it reports the whole sentence, so it wins over a
    nearer cue of the sentence's own ("called", "calling").  Not one right after
    another quote (“I never said that,” Trump said, after …): that one is its own."""
    cfg = settings().quotes
    node = toks[0]
    for _ in range(cfg.max_climb):
        if node.head.i == node.i or para[node.head.i] != para[toks[0].i]:
            return None
        node = node.head
        if inside[node.i]:
            continue
        for verb in (node, *node.children):
            if verb.dep_ != "parataxis" or inside[verb.i] or para[verb.i] != para[node.i]:
                continue
            if _is_speech_verb(verb) and not _follows_quote(verb, inside):
                found = _cue_of(verb, inside)
                if found is not None and found.speaker is not None:
                    return found
    return None


def _outer_report(
    verb: Token, first: Token, inside: list[bool], para: list[int]
) -> _Attribution | None:
    """The report a cue is itself part of, when the quote sits in a reported clause
    within another ("Rep. Steve Israel said Clinton called on members to be “closely
    coordinated”"; "Trump said Fox executives were calling “every 15 minutes”"):
    the words are those of the outer speaker, who chose them, not of the person
    the clause reports on.  The outer cue must come first, the inner one before
    the quote: a cue after the quote (“…,” Lewandowski added) or a report after it
    ("…, the Times reported") frames no clause.  A full sentence opened by a comma
    or colon after the inner cue (he told one FBI agent, “I'd say …”) is the inner
    speaker's own, and a report by "it" (a document) names no one we can resolve."""
    doc = verb.doc
    mark = first.i - 1
    while mark >= 0 and doc[mark].is_punct and doc[mark].text not in ",:":
        mark -= 1
    if verb.i > first.i or (mark >= 0 and doc[mark].text in ",:" and first.is_title):
        return None
    node = verb
    for _ in range(3):
        if node.dep_ not in ("ccomp", "xcomp") or node.head.i == node.i:
            return None
        node = node.head
        if inside[node.i] or para[node.i] != para[verb.i] or node.i > verb.i:
            return None
        found = _cue_of(node, inside)
        if found is not None and found.speaker is not None:
            return None if found.speaker.root.lower_ == "it" else found
    return None


def _as_clause_cue(toks: list[Token], inside: list[bool], para: list[int]) -> _Attribution | None:
    """An "as" clause of speech on the quote's sentence ("as the nationalist Global
    Times tabloid noted in an op-ed Thursday, the leading GOP candidate “has …”";
    "As Vulture put it, “…”"): the clause hangs under the quote's own verb or
    a verb above it, below the quote, where the climb from the quote never looks."""
    nodes: list[Token] = []
    for tok in toks:
        node = tok
        while para[node.i] == para[toks[0].i] and node not in nodes:
            nodes.append(node)
            if node.head.i == node.i:
                break
            node = node.head
    for node in nodes:
        for child in node.children:
            if child.dep_ != "advcl" or inside[child.i]:
                continue
            if not any(c.dep_ == "mark" and c.lower_ == "as" for c in child.children):
                continue
            # The reported words are the sentence's: a clause with an object of its own
            # ("Even as Clinton was criticizing Trump, she came under fire …") reports
            # something else; "it" alone stands for the words ("As Vulture put it").
            objects = [c.lower_ for c in child.children if c.dep_ == "dobj"]
            if objects not in ([], ["it"]):
                continue
            if _is_speech_verb(child) or (child.lemma_ == "put" and objects == ["it"]):
                speaker = _subject(child, inside)
                if speaker is not None:
                    return _Attribution(speaker, (child.idx, child.idx + len(child.text)))
    return None


def _nearby_cue(doc: Doc, toks: list[Token], inside: list[bool]) -> _Attribution | None:
    """A cue in the sentences the quote touches when the parse does not link them
    (parsers often split “…,” he said. into two sentences), or between the
    halves of a split quote, where the parser hangs the cue under the quote's
    own verb (“Word is,” Trump said last month on Twitter, “that Ford …”)."""
    first, last = toks[0], toks[-1]
    own = {t.i for t in toks}
    gap = [t for t in doc[first.i : last.i] if t.i not in own]
    # After a sentence of speech the speaker may come with a title and apposition
    # before the verb (“…!” the presumptive GOP presidential nominee, Donald Trump,
    # tweeted); a scare-quoted word or two gets only the nearer cues.
    reach = 16 if sum(t.is_alpha for t in toks) >= 4 else 10
    window = [*doc[max(0, first.i - 12) : first.i], *gap, *doc[last.i + 1 : last.i + reach]]
    best: tuple[int, _Attribution] | None = None
    for tok in window:
        if inside[tok.i] or "\n" in tok.text:
            continue
        found = _cue_of(tok, inside)
        if found is None or found.speaker is None:
            continue
        # A cue separated from the quote by a sentence end belongs to another sentence.
        anchor = first.i if tok.i < first.i else max(i for i in own if i < tok.i)
        lo, hi = sorted((tok.i, anchor))
        between = doc[lo + 1 : hi]
        if any(t.text in (".", "!", "?") and not inside[t.i] for t in between):
            continue
        if any("\n" in t.text for t in between):
            continue
        dist = hi - lo
        if best is None or dist < best[0]:
            best = (dist, found)
    return best[1] if best else None


def _colon_before(doc: Doc, toks: list[Token], inside: list[bool]) -> int | None:
    """The index of a colon that introduces the quote (marks and spaces between)."""
    i = toks[0].i - 1
    while i >= 0 and (doc[i].is_space or doc[i].text in "“\"‘'"):
        i -= 1
    if i < 1 or doc[i].text != ":" or inside[i - 1]:
        return None
    return i


def _name_at_colon(doc: Doc, toks: list[Token], inside: list[bool]) -> _Attribution | None:
    """A name alone before the colon that introduces the quote, after a dash or
    at the start of its sentence ("Pollsters agree - Carl Bialik: “…”"): the
    digest or transcript form, which names the speaker more closely than the
    verb before the dash ("agree") that the parse links the quote to."""
    i = _colon_before(doc, toks, inside)
    if i is None:
        return None
    before = doc[i - 1]
    named = before.ent_type_ in ("PERSON", "ORG") or before.pos_ == "PROPN"
    if not named and before.pos_ != "NOUN":
        return None
    name = _phrase(before)
    lead = doc[name.start - 1] if name.start > 0 else None
    # A spaced dash ("problematic - Pew Research:"), not a hyphen ("back-handed compliment:").
    dash = lead is not None and lead.text in ("-", "—", "–") and bool(lead.whitespace_)
    if dash or (named and (lead is None or lead.is_space or lead.is_sent_end)):
        return _Attribution(name, (doc[i].idx, doc[i].idx + 1))
    return None


def _colon_speaker(doc: Doc, toks: list[Token], inside: list[bool]) -> _Attribution | None:
    """A colon introducing the quote after a clause: "Stated Stone: “…”", "as
    Pollak observed, the winner was the stage itself: “…”"."""
    i = _colon_before(doc, toks, inside)
    if i is None:
        return None
    colon = doc[i]
    before = doc[i - 1]
    if before.ent_type_ in ("PERSON", "ORG") or (before.pos_ == "PROPN" and before.i > 0):
        # "More from Jones: “…”": the name at the colon is the speaker.
        return _Attribution(_phrase(before), (colon.idx, colon.idx + 1))
    clause: list[Token] = []
    j = i - 1
    while j >= 0 and len(clause) < 40 and not inside[j]:
        if doc[j].text in (".", "!", "?") or "\n\n" in doc[j].text:
            break
        clause.append(doc[j])
        j -= 1
    for tok in clause:  # nearest first
        found = _cue_of(tok, inside)
        if found is not None:
            if found.speaker is None:  # inverted: "Stated Stone:"
                after = [t for t in doc[tok.i + 1 : i] if t.pos_ == "PROPN"]
                found.speaker = _phrase(after[-1]) if after else None
            if found.speaker is not None:
                return found
    if before.pos_ == "NOUN":
        # "Clinton issued the following statement: “…”": the statement is the issuer's;
        # "he returned to his familiar lines: “…”": the lines are the clause subject's.
        # A named possessor speaks for itself ("a blind faith in Obama’s word: “…”").
        named = any(c.dep_ == "poss" and c.pos_ == "PROPN" for c in before.children)
        speaker = _issuer(before) or (None if named else _subject_above(before, inside))
        return _Attribution(speaker or _phrase(before), (colon.idx, colon.idx + 1))
    if before.pos_ in ("VERB", "AUX", "ADV", "ADP"):
        # "Clinton has since apologized for what happened: “…”"; "Goldberg imagined
        # Christie was thinking: “…”": a sentence that ends on the colon introduces
        # the words of its main verb's subject, if a name or a personal pronoun.
        root = before
        while root.head.i != root.i and not inside[root.head.i]:
            root = root.head
        subject = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None and not inside[subject.i] and subject.lower_ not in _RELATIVE:
            speaker = _phrase(subject)
            # "conservative commentator Jonah Goldberg": the title with its name in apposition.
            named = any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in subject.children)
            if named or subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ == "PERSON":
                return _Attribution(speaker, (colon.idx, colon.idx + 1))
    return None


def _subject_above(noun: Token, inside: list[bool]) -> Span | None:
    """The subject of the nearest verb above ``noun`` (its clause's subject), when
    it is outside quotes and can be a source: the one whose words a colon after
    ``noun`` introduces ("Kaine has adopted the stance common among some Catholics
    in public office: “…”" is Kaine's, not "public office")."""
    node = noun
    while node.head.i != node.i:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            subject = next((c for c in node.children if c.dep_ in _SUBJECT_DEPS), None)
            if subject is None:
                continue
            phrase = _phrase(subject)
            if any(inside[t.i] for t in phrase) or not _can_speak(phrase):
                return None
            return phrase
    return None


def _issuer(noun: Token) -> Span | None:
    """The named or personal subject of the verb whose object ``noun`` is; a
    noun with a possessor counts as named ("His office put out a statement")."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.pos_ != "VERB":
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("it", "that", "which", "this"):
        return None
    owned = subject.pos_ == "NOUN" and any(c.dep_ == "poss" for c in subject.children)
    if owned or subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in _SOURCE_ENTS:
        return _phrase(subject)
    return None


def _clause_subject(toks: list[Token], inside: list[bool], para: list[int]) -> _Attribution | None:
    """For a partial quote inside a sentence ("Rubio bemoaned a climate in which
    people “literally hate each other”"), the subject of the sentence's main verb
    (the top of the quote's tree within its paragraph)."""
    root = toks[0]
    while root.head.i != root.i and para[root.head.i] == para[toks[0].i]:
        root = root.head
    if inside[root.i] or root.pos_ not in ("VERB", "AUX"):
        return None
    speaker = _subject(root, inside)
    if speaker is None or any(inside[t.i] for t in speaker):
        return None
    # Without a speech verb, only a named or personal subject is taken as the source
    # ("the process is “messy”" does not make "the process" a speaker).
    if speaker.root.pos_ not in ("PROPN", "PRON") and speaker.root.ent_type_ not in _SOURCE_ENTS:
        return None
    return _Attribution(speaker, (root.idx, root.idx + len(root.text)))


# Words a short speaker phrase right after a quote may hold ("a voice-over in the ad").
_PHRASE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM", "ADP", "PART"})


def _mistagged_cue(
    doc: Doc, text: str, q: Quoted, toks: list[Token], inside: list[bool]
) -> _Attribution | None:
    """A speech verb the tagger read as a noun after a quote that breaks off on a
    comma, question or exclamation mark (“…,” the email read; “…,” the two write;
    “…,” the Saudis state in the white paper): a short noun phrase, then a word
    of a speech verb's lemma and the end of the clause is the news attribution
    order, whatever the tags say.  Taken only where the parse found no cue.
    ``text`` is ``doc.text``, passed in because spaCy joins it from every token
    on each access: read once per quote, it made extraction quadratic."""
    if text[q.end - 1] not in ",?!":
        return None
    i = toks[-1].i + 1
    while i < len(doc) and doc[i].is_punct and not inside[i]:
        i += 1
    start = i
    for i in range(start, min(len(doc), start + 7)):
        word = doc[i]
        if inside[i]:
            break
        after = doc[i + 1] if i + 1 < len(doc) else None
        ends = after is None or after.is_punct or after.is_space or after.pos_ in ("ADP", "SCONJ")
        if i > start and word.lemma_.lower() in SPEECH_VERBS and ends:
            phrase = doc[start:i]
            cut = next((t.i for t in phrase if t.pos_ == "ADP" and t.i > start), i)
            phrase = doc[start:cut]
            last = phrase[-1]
            named = last.pos_ in ("NOUN", "PROPN") and last.ent_type_ not in _NOT_SPEAKERS
            # "the two write", "the editorial read": a determiner makes a noun of the word.
            nominal = last.pos_ in ("NUM", "ADJ") and len(phrase) == 2 and phrase[0].pos_ == "DET"
            if named or nominal:
                return _Attribution(phrase, (word.idx, word.idx + len(word.text)))
            return None
        if word.pos_ not in _PHRASE_POS:
            break
    return None


def _sentence_before_cue(doc: Doc, toks: list[Token], inside: list[bool]) -> _Attribution | None:
    """A cue in the sentence just before a quote that stands alone."""
    sent = toks[0].sent
    own = [t for t in sent if not inside[t.i] and not t.is_punct and not t.is_space]
    if own or sent.start == 0:
        return None
    prev = doc[sent.start - 1].sent
    for tok in prev:
        if not inside[tok.i]:
            found = _cue_of(tok, inside)
            if found is not None and found.speaker is not None:
                return found
    return None


def _merge_split(doc: Doc, quoted: list[Quoted]) -> list[Quoted]:
    """Join the halves of a quote split by an attribution, or only by a space:
    “I'm not going to,” he said, “pull the trigger”.

    Two quotes are halves of one only if the first breaks off mid-sentence
    (“…,” he said, “…”) or nothing but a space parts them; and never when the
    second has an attribution of its own (“…,” Clinton said. “Adams?” Maddow
    repeated): that is a reply, not a continuation."""
    cfg = settings().quotes
    text = doc.text
    merged: list[Quoted] = []
    for q in quoted:
        prev = merged[-1] if merged else None
        if prev is not None and not prev.single and not q.single:
            gap = text[prev.end : q.start]
            bare = not gap.strip(" \"“”'‘’")
            # A gap ending in a colon introduces new words (“…,” Cruz said as the
            # heckler yelled: “You suck!”); the attribution of a split quote ends on a comma.
            split = (
                text[prev.end - 1] in ",—–-…"
                and not gap.rstrip(" \"“”'‘’").endswith(":")
                and _has_cue(doc, prev.end + 1, q.start - 1)
            )
            if (
                len(gap) <= cfg.split_gap
                and "\n" not in gap
                and (bare or split)
                and not _has_cue(doc, q.end + 1, _reply_window_end(text, q.end), True)
            ):
                prev.parts.extend(q.parts)
                continue
        merged.append(Quoted(list(q.parts), q.single))
    return merged


def _reply_window_end(text: str, end: int) -> int:
    """Where to stop looking for a second half's own attribution after it.

    When the next sentence ends in a colon, its speech verb introduces the
    next quote (“…,” he said, “…” Later the chief told reporters: “…”), so
    it is not an attribution of the quote just closed: the window is empty."""
    window = min(len(text), end + 40)
    after = _NEXT_CLAUSE_END.search(text, end + 1, min(len(text), end + 160))
    return end + 1 if after is not None and after.group() == ":" else window


def _has_cue(doc: Doc, start: int, end: int, stop_at_sentence: bool = False) -> bool:
    """Is there a speech verb in ``doc.text[start:end]`` (up to a sentence end)?"""
    span = doc.char_span(start, max(start, end), alignment_mode="contract")
    for tok in span if span is not None else []:
        if stop_at_sentence and (
            tok.text in (".", "!", "?") or tok.text in '“"' or "\n" in tok.text
        ):
            return False
        if _is_speech_verb(tok):
            return True
    return False


def quote_text(text: str, parts: list[tuple[int, int]]) -> str:
    return " ".join(text[a:b] for a, b in parts)


def extract_doc(doc: Doc, people: People) -> list[Quote]:
    """The direct quotes of a parsed text, attributed and resolved with ``people``."""
    cfg = settings().quotes
    text = doc.text
    quoted = _merge_split(doc, find_quoted(text))
    inside = _char_mask(doc, quoted)
    para = _paragraphs(doc)
    quotes: list[Quote] = []
    prev: Quote | None = None
    for q in quoted:
        toks = _quote_tokens(doc, q)
        if not toks:
            continue
        attribution = (
            _name_at_colon(doc, toks, inside)
            or _governing_cue(toks, inside, para)
            or _nearby_cue(doc, toks, inside)
            or _as_clause_cue(toks, inside, para)
            or _colon_speaker(doc, toks, inside)
            or _mistagged_cue(doc, text, q, toks, inside)
        )
        words = WORD_RE.findall(quote_text(text, q.parts))
        standalone = _stands_alone(doc, toks, inside, para)
        if attribution is None and standalone:
            attribution = _sentence_before_cue(doc, toks, inside)
        if attribution is None and not standalone and len(words) >= 3:
            # Only for real phrases: a lone scare-quoted word has no speaker.
            attribution = _clause_subject(toks, inside, para)
        quote = Quote(start=q.start, end=q.end, text=quote_text(text, q.parts), parts=list(q.parts))
        if attribution is not None:
            quote.cue_start, quote.cue_end = attribution.cue
            if attribution.speaker is not None:
                sp = attribution.speaker
                quote.speaker_start, quote.speaker_end = sp.start_char, sp.end_char
                quote.speaker = people.resolve(sp, inside)
        elif (
            prev is not None
            and q.start - prev.end <= cfg.max_carry_gap
            and (
                (standalone and len(words) > 1)
                or (
                    "\n" not in text[prev.end : q.start]
                    and _looks_like_speech(words, False, q.single)
                )
            )
        ):
            # A quote that continues the previous speaker's words: alone in its
            # sentence, or later in the paragraph of an attributed quote (“…,”
            # Sanders said to cheers at a rally. “And if we …” when the parser joins
            # the two sentences and finds no cue for the second).
            quote.speaker = prev.speaker
            quote.speaker_start, quote.speaker_end = prev.speaker_start, prev.speaker_end
        if _is_title(words, standalone) or (
            quote.speaker is None and not _looks_like_speech(words, standalone, q.single)
        ):
            continue  # a title, a scare-quoted word or a nickname, not reported speech
        quotes.append(quote)
        prev = quote
    return quotes


def _stands_alone(doc: Doc, toks: list[Token], inside: list[bool], para: list[int]) -> bool:
    """True when the quote's sentence has no words of its own outside the marks
    (words of the sentence in another paragraph do not count)."""
    paragraphs = {para[toks[0].i], para[toks[-1].i]}
    sents = {toks[0].sent.start, toks[-1].sent.start}
    for start in sents:
        sent = doc[start].sent
        if any(not inside[t.i] and t.is_alpha and para[t.i] in paragraphs for t in sent):
            return False
    return True


def _is_title(words: list[str], standalone: bool) -> bool:
    """A capitalised name in marks (the “Rust” film set, a headline “Not Fit To Serve”)
    is a title, not speech; so is a paragraph of capitals alone in its marks, a
    subheading (“DIVISIVE, STUPID AND WRONG”)."""
    if standalone:
        return len(words) >= 2 and all(w.isupper() or w.isdigit() for w in words)
    lower_ok = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "at", "by", "with"}
    return all(w[0].isupper() or w[0].isdigit() or w in lower_ok for w in words)


def _looks_like_speech(words: list[str], standalone: bool, single: bool) -> bool:
    """An unattributed quoted stretch counts as a quote only if it reads like speech:
    a sentence of its own (not one word alone in its marks, a label like “Related:”)
    or a phrase of four words or more."""
    if single:
        return False
    return (standalone and len(words) > 1) or len(words) >= 4
