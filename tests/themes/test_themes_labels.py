"""Label and top-level-cut rules: no generic single-word or 'theme N' labels, no giant top-level theme."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np
import pandas as pd

from empathic.themes import labels as theme_labels
from empathic.themes.cluster import MAX_TOP_SHARE, group_clusters
from empathic.themes.labels import distinct_labels, phrase_scores
from empathic.themes.stopwords import GENERIC_WORDS, STOP_WORDS


def _bundled_review_groups(n_reviews: int = 3000) -> list[list[str]]:
    """Sentences of the first bundled reviews, grouped by the reviews' product class (real text, real groups)."""
    source = resources.files("empathic") / "data" / "womens_clothing_reviews.csv.gz"
    with source.open("rb") as raw, gzip.open(raw) as f:
        df = pd.read_csv(f, nrows=n_reviews)
    df = df.dropna(subset=["Review Text", "Class Name"])
    groups: dict[str, list[str]] = {}
    for cls, text in zip(df["Class Name"], df["Review Text"], strict=True):
        groups.setdefault(cls, []).extend(s.strip() for s in str(text).split(".") if s.strip())
    return [groups[k] for k in sorted(groups)]


def test_labels_of_the_bundled_reviews_are_phrases_not_generic_words():
    groups = _bundled_review_groups()
    ranked = phrase_scores(groups)
    labels = distinct_labels(ranked, range(len(groups)), {"other"})
    assert len(set(labels.values())) == len(groups)
    for label in labels.values():
        words = label.split()
        assert not label.startswith("theme "), label
        assert any(w not in STOP_WORDS for w in words), label
        assert not (len(words) == 1 and label in GENERIC_WORDS), label
    for phrases in ranked:  # keywords too: a lone "brought" or "love" is never a candidate
        assert not any(p in GENERIC_WORDS for p, _ in phrases)


def test_a_taken_phrase_falls_back_to_another_phrase_not_to_theme_n():
    groups = [["the zipper broke", "zipper broke again"], ["the zipper broke", "zipper and lining tore"]]
    labels = distinct_labels(phrase_scores(groups), [0, 1], {"other"})
    assert labels[0] != labels[1]
    assert not any(lab.startswith("theme ") for lab in labels.values()), labels


def test_top_level_cut_caps_the_biggest_theme():
    # a chain of 60 fine clusters (diffuse data) plus a few clear blobs: average linkage made one giant theme
    rng = np.random.default_rng(0)
    chain = np.cumsum(rng.normal(0, 0.15, (60, 16)), axis=0) + rng.normal(0, 1, 16)
    blobs = np.repeat(rng.normal(0, 3, (6, 16)), 5, axis=0) + rng.normal(0, 0.1, (30, 16))
    cents = np.vstack([chain, blobs])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    sizes = rng.integers(5, 50, len(cents))
    groups = group_clusters(cents, sizes, min_groups=8, max_groups=40)
    totals = np.bincount(groups, weights=sizes)
    assert 8 <= len(totals) <= 40
    assert totals.max() / sizes.sum() <= MAX_TOP_SHARE
    assert (np.diff(totals) <= 0).all()  # ids ordered by size
    assert (group_clusters(cents, sizes, min_groups=8, max_groups=40) == groups).all()  # deterministic


def test_theme_text_drops_handles_urls_and_ticket_numbers_but_never_empties():
    from empathic.themes.model import theme_text

    tweet = "@united flight UA1234 Cancelled Flightled http://t.co/x #fail"
    assert theme_text(tweet) == "flight Cancelled Flightled fail"
    assert theme_text("Runs small, order a size up.") == "Runs small, order a size up."
    assert theme_text("@AmericanAir") == "@AmericanAir"  # nothing else to embed: keep the text


