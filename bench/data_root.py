"""The one setting that tells every benchmark and training script where the shared data sets are.

``$EMPATHIC_DATA`` when set, else ``../shared/data`` beside the repository (``/work/main/../shared/data``, or the
same from a worktree). Scripts import :data:`DATA` (or call :func:`data_root` after changing the variable);
``tests/core/test_data_root.py`` fails on a script that spells a data path of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable that points the scripts at another copy of the data.
ENV = "EMPATHIC_DATA"
ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """Where the shared data sets are: ``$EMPATHIC_DATA``, else ``../shared/data`` beside the repository."""
    return Path(os.environ.get(ENV) or ROOT.parent / "shared" / "data")


DATA = data_root()
