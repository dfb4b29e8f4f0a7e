"""Comparing a DuckDB result frame with its Spark twin (the agreement tests of tests/scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def differences(left: pd.DataFrame, right: pd.DataFrame, tolerance: float = 1e-9) -> list[str]:
    """Where two result frames differ (same columns; rows compared in sorted order; floats within ``tolerance``)."""
    if list(left.columns) != list(right.columns):
        return [f"columns {list(left.columns)} != {list(right.columns)}"]
    if len(left) != len(right):
        return [f"{len(left)} rows != {len(right)} rows"]
    keys = [c for c in left.columns if not pd.api.types.is_float_dtype(left[c])]
    left = left.sort_values(keys, ignore_index=True, key=lambda c: c.astype(str))
    right = right.sort_values(keys, ignore_index=True, key=lambda c: c.astype(str))
    out = []
    for column in left.columns:
        a, b = left[column], right[column]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            x, y = a.to_numpy(float, na_value=np.nan), b.to_numpy(float, na_value=np.nan)
            if not np.allclose(x, y, rtol=0, atol=tolerance, equal_nan=True):
                out.append(f"{column}: max difference {np.nanmax(np.abs(x - y))}")
        elif (
            a.map(lambda v: None if pd.isna(v) else str(v)).tolist()
            != b.map(lambda v: None if pd.isna(v) else str(v)).tolist()
        ):
            out.append(f"{column}: values differ")
    return out
