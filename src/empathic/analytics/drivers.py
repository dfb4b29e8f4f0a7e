"""Key-driver model: ridge regression of a score on theme presence (and theme sentiment), plus relative weights.

The model is fitted from **sufficient statistics** (n, Σy, Σy², Σx, Σxy and the cross-product matrix Σx·xᵀ): the
totals are a SQL ``GROUP BY``; the cross-products one sparse product XᵀX over the non-zero feature rows (in Spark:
a ``mapInArrow`` that emits partial XᵀX per batch, summed).

- Coefficients (``coef``): the score points a comment gains or loses when it mentions the theme, the other
  themes held constant (ridge-penalised on standardised features, which only matters for rare, collinear themes).
- Intervals: the classical sandwich for ridge, ``σ² A⁻¹ Sxx A⁻¹`` with ``A = Sxx + Λ``, assuming independent,
  equal-variance errors — honest for survey scores with thousands of comments, reported as approximate.
- ``relative_weight``: Johnson's (2000) relative weights — the share of R² each feature accounts for, robust to
  correlated themes; the weights sum to the model's R².
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from scipy import stats as sps

from empathic.analytics.sql import LIVE_THEMES_CTE, POINTS_CTE
from empathic.store import Store


def _features_cte(with_sentiment: bool) -> str:
    presence = (
        "SELECT ft.feedback_id, ft.theme_id, 'presence' AS feature, 1.0 AS v FROM feedback_themes ft "
        "JOIN live_themes t USING (theme_id) WHERE t.level = 1"
    )
    if not with_sentiment:
        return f"features AS ({presence})"
    sentiment = (
        "SELECT st.feedback_id, st.theme_id, 'sentiment' AS feature, avg(sf.sentiment) AS v "
        "FROM sentence_themes st JOIN sentence_feelings sf USING (feedback_id, sentence_idx) "
        "JOIN live_themes t USING (theme_id) WHERE t.level = 1 GROUP BY st.feedback_id, st.theme_id"
    )
    return f"features AS ({presence} UNION ALL {sentiment})"


def driver_rows_sql(with_sentiment: bool) -> tuple[str, str]:
    """Two queries: score totals per score (n, Σy, Σy²) and the non-zero feature rows joined to the score."""
    head = f"WITH {POINTS_CTE}, {LIVE_THEMES_CTE}, {_features_cte(with_sentiment)} "
    totals = head + "SELECT score_name, count(*) n, sum(x) sy, sum(x*x) syy FROM points GROUP BY 1 ORDER BY 1"
    rows = (
        head + "SELECT p.score_name, f.feedback_id, f.theme_id, f.feature, f.v, p.x AS y "
        "FROM points p JOIN features f USING (feedback_id)"
    )
    return totals, rows


def moments_from_rows(rows: pa.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Feature sums and cross-products per score from long rows ``score_name, feedback_id, theme_id, feature, v, y``.

    The rows become one sparse comment × feature matrix per score (ids dictionary-encoded by Arrow), so
    ``Σx·xᵀ = XᵀX`` is one sparse product — the same numbers a SQL self-join would give, without the join.

    Returns:
        ``(sums, cross)``: ``score_name, theme_id, feature, count, sx, sxy, sxx`` (``count`` = comments with the
        feature: for sentiment features ``sxx`` is Σv², not a count) and ``score_name, theme_a, feature_a,
        theme_b, feature_b, sab`` (pairs with (theme_a, feature_a) < (theme_b, feature_b)).
    """
    sums_parts, cross_parts = [], []
    if rows.num_rows == 0:
        return pd.DataFrame(columns=["score_name", "theme_id", "feature", "count", "sx", "sxy", "sxx"]), pd.DataFrame(
            columns=["score_name", "theme_a", "feature_a", "theme_b", "feature_b", "sab"]
        )
    for score_name in sorted(pc.unique(rows["score_name"]).to_pylist()):
        part = rows.filter(pc.equal(rows["score_name"], score_name))
        comment = pc.dictionary_encode(part["feedback_id"]).combine_chunks()
        key = pc.binary_join_element_wise(part["theme_id"], part["feature"], "\x1f")
        feature = pc.dictionary_encode(key).combine_chunks()
        names = sorted(feature.dictionary.to_pylist())
        order = np.argsort(np.array(feature.dictionary.to_pylist(), dtype=object))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        col = rank[feature.indices.to_numpy()]
        row = comment.indices.to_numpy()
        v = part["v"].to_numpy().astype(float)
        y = part["y"].to_numpy().astype(float)
        x = sparse.csr_matrix((v, (row, col)), shape=(len(comment.dictionary), len(names)))
        y_by_comment = np.zeros(x.shape[0])
        y_by_comment[row] = y
        gram = (x.T @ x).toarray()
        theme_ids, features = zip(*(n.split("\x1f") for n in names), strict=True)
        sums_parts.append(pd.DataFrame({
            "score_name": score_name, "theme_id": theme_ids, "feature": features,
            "count": np.bincount(col, minlength=len(names)), "sx": np.asarray(x.sum(axis=0)).ravel(),
            "sxy": x.T @ y_by_comment, "sxx": np.diag(gram),
        }))  # fmt: skip
        a, b = np.triu_indices(len(names), k=1)
        keep = gram[a, b] != 0
        cross_parts.append(pd.DataFrame({
            "score_name": score_name, "theme_a": np.array(theme_ids)[a[keep]], "feature_a": np.array(features)[a[keep]],
            "theme_b": np.array(theme_ids)[b[keep]], "feature_b": np.array(features)[b[keep]], "sab": gram[a, b][keep],
        }))  # fmt: skip
    return pd.concat(sums_parts, ignore_index=True), pd.concat(cross_parts, ignore_index=True)