def test_handles_and_links_do_not_drive_themes_or_labels(tmp_path):
    """Tweets open with a company handle: themes must follow what is said, not whom it is said to; quotes stay raw."""
    import random

    from sklearn.metrics import normalized_mutual_info_score
    from themes_corpus import OPENERS, TOPICS

    import empathic

    rng = random.Random(3)
    handles = ["@NorthAir", "@SouthAir", "@EastAir"]
    rows = []
    for i in range(240):
        topic = sorted(TOPICS)[i % len(TOPICS)]
        handle = handles[rng.randrange(3)]  # independent of the topic
        link = f" https://t.co/x{i:04d}" if i % 2 else ""
        rows.append(
            {
                "id": f"t{i:04d}",
                "topic": topic,
                "handle": handle,
                "text": f"{handle} {rng.choice(OPENERS)}{rng.choice(TOPICS[topic])}{link}",
            }
        )
    data = pd.DataFrame(rows)
    with empathic.Workspace.open(tmp_path / "tweets.empathic") as ws:
        ws.ingest(data[["id", "text"]], text="text", id="id")
        ws.analyze(stages=["themes"])
        top = ws.sql("SELECT feedback_id, theme_id FROM feedback_themes WHERE is_primary AND level = 1")
        tree = ws.themes()
        quotes = [ws.theme_quotes(t) for t in tree[~tree.is_other].theme_id]
    merged = data.merge(top, left_on="id", right_on="feedback_id")
    assert normalized_mutual_info_score(merged.topic, merged.theme_id) >= 0.6
    assert normalized_mutual_info_score(merged.handle, merged.theme_id) < 0.1
    noise = {"northair", "southair", "eastair", "https", "t.co", "co"}
    assert not [label for label in tree.label if set(label.split()) & noise]
    assert any("@" in q for qs in quotes for q in qs.text)  # what people read is what they wrote


def test_modifiers_never_label_alone_but_nouns_in_ly_or_ed_do():
    from empathic.themes.labels import _modifier_words

    groups = [
        ["it runs slightly small", "slightly too long", "the lining reinforced the seams", "reinforced hems"],
        ["the lining is soft", "a lined skirt", "the bed is comfy", "the embroidered collar"],
    ]
    modifiers = _modifier_words(groups)
    assert {"slightly", "reinforced"} <= modifiers
    assert "embroidered" not in modifiers  # "the embroidered collar": a determiner-led use


def test_top_level_label_names_what_its_subthemes_share():
    from empathic.themes.labels import phrase_counts, phrase_scores, rerank_by_spread

    sizing = [["runs small in the size", "xs xs xs", "xs was tight"], ["size up", "order a size up"], ["true to size"]]
    other = [["the colour faded"], ["colour is off"]]
    groups = [[t for sub in sizing for t in sub], [t for sub in other for t in sub]]
    children = [[(phrase_counts(sub), len(sub)) for sub in top] for top in (sizing, other)]
    ranked = rerank_by_spread(phrase_scores(groups, min_count=1), children)
    assert ranked[0][0][0] == "size"  # in every sizing subtheme, where "xs" is loud in one


def test_labels_are_redone_from_all_assigned_units_but_user_names_stay():
    from empathic.themes.assign import Assignment
    from empathic.themes.discover import relabel_from_members
    from empathic.themes.model import Theme

    def theme(tid, parent, level, label, **kw):
        # centroids live in the embedders' 384-d space; zero ones leave the counted order to decide
        return Theme(tid, parent, level, label, np.zeros(384, np.float32), np.zeros((1, 384), np.float32), **kw)

    themes = [
        theme("a", None, 1, "throw"),
        theme("a1", "a", 2, "meets"),
        theme("a2", "a", 2, "hoped"),
        theme("b", None, 1, "my name", label_locked=True),
        theme("b1", "b", 2, "dd"),
        theme("b2", "b", 2, "kept"),
    ]
    texts = (
        ["the zipper broke", "zipper stuck again", "a broken zipper"] * 3
        + ["the lining tore", "lining is itchy", "torn lining"] * 3
        + ["runs small", "it runs small", "order a size up"] * 3
        + ["delivery was late", "late delivery", "delivery took weeks"] * 3
    )
    leaf = np.repeat(np.arange(4), 9)
    result = Assignment(["a1", "a2", "b1", "b2"], leaf, np.ones(36, np.float32), np.ones(36, bool), [])
    relabel_from_members(themes, texts, result, n_keywords=5)
    labels = {t.theme_id: t.label for t in themes}
    assert labels["b"] == "my name"  # the user's name for it
    assert "zipper" in labels["a1"] and "lining" in labels["a2"]
    assert "runs small" in labels["b1"] or "size" in labels["b1"]
    assert "delivery" in labels["b2"]
    assert len(set(labels.values())) == len(labels)
    assert themes[1].keywords and themes[1].keywords[0] == labels["a1"]


def test_echoed_words_are_not_phrases():
    got = theme_labels.phrases("Love love this dress this dress runs small")
    assert "love love" not in got and "dress this dress" not in got
    assert {"dress", "runs small", "love this dress"} <= got


