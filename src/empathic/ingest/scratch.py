"""Temporary copies of an input file in the read's scratch folder: a ``.gz`` inflated (with a size cap), a
preamble skipped. The reader removes the folder on success and on failure."""

from __future__ import annotations

from pathlib import Path

from empathic.errors import InputError


def skip_lines(path: Path, n: int, scratch: Path) -> Path:
    """A copy of the text file ``path`` without its first ``n`` lines (a preamble before the header)."""
    out = scratch / ("skipped-" + path.name)
    with path.open("rb") as src, out.open("wb") as dst:
        for _ in range(n):
            if not src.readline():
                break
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    if out.stat().st_size == 0:
        raise InputError(f"nothing is left after skipping {n} line(s)", file=str(path), hint="skip fewer rows")
    return out


def gunzip(path: Path, scratch: Path, max_mb: int) -> Path:
    """Decompress ``x.csv.gz`` to ``scratch/x.csv`` in chunks, refusing it once it inflates past ``max_mb``."""
    import gzip

    out = scratch / path.stem
    limit, written = max_mb << 20, 0
    try:
        with gzip.open(path, "rb") as src, out.open("wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise InputError(
                        f"the compressed file inflates to more than {max_mb:,} MB",
                        file=str(path),
                        hint="raise ingest.max_inflated_mb if the file is genuine, or split it",
                    )
                dst.write(chunk)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot decompress: {exc}", file=str(path), hint="check the .gz file is complete") from None
    return out