def driver_statistics(store: Store, with_sentiment: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(totals, sums, cross)``: the sufficient statistics of the driver model (see :func:`moments_from_rows`)."""
    totals_sql, rows_sql = driver_rows_sql(with_sentiment)
    return (store.read_df(totals_sql), *moments_from_rows(store.read(rows_sql)))


def relative_weights(corr_xx: np.ndarray, corr_xy: np.ndarray) -> np.ndarray:
    """Johnson's relative weights from the predictor correlation matrix and predictor–outcome correlations.

    Args:
        corr_xx: (p, p) correlation matrix of the predictors.
        corr_xy: (p,) correlations of each predictor with the outcome.

    Returns:
        (p,) raw relative weights (non-negative, summing to the OLS R²).
    """
    evals, evecs = np.linalg.eigh(corr_xx)
    evals = np.clip(evals, 1e-10, None)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T  # R^{1/2}: correlations of X with its orthogonal twin Z
    beta_z = np.linalg.solve(lam, corr_xy)
    return (lam**2) @ (beta_z**2)


def fit_ridge_from_moments(
    n: float,
    sy: float,
    syy: float,
    sx: np.ndarray,
    sxy: np.ndarray,
    sxx: np.ndarray,
    ridge: float = 10.0,
    conf: float = 0.95,
) -> dict[str, np.ndarray | float]:
    """Ridge regression with intercept from raw moments (pure).

    Args:
        n: number of comments; sy, syy: Σy and Σy².
        sx: (p,) Σx per feature; sxy: (p,) Σx·y; sxx: (p, p) Σx·xᵀ (raw, uncentred).
        ridge: penalty in "pseudo-comments" on standardised features (λ · var_j on the raw scale).
        conf: confidence level.

    Returns:
        dict with ``coef``, ``ci_low``, ``ci_high``, ``relative_weight`` (each (p,)) and ``r_squared``.
    """
    mx, my = sx / n, sy / n
    cxx = sxx - n * np.outer(mx, mx)  # centred cross-products
    cxy = sxy - n * mx * my
    cyy = syy - n * my * my
    var = np.clip(np.diag(cxx), 1e-12, None)
    a = cxx + ridge * np.diag(var / n)
    a_inv = np.linalg.pinv(a)
    coef = a_inv @ cxy
    rss = max(cyy - 2 * coef @ cxy + coef @ cxx @ coef, 0.0)
    p = len(sx)
    dof = max(n - p - 1, 1)
    sigma2 = rss / dof
    cov = sigma2 * a_inv @ cxx @ a_inv
    half = sps.t.ppf(0.5 + conf / 2.0, dof) * np.sqrt(np.clip(np.diag(cov), 0, None))
    sd = np.sqrt(var)
    sd_y = np.sqrt(max(cyy, 1e-12))
    corr_xx = cxx / np.outer(sd, sd)
    corr_xy = cxy / (sd * sd_y)
    return {
        "coef": coef,
        "ci_low": coef - half,
        "ci_high": coef + half,
        "relative_weight": relative_weights(corr_xx, corr_xy),
        "r_squared": 1.0 - rss / cyy if cyy > 0 else float("nan"),
    }


def key_drivers(
    totals: pd.DataFrame,
    sums: pd.DataFrame,
    cross: pd.DataFrame,
    labels: dict[str, str],
    *,
    ridge: float = 10.0,
    conf: float = 0.95,
    min_count: int = 5,
) -> pd.DataFrame:
    """Fit the driver model of every score from the aggregates of :func:`driver_statistics` (pure).

    Features of fewer than ``min_count`` comments (the real ``count``, also for sentiment features) are dropped
    (their coefficient would be noise), and so is any coefficient whose interval is not finite.

    Returns:
        DataFrame ``score_name, theme_id, label, feature, coef, ci_low, ci_high, relative_weight, r_squared, n``
        sorted by score, then relative weight (largest first).
    """
    columns = ["score_name", "theme_id", "label", "feature", "coef", "ci_low", "ci_high", "relative_weight",
               "r_squared", "n"]  # fmt: skip
    frames = []
    for score_name, total in totals.set_index("score_name").iterrows():
        feats = sums[(sums.score_name == score_name) & (sums["count"] >= min_count)]
        if feats.empty:
            continue
        keys = list(zip(feats.theme_id, feats.feature, strict=True))
        index = {k: i for i, k in enumerate(keys)}
        sxx = np.diag(feats.sxx.to_numpy(float))
        pairs = cross[cross.score_name == score_name]
        for a_t, a_f, b_t, b_f, sab in pairs[["theme_a", "feature_a", "theme_b", "feature_b", "sab"]].itertuples(
            index=False
        ):  # p² cells at most, never per comment
            i, j = index.get((a_t, a_f)), index.get((b_t, b_f))
            if i is not None and j is not None:
                sxx[i, j] = sxx[j, i] = sab
        fit = fit_ridge_from_moments(
            float(total.n), float(total.sy), float(total.syy), feats.sx.to_numpy(float),
            feats.sxy.to_numpy(float), sxx, ridge=ridge, conf=conf,
        )  # fmt: skip
        frames.append(
            pd.DataFrame(
                {
                    "score_name": score_name,
                    "theme_id": feats.theme_id.to_numpy(),
                    "label": [labels.get(t, t) for t in feats.theme_id],
                    "feature": feats.feature.to_numpy(),
                    "coef": fit["coef"],
                    "ci_low": fit["ci_low"],
                    "ci_high": fit["ci_high"],
                    "relative_weight": fit["relative_weight"],
                    "r_squared": fit["r_squared"],
                    "n": int(total.n),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out = out[np.isfinite(out.ci_low.astype(float)) & np.isfinite(out.ci_high.astype(float))]
    out = out.sort_values(["score_name", "relative_weight", "theme_id"], ascending=[True, False, True])
    return out.reset_index(drop=True)[columns]
