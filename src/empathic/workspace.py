"""The Python API for notebooks: ``ws = empathic.Workspace.open("acme.empathic")``.

The CLI, the web app and the report call the same methods, so a notebook user sees exactly what they see.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from empathic.api.analytics import AnalyticsAPI
from empathic.api.feelings import FeelingsAPI
from empathic.api.personas import PersonasAPI
from empathic.api.report import ReportAPI
from empathic.api.team import TeamAPI
from empathic.api.themes import ThemesAPI
from empathic.api.usage import UsageAPI
from empathic.comments import comments_frame
from empathic.config import Settings, load_settings
from empathic.errors import InputError, WorkspaceError
from empathic.ingest import IngestSummary, ingest
from empathic.pipeline import analyze
from empathic.progress import Progress, silent
from empathic.stage import StageResult
from empathic.store import Store, ident
from empathic.store.runs import STALE_RUNNING, active_run_ids, fail_interrupted_runs
from empathic.store.snapshot import open_store

if TYPE_CHECKING:
    from empathic.privacy.forget import ForgetResult

#: Tables a user may read with :meth:`Workspace.table` (later stages add theirs through their migrations).
CORE_TABLES = (
    "sources",
    "feedback",
    "feedback_scores",
    "feedback_attributes",
    "feedback_attribute_values",
    "comment_attributes",
    "customers",
    "customer_attributes",
    "events",
    "runs",
    "sentences",
)


class Workspace(ThemesAPI, FeelingsAPI, AnalyticsAPI, UsageAPI, PersonasAPI, ReportAPI, TeamAPI):
    """One workspace (a DuckDB file) and everything empathic knows about it.

    Use :meth:`open` to create or open one; it is also a context manager that closes the file.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        read_only: bool = False,
        settings: dict[str, Any] | Settings | None = None,
        snapshot_if_locked: bool = False,
    ) -> Workspace:
        """Open (and by default create) the workspace at ``path``; ``settings`` override the resolved tree.

        A read-only, locked or unreadable file is a :class:`~empathic.errors.WorkspaceError` that says what to do.
        With ``read_only`` and ``snapshot_if_locked``, a workspace another program holds (``empathic serve``) is
        read from a snapshot copy instead (``ws.store.is_snapshot``; see :mod:`empathic.store.snapshot`).
        """
        resolved = settings if isinstance(settings, Settings) else load_settings(path, settings)
        store = open_store(path, create=create, read_only=read_only, snapshot_if_locked=snapshot_if_locked)
        try:
            fail_interrupted_runs(store)  # a killed analysis must not look like it is still running
        except BaseException:
            store.close()
            raise
        return cls(store, resolved)

    @property
    def path(self) -> str:
        """The workspace file."""
        return self.store.path

    def ingest(
        self,
        data: Any,
        *,
        kind: str | None = None,
        progress: Progress = silent,
        **roles: Any,
    ) -> IngestSummary:
        """Ingest a file path or a pandas/Polars/Arrow frame; ``roles`` override inferred columns.

        Roles: ``text`` (str or list), ``id``, ``customer``, ``date``, ``score`` (str or list), ``attr`` (list),
        for events ``event``, ``duration``, ``value``; ``mapping`` (a dict or a JSON/TOML file path).
        """
        return ingest(self.store, data, kind=kind, settings=self.settings.ingest, progress=progress, **roles)

    def analyze(self, *, stages: list[str] | None = None, progress: Progress = silent) -> list[StageResult]:
        """Run the analysis stages (default: all that this installation has) and store their results."""
        return analyze(self.store, self.settings, stages=stages, progress=progress)

    def forget(self, customer_id: str, *, recompute: bool = True, progress: Progress = silent) -> ForgetResult:
        """Forget a customer (GDPR/CCPA erasure): their feedback, events, attributes, derived rows, quotes and cached
        vectors; the stages that had run are re-run and the file is compacted so the bytes are gone. The act is
        logged without personal data. See :func:`empathic.privacy.forget.forget_customer`."""
        from empathic.privacy.forget import forget_customer

        if self.store.read_only:
            raise WorkspaceError(f"workspace {self.path} is open read-only", hint="open it without read_only=True")
        return forget_customer(
            self.path, customer_id, settings=self.settings, recompute=recompute, progress=progress, store=self.store
        )

    def table(self, name: str, *, as_arrow: bool = False) -> pd.DataFrame | pa.Table:
        """A whole workspace table as pandas (default) or Arrow."""
        if not self.store.has_table(name):
            raise InputError(f"no table {name!r} in this workspace", hint=f"try one of: {', '.join(CORE_TABLES)}")
        table = self.store.read(f"SELECT * FROM {ident(name)}")
        return table if as_arrow else table.to_pandas()

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read-only SQL query against the workspace (DuckDB dialect)."""
        return self.store.read_df(query, params)

    def comments(self, *, limit: int | None = None) -> pd.DataFrame:
        """Every comment with its annotations: the export behind ``empathic export WORKSPACE comments``.

        Columns: id, text, customer_id, created_at, source_id, one column per score and attribute, then (when the
        stages have run) primary_theme_id, primary_theme, themes (labels, ``;``-joined), theme_ids, sentiment,
        sentiment_label, emotions, empathy_quadrants, intent.
        """
        return comments_frame(self.store, limit=limit)

    def info(self) -> dict[str, Any]:
        """What the workspace holds: row counts per table, sources, score and attribute names, last runs."""
        counts = {t: self.store.count(t) for t in CORE_TABLES}
        scores = self.store.read_df(
            "SELECT name, any_value(kind) AS kind, count(*) AS n, avg(value) AS mean "
            "FROM feedback_scores GROUP BY name ORDER BY name"
        )
        attributes = self.store.read_df(
            "SELECT name, count(DISTINCT value) AS n_values, count(*) AS n FROM feedback_attributes "
            "GROUP BY name ORDER BY name"
        )
        sources = self.store.read_df(
            "SELECT source_id, kind, path, n_rows, n_inserted, n_updated, ingested_at FROM sources ORDER BY ingested_at"
        )
        runs = self._recent_runs()
        span = self.store.read_df("SELECT min(created_at) AS first, max(created_at) AS last FROM feedback")
        return {
            "path": self.path,
            "counts": counts,
            "scores": scores,
            "attributes": attributes,
            "sources": sources,
            "runs": runs,
            "feedback_span": span.iloc[0].to_dict(),
        }

    def _recent_runs(self) -> pd.DataFrame:
        """The last 20 runs; read-only, a ``running`` row no process can be executing shows as ``interrupted``.

        A read-only open succeeds only when no other process holds the workspace for writing, so such a row was
        left by a killed process (a read-write open marks it failed in the file).
        """
        return self.store.read_df(
            f"SELECT stage, CASE WHEN ? AND {STALE_RUNNING} THEN 'interrupted' ELSE status END AS status, started_at, "
            "finished_at, message FROM runs ORDER BY started_at DESC LIMIT 20",
            [self.store.read_only and not getattr(self.store, "is_snapshot", False), active_run_ids()],
        )

    def close(self) -> None:
        """Close the workspace file."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