def test_a_negation_stays_with_the_phrase_it_turns_around():
    got = theme_labels.phrases("I can't wait to wear it but it didn't fit and has no pockets")
    assert {"can't wait to wear", "didn't fit", "no pockets"} <= got
    assert not {"wait to wear", "fit"} & got  # never counted without their negation


def test_particles_may_close_a_phrase_and_light_verbs_may_not_lead_into_stop_words():
    got = theme_labels.phrases("I had to size up, I need to cancel my transfer and order a virtual card")
    assert {"size up", "cancel my transfer", "virtual card"} <= got
    assert not {"need to cancel", "order a virtual", "transfer and order"} & got
    assert "service is always" not in theme_labels.phrases("the service is always slow")


def test_verb_forms_in_s_never_label_alone_but_plural_nouns_do():
    from empathic.themes.labels import _modifier_words

    groups = [
        ["it runs small", "runs large in the chest", "the belt adds shape", "adds a nice touch"],
        ["these pants are long", "my pants ripped", "the sleeves are long", "short sleeves"],
    ]
    modifiers = _modifier_words(groups)
    assert {"runs", "adds"} <= modifiers
    assert not {"pants", "sleeves"} & modifiers


def test_meaning_lifts_the_phrase_that_names_what_the_units_share():
    from empathic.text.embed import get_embedder

    units = [
        "highly recommend this place",
        "i would recommend it to anyone",
        "we recommend it to all our friends",
        "a place i recommend without hesitation",
    ]
    centroid = get_embedder("fast-minilm").embed(units).mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    counted = [("dim sum", 0.05), ("highly recommend", 0.03), ("last week", 0.02)]
    phrases = [p for p, _ in counted]
    vectors = dict(zip(phrases, get_embedder("fast-minilm").embed(phrases), strict=True))
    (got,) = theme_labels.rerank_by_meaning([counted], [centroid], vectors)
    assert got[0][0] == "highly recommend"  # the loud detail ("dim sum") loses to what the units mean together
    (kept,) = theme_labels.rerank_by_meaning([counted], [np.zeros(384, np.float32)], vectors)
    assert [p for p, _ in kept] == [p for p, _ in counted]  # no meaning known: the counted order stands


def test_labels_a_reader_would_take_for_the_same_are_not_both_used():
    ranked = [[("top-up", 1.0)], [("top up", 1.0), ("top up card", 0.5)], [("fee", 1.0)], [("fees", 1.0), ("atm", 0.2)]]
    labels = theme_labels.distinct_labels(ranked, range(4), {"other"})
    assert labels == {0: "top-up", 1: "top up card", 2: "fee", 3: "atm"}
    assert theme_labels.label_key("Top-Ups") == theme_labels.label_key("top up") != theme_labels.label_key("dress")
    assert theme_labels.label_key("loved this dress") == theme_labels.label_key("love this dress")
    assert theme_labels.label_key("sized down") == theme_labels.label_key("size down")


def test_labels_are_aspects_not_clauses_verdicts_cuts_or_states():
    from empathic.themes.labels import labelable

    for good in ("seat comfort", "wine list", "quality of food", "food and service", "refunds", "battery life"):
        assert labelable(good), good
    for bad in (
        "service is fast",  # a clause
        "not worth the prices",  # a negated verdict
        "great food",  # a judgement
        "kong to london",  # cut from "Hong Kong to London"
        "ale the attendant",
        "slow",  # a state, not a thing
        "portions are small",
    ):
        assert not labelable(bad), bad


def test_a_labelable_phrase_wins_over_a_better_scored_verdict():
    ranked = [[("food was awful", 3.0), ("great food", 2.0), ("food", 1.0)]]
    assert distinct_labels(ranked, [0], {"other"}) == {0: "food"}


def test_a_shared_phrase_goes_to_the_group_it_scores_highest_in():
    from empathic.themes.labels import contested_labels

    ranked = [[("flight", 0.4), ("baggage", 0.3)], [("flight", 0.9), ("crew", 0.2)]]
    # distinct_labels gives "flight" to whichever group comes first; contested_labels to the one it fits best,
    # whatever the order
    assert contested_labels(ranked, [0, 1], {"other"}) == {0: "baggage", 1: "flight"}
    assert contested_labels(ranked, [1, 0], {"other"}) == {0: "baggage", 1: "flight"}
    assert distinct_labels(ranked, [0, 1], {"other"})[0] == "flight"
