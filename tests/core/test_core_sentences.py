"""Sentence/clause units: the unit every theme and feeling is attached to."""

from __future__ import annotations

import pyarrow as pa

from empathic.text.sentences import split_sentences, split_units


def units(text: str) -> list[str]:
    return [text[s:e] for s, e in split_units(text)]


def test_contrast_splits_mixed_opinions() -> None:
    assert units("Love the fabric but it runs small.") == ["Love the fabric", "but it runs small."]


def test_sentences_split_on_terminal_punctuation_and_newlines() -> None:
    text = "Delivery was fast. The price was too high!\nWill order again?"
    assert units(text) == ["Delivery was fast.", "The price was too high!", "Will order again?"]


def test_short_fragments_are_merged_not_dropped() -> None:
    out = units("Great!! Fast delivery and friendly staff.")
    assert "".join(out).replace(" ", "") == "Great!!Fastdeliveryandfriendlystaff."
    assert all(len(u.split()) >= 3 for u in out)


def test_blank_text_has_no_units() -> None:
    assert units("") == []
    assert units("   \n ") == []


def test_offsets_point_into_the_original_text() -> None:
    text = "  The zipper broke after one wash; however the colour is lovely.  "
    for s, e in split_units(text):
        assert text[s:e] == text[s:e].strip()
        assert text[s:e]


def test_split_sentences_table_shape() -> None:
    batch = pa.table({"feedback_id": ["a", "b", "c"], "text": ["One two three. Four five six.", "", None]})
    out = split_sentences(batch)
    assert out.column("feedback_id").to_pylist() == ["a", "a"]
    assert out.column("sentence_idx").to_pylist() == [0, 1]
    assert out.column("text").to_pylist() == ["One two three.", "Four five six."]


def test_a_trailing_link_or_handle_is_not_a_unit_of_its_own():
    text = "@NorthAir The fabric is thin and see-through. https://t.co/x0001 @SouthAir"
    units = [text[s:e] for s, e in split_units(text)]
    assert units == [text]
    two = "The fabric is thin. The colour faded after one wash. https://t.co/x0001"
    assert [two[s:e] for s, e in split_units(two)] == [
        "The fabric is thin.",
        "The colour faded after one wash. https://t.co/x0001",
    ]


def test_contrast_words_in_any_case_and_dash_bullets_still_cut_clauses():
    text = "The fabric is lovely and soft HOWEVER the sizing runs very small"
    assert [text[s:e] for s, e in split_units(text)] == [
        "The fabric is lovely and soft",
        "HOWEVER the sizing runs very small",
    ]
    bullets = "pros:\n- flattering fit and flow\n- good overall length for me"
    assert len(split_units(bullets)) == 2
