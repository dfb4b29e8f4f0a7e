"""``empathic demo``: a workspace built from bundled data, analysed by every stage this installation has.

The default demo uses the bundled Women's E-Commerce Clothing Reviews (CC0, see ``data/ATTRIBUTION.md``); it needs
no network and no files of the user's.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from empathic.errors import InputError
from empathic.ingest import IngestSummary
from empathic.progress import Progress, silent
from empathic.stage import StageResult
from empathic.workspace import Workspace

EXAMPLES = ("reviews", "subscription")
#: Columns of the bundled reviews used as segments (Clothing ID and Positive Feedback Count are not segments).
REVIEW_SEGMENTS = ["Age", "Division Name", "Department Name", "Class Name"]


@dataclass
class DemoResult:
    """What the demo built: the workspace path, the ingests and the stage results."""

    workspace: Path
    ingests: list[IngestSummary] = field(default_factory=list)
    stages: list[StageResult] = field(default_factory=list)


def bundled_reviews_csv(folder: Path) -> Path:
    """Write the bundled reviews CSV into ``folder`` (so users can look at the raw file) and return its path.

    The source's unnamed first column (a row index) is named ``review_id`` so it becomes the stable id.
    """
    target = folder / "womens_clothing_reviews.csv"
    if not target.exists():
        source = resources.files("empathic") / "data" / "womens_clothing_reviews.csv.gz"
        with source.open("rb") as raw, gzip.open(raw) as src, target.open("wb") as dst:
            header = src.readline()
            dst.write(b"review_id" + header if header.startswith(b",") else header)
            shutil.copyfileobj(src, dst, 1 << 20)
    return target


def build_demo(
    folder: str | Path = "empathic-demo",
    *,
    example: str = "reviews",
    limit: int | None = None,
    progress: Progress = silent,
    fresh: bool = True,
) -> DemoResult:
    """Build (or rebuild, when ``fresh``) the demo workspace in ``folder`` and run every available stage.

    Args:
        folder: where the data files and ``demo.empathic`` go.
        example: ``reviews`` (bundled real reviews) or ``subscription`` (a generated company whose customers,
            usage events and NPS comments are linked, with documented planted patterns).
        limit: keep only the first ``limit`` reviews (quick tries and tests).
    """
    if example not in EXAMPLES:
        raise InputError(f"unknown demo example {example!r}", hint=f"choose one of: {', '.join(EXAMPLES)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ws_path = folder / f"{example}.empathic"
    if fresh:
        for p in (ws_path, ws_path.with_name(ws_path.name + ".wal")):
            p.unlink(missing_ok=True)
    result = DemoResult(ws_path)
    with Workspace.open(ws_path) as ws:
        if example == "reviews":
            data: object = bundled_reviews_csv(folder)
            if limit:
                import pandas as pd

                data = pd.read_csv(data, nrows=limit, dtype=str, keep_default_na=False)
            result.ingests.append(ws.ingest(data, progress=progress, id="review_id", attr=REVIEW_SEGMENTS))
        else:
            result.ingests.extend(_ingest_subscription(ws, folder, progress))
        result.stages = ws.analyze(progress=progress)
    return result


def _ingest_subscription(ws: Workspace, folder: Path, progress: Progress) -> list[IngestSummary]:
    try:
        from empathic.sample.subscription import write_csvs
    except ModuleNotFoundError as exc:  # the generator lands with the usage stage
        raise InputError(
            "the subscription example is not available in this version", hint="use --example reviews"
        ) from exc
    paths = write_csvs(folder)
    out = [ws.ingest(paths["customers"], kind="customers", progress=progress)]
    out.append(ws.ingest(paths["events"], kind="events", progress=progress))
    out.append(ws.ingest(paths["feedback"], kind="feedback", progress=progress))
    return out
