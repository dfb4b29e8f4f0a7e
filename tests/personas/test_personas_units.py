"""Persona traits are shown in the units the data came in, not on the log scale personas are clustered on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from empathic.personas.cards import describe, traits
from empathic.personas.features import build_features


def test_heavy_tailed_traits_show_real_medians():
    ids = [f"u{i:02d}" for i in range(20)]
    tenure = [5.0] * 10 + [400.0] * 9 + [5000.0]  # heavy-tailed: clustered on log1p
    usage = pd.DataFrame({"customer_id": ids, "tenure_days": tenure, "n_sessions": [1.0] * 10 + [30.0] * 10})
    empty = pd.DataFrame(columns=["customer_id", "name", "value", "value_num"])
    fm = build_features(ids, attributes=empty, usage=usage, event_mix=pd.DataFrame(), said=pd.DataFrame())
    assert "behaviour:tenure_days" in fm.logged
    members = np.arange(20) >= 10  # the long-tenured half
    by_feature = {t["feature"]: t for t in traits(fm, members, {})}
    t = by_feature["tenure_days"]
    assert t["stat"] == "median" and t["value"] == pytest.approx(400.0)  # days, not log1p(days) = 5.99
    assert t["overall"] == pytest.approx(np.median(tenure))
    assert t["z"] > 0
    assert by_feature["n_sessions"]["value"] == pytest.approx(30.0)
    text = describe([t], 10, 0.5)
    assert "tenure_days median 400 vs 202.5 overall" in text
