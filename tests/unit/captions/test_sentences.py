from rep_video.captions.sentences import MAX_UNIT_CHARS, caption_units, split_sentences, weight


def test_sentences_end_at_stops_and_line_breaks() -> None:
    script = "Hello Dr. Ng! The dose is 2.5 mg daily. Is that clear?\nSee you soon"
    assert split_sentences(script) == [
        "Hello Dr. Ng!",
        "The dose is 2.5 mg daily.",
        "Is that clear?",
        "See you soon",
    ]


def test_abbreviations_and_lowercase_continuations_do_not_end_a_sentence() -> None:
    script = "Take it approx. twice a day, e.g. with food. Then stop."
    assert split_sentences(script) == ["Take it approx. twice a day, e.g. with food.", "Then stop."]
    assert split_sentences("Wir sehen uns z.B. am Montag. Danke.") == [
        "Wir sehen uns z.B. am Montag.",
        "Danke.",
    ]


def test_japanese_sentences() -> None:
    assert split_sentences("本日はありがとうございました。資料をお送りします。") == [
        "本日はありがとうございました。",
        "資料をお送りします。",
    ]


def test_long_sentences_are_cut_at_clauses_near_their_middle() -> None:
    sentence = (
        "In the phase three study, patients over sixty-five who took the lower dose had "
        "fewer side effects, and most of them stayed on treatment for the whole year."
    )
    units = caption_units(sentence)
    assert units == [
        "In the phase three study,",
        "patients over sixty-five who took the lower dose had fewer side effects,",
        "and most of them stayed on treatment for the whole year.",
    ]
    assert all(len(u) <= MAX_UNIT_CHARS for u in units)
    assert " ".join(units) == sentence


def test_text_without_spaces_or_clauses_is_cut_by_length() -> None:
    units = caption_units("あ" * 200)
    assert all(len(u) <= MAX_UNIT_CHARS for u in units)
    assert "".join(units) == "あ" * 200


def test_weight_grows_with_what_there_is_to_say() -> None:
    assert weight("Thank you.") < weight("Thank you for meeting with me today.")
    assert weight("ありがとう") > weight("arigato") / 2
