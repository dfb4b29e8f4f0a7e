"""Light text clean-up applied before every feelings model (training and run time alike).

Handles (@united), URLs and hash marks carry no feeling but shift embeddings; removing them keeps tweets, chat
messages and reviews in the same space the heads were trained in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HANDLE = re.compile(r"(?<!\w)@\w+")
URL = re.compile(r"https?://\S+|www\.\S+")
SPACES = re.compile(r"\s+")
_MESSY = re.compile(r"\s\s|[\t\n\r\f\v]")


def clean_text(text: str | None) -> str:
    """One text without handles and URLs, '#' removed from hashtags, whitespace collapsed."""
    if not text:
        return ""
    if "@" not in text and "#" not in text and "http" not in text and "www." not in text and not _MESSY.search(text):
        return text.strip()  # the common case: nothing to clean
    text = URL.sub(" ", text)
    text = HANDLE.sub(" ", text)
    text = text.replace("#", " ")
    return SPACES.sub(" ", text).strip()


def clean_texts(texts: Sequence[str | None]) -> list[str]:
    """:func:`clean_text` over a sequence."""
    return [clean_text(t) for t in texts]
