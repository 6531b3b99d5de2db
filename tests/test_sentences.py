"""The one splitter for text without a parse, on sentences from FNC-1 bodies and the example."""

from pressdiff.sentences import sentence_spans, sentence_starts_within, split_sentences


def test_abbreviations_end_no_sentence() -> None:
    # FNC-1 quotes that a split at every full stop cut in two.
    for text in (
        "We have seen a video that purports to be the murder of U.S. citizen James Foley by ISIL,",
        "because at this point Mr. Brown is defenseless -- he has no weapon,",
        "At about 11 a.m. ET on Thursday (November 06, 2014), our beloved actor passed away.",
    ):
        assert split_sentences(text) == [text]


def test_sentences_end_at_stops_questions_and_ellipses() -> None:
    text = (
        "I don't shoot to the lens of my camera. In her direction! Why? "
        "She's trying to tell me how to position it… After that, I release the hammer."
    )
    assert split_sentences(text) == [
        "I don't shoot to the lens of my camera.",
        "In her direction!",
        "Why?",
        "She's trying to tell me how to position it…",
        "After that, I release the hammer.",
    ]


def test_spans_are_offsets_into_the_text_and_closing_marks_stay() -> None:
    text = '  He said "it went off." The gun   was a prop.\n'
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ['He said "it went off."', "The gun   was a prop."]


def test_a_sentence_starts_in_a_gap_only_after_an_end_mark() -> None:
    text = "After that, I release the hammer. The gun explodes, he said."
    hammer_end = text.index("hammer") + len("hammer")
    assert sentence_starts_within(text, hammer_end, text.index("The"))
    explodes_end = text.index("explodes") + len("explodes")
    assert not sentence_starts_within(text, explodes_end, text.index("he said"))


def test_a_question_with_a_space_before_its_mark_is_two_sentences() -> None:
    # A caption from FNC-1 that the old rule (a lower-case letter right before the
    # mark) read as one sentence, so the whole paragraph was dropped as a caption.
    caption = (
        "So how will they know if you are overweight ? "
        "Will they ask you what you weigh and trust your answer?"
    )
    assert len(sentence_spans(caption)) == 2


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert sentence_spans("") == ()
    assert split_sentences(" \n ") == []
