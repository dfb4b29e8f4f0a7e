"""Customer feature matrix for personas: who they are (attributes), what they do (usage), what they say (words).

Pure pandas/numpy: long tables in, one wide matrix out. Each block is standardised and weighted so that it carries
the same total variance, so a block with many columns (20 features) does not drown one with few (a plan).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Usage columns of ``usage_customers`` used as behaviour (log-scaled: usage is heavy-tailed).
BEHAVIOUR_COLUMNS = ("time_used_s", "n_sessions", "active_days", "n_features", "avg_session_s", "tenure_days")
MAX_CATEGORIES = 12


@dataclass
class FeatureMatrix:
    """Customers × features.

    Attributes:
        customer_ids: sorted customer ids, one per row.
        raw: interpretable values (shares, counts, one-hot 0/1) — traits are computed on these.
        weighted: float64 array (n_customers, n_features), standardised and block-weighted — clustered on this.
        blocks: feature name → block (``attribute`` | ``behaviour`` | ``words``).
        logged: features of ``raw`` stored as ``log1p`` of the real value (heavy-tailed usage, skewed numbers):
            traits show them back in real units (``expm1`` of the median).
    """

    customer_ids: np.ndarray
    raw: pd.DataFrame
    weighted: np.ndarray
    blocks: dict[str, str]
    logged: frozenset[str] = frozenset()


def attribute_block(ids: pd.Index, attributes: pd.DataFrame) -> pd.DataFrame:
    """One-hot categorical attributes (≤ 12 values, not id-like) and numeric ones (log-scaled when skewed).

    Args:
        attributes: long ``(customer_id, name, value, value_num)``.
    """
    out = pd.DataFrame(index=ids)
    if attributes.empty:
        return out
    for name, grp in attributes.groupby("name", sort=True):
        grp = grp.drop_duplicates("customer_id").set_index("customer_id")
        numeric = grp["value_num"].notna().mean() > 0.9
        if numeric:
            col = grp["value_num"].astype(float).reindex(ids)
            if col.min() >= 0 and col.max() > 10 * max(col.median(), 1e-9):
                col = np.log1p(col)
                out.attrs.setdefault("logged", set()).add(f"{name}")
            out[f"{name}"] = col.fillna(col.median())
            continue
        values = grp["value"].astype(str)
        if values.nunique() > MAX_CATEGORIES or values.nunique() < 2:
            continue
        for value in sorted(values.unique()):
            out[f"{name}={value}"] = (values == value).reindex(ids).fillna(False).astype(float)
    return out


def behaviour_block(ids: pd.Index, usage: pd.DataFrame, event_mix: pd.DataFrame) -> pd.DataFrame:
    """Log usage intensities plus the customer's event mix (shares of dayparts, weekend, each feature).

    Args:
        usage: ``usage_customers`` rows (customer_id + :data:`BEHAVIOUR_COLUMNS`).
        event_mix: long ``(customer_id, item, share)`` with items like ``daypart=night``, ``feature=export``.
    """
    out = pd.DataFrame(index=ids)
    if not usage.empty:
        u = usage.set_index("customer_id").reindex(ids)
        for col in BEHAVIOUR_COLUMNS:
            if col in u:
                out[col] = np.log1p(u[col].astype(float).clip(lower=0)).fillna(0.0)
                out.attrs.setdefault("logged", set()).add(col)
    if not event_mix.empty:
        wide = event_mix.pivot_table(index="customer_id", columns="item", values="share", aggfunc="sum")
        out = out.join(wide.reindex(ids).fillna(0.0).sort_index(axis=1))
    return out


def words_block(ids: pd.Index, said: pd.DataFrame) -> pd.DataFrame:
    """Share of the customer's comments mentioning each theme / emotion, and mean sentiment.

    Customers without feedback get the average of those with feedback (they are placed by the other blocks).

    Args:
        said: long ``(customer_id, item, share)`` with items like ``theme=T3``, ``emotion=joy``, ``sentiment``;
            an item ``_spoke`` marks every customer with linked feedback (so "said nothing about X" is 0).
    """
    if said.empty:
        return pd.DataFrame(index=ids)
    wide = said.pivot_table(index="customer_id", columns="item", values="share", aggfunc="mean").sort_index(axis=1)
    wide = wide.reindex(ids)
    speakers = wide.index.isin(said["customer_id"].unique())
    filled = wide.copy()
    filled.loc[speakers] = wide.loc[speakers].fillna(0.0)  # spoke, but not about this item
    filled.loc[~speakers] = filled.loc[speakers].mean().to_numpy()  # silent: average speaker
    return filled.drop(columns=["_spoke"], errors="ignore").fillna(0.0)


def build_features(
    customer_ids: list[str] | np.ndarray,
    *,
    attributes: pd.DataFrame,
    usage: pd.DataFrame,
    event_mix: pd.DataFrame,
    said: pd.DataFrame,
    block_weights: dict[str, float] | None = None,
) -> FeatureMatrix:
    """Assemble, standardise and block-weight the three blocks (see module docstring)."""
    ids = pd.Index(sorted(set(map(str, customer_ids))), name="customer_id")
    weights = {"attribute": 1.0, "behaviour": 1.0, "words": 1.0, **(block_weights or {})}
    parts = {
        "attribute": attribute_block(ids, attributes),
        "behaviour": behaviour_block(ids, usage, event_mix),
        "words": words_block(ids, said),
    }
    raw_parts, weighted_parts, blocks, logged = [], [], {}, set()
    for block, frame in parts.items():
        logged |= {f"{block}:{c}" for c in frame.attrs.get("logged", ())}
        frame = frame.loc[:, frame.std(ddof=0) > 1e-12] if len(frame.columns) else frame
        if frame.shape[1] == 0:
            continue
        frame.columns = [f"{block}:{c}" for c in frame.columns]
        z = (frame - frame.mean()) / frame.std(ddof=0)
        weighted_parts.append(z.to_numpy(float))
        raw_parts.append(frame)
        blocks.update(dict.fromkeys(frame.columns, block))
    raw = pd.concat(raw_parts, axis=1) if raw_parts else pd.DataFrame(index=ids)
    if not weighted_parts:
        return FeatureMatrix(ids.to_numpy(), raw, np.zeros((len(ids), 0)), blocks, frozenset(logged))
    z = np.hstack(weighted_parts)
    block_of = np.array([blocks[c] for c in raw.columns])
    relevance = cross_block_relevance(z, block_of)
    weighted = np.empty_like(z)
    for block in np.unique(block_of):
        cols = block_of == block
        r = relevance[cols]
        weighted[:, cols] = z[:, cols] * weights[str(block)] * r / np.sqrt((r * r).sum())
    return FeatureMatrix(ids.to_numpy(), raw, weighted, blocks, frozenset(logged & set(raw.columns)))


def cross_block_relevance(z: np.ndarray, block_of: np.ndarray) -> np.ndarray:
    """Each column's strongest absolute correlation with a column of *another* block.

    A persona is a pattern that shows up in who customers are, what they do and what they say together; a column
    unrelated to every other block (a region assigned at random) gets little weight, so it cannot split personas
    on its own. With a single block every column weighs the same.

    Args:
        z: standardised float array (n_customers, n_features).
        block_of: block name of each column.

    Returns:
        float array (n_features,) in [0.05, 1].
    """
    if len(np.unique(block_of)) < 2 or len(z) < 3:
        return np.ones(z.shape[1])
    corr = np.abs(np.nan_to_num(np.corrcoef(z, rowvar=False)))
    same = block_of[:, None] == block_of[None, :]
    corr[same] = 0.0
    return np.clip(corr.max(axis=1), 0.05, 1.0)
