"""``auto`` never picks a path that is slower for less data (issue 17, item 8)."""

from __future__ import annotations

from empathic.themes.embedding import choose_mode
from empathic.themes.settings import ThemesSettings


def _auto(n_units: int, n_chars: int) -> str:
    ts = ThemesSettings()
    return choose_mode("auto", n_units, ts.accurate_max_units, n_chars, ts.accurate_max_chars)


def test_long_reviews_go_fast_and_short_sets_stay_accurate():
    # 1,324 BA reviews: 13k distinct sentences, 1.2M characters (accurate embedded every one with MiniLM)
    assert _auto(13_000, 1_240_000) == "fast"
    # Banking77 test (3,080 queries, 167k characters) and SemEval sentence sets stay on the accurate path
    assert _auto(3_080, 167_036) == "accurate"


def test_more_data_never_switches_back_to_accurate():
    # along a growing corpus (units and characters grow together), once fast always fast
    modes = [_auto(n, n * chars) for chars in (40, 90, 300) for n in range(100, 40_000, 100)]
    for chars in range(3):
        run = modes[chars * 399 : (chars + 1) * 399]
        first_fast = run.index("fast")
        assert all(m == "fast" for m in run[first_fast:])


def test_accurate_costs_at_most_about_one_fast_sample():
    ts = ThemesSettings()
    # the most MiniLM text accurate may embed is below what fast embeds for a corpus of long sentences (its sample
    # of fast_discovery_sample units at ~94 characters, BA's mean)
    assert ts.accurate_max_chars <= ts.fast_discovery_sample * 94


def test_an_explicit_mode_is_kept():
    assert choose_mode("accurate", 10**6, 10, 10**9, 10) == "accurate"
    assert choose_mode("fast", 5, 10, 5, 10) == "fast"
