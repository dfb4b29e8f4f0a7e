"""Library functions behind the themes front doors (Python API, CLI, web): read the tree, record edits.

An edit is validated, stored in ``theme_edits`` and applied by re-running the themes stage at once (embeddings
come from the workspace cache, so this is quick); the stored edit is replayed after every rediscovery.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pandas as pd

from empathic.errors import InputError, StageError
from empathic.store import Store
from empathic.themes.edits import OPS, guided_id
from empathic.themes.model import OTHER_ID
from empathic.themes.persist import now


def require_themes(store: Store) -> None:
    """Raise a clear error when the themes stage has not run in this workspace."""
    if not store.has_table("themes") or store.count("themes") == 0:
        raise StageError(
            "no themes in this workspace yet",
            hint="run `empathic analyze WORKSPACE` (or ws.analyze()) first",
        )


def theme_tree(store: Store, *, include_deleted: bool = False) -> pd.DataFrame:
    """The theme tree in display order (top-level by size, each followed by its subthemes; "other" last).

    Columns: theme_id, parent_id, level, label, n_comments, n_sentences, share, is_other, status, keywords
    (list), sentiment (mean unit sentiment, NaN when the feelings stage has not run).
    """
    require_themes(store)
    status = "" if include_deleted else "WHERE t.status <> 'deleted'"
    sentiment = "NULL::DOUBLE"
    join = ""
    if store.has_table("sentence_feelings") and store.count("sentence_feelings"):
        join = """LEFT JOIN (
            SELECT id, avg(sentiment) AS sentiment FROM (
                SELECT st.theme_id AS id, sf.sentiment FROM sentence_themes st JOIN sentence_feelings sf
                  USING (feedback_id, sentence_idx)
                UNION ALL
                SELECT st.subtheme_id, sf.sentiment FROM sentence_themes st JOIN sentence_feelings sf
                  USING (feedback_id, sentence_idx) WHERE st.subtheme_id IS NOT NULL
            ) GROUP BY id) s ON s.id = t.theme_id"""
        sentiment = "s.sentiment"
    df = store.read_df(
        f"""SELECT t.theme_id, t.parent_id, t.level, t.label, t.n_comments, t.n_sentences, t.share, t.is_other,
                   t.status, t.keywords, ts.summary, {sentiment} AS sentiment,
                   coalesce(p.n_comments, t.n_comments) AS top_n, coalesce(p.theme_id, t.theme_id) AS top_id
            FROM themes t LEFT JOIN themes p ON p.theme_id = t.parent_id
            LEFT JOIN theme_summaries ts ON ts.theme_id = t.theme_id {join} {status}
            ORDER BY t.is_other OR coalesce(p.is_other, false), top_n DESC, top_id, t.level, t.n_comments DESC,
                     t.theme_id"""
    )
    df["keywords"] = df["keywords"].map(lambda s: json.loads(s) if isinstance(s, str) else [])
    return df.drop(columns=["top_n", "top_id"]).reset_index(drop=True)


def resolve_theme(store: Store, ref: str) -> str:
    """A theme id from an id or an exact (case-insensitive) label; errors name the choices."""
    require_themes(store)
    row = store.read_df(
        "SELECT theme_id FROM themes WHERE status <> 'deleted' AND (theme_id = ? OR lower(label) = lower(?)) "
        "ORDER BY theme_id = ? DESC, level LIMIT 1",
        [ref, ref, ref],
    )
    if row.empty:
        raise InputError(
            f"no theme {ref!r} in this workspace",
            hint="see the ids and labels with `empathic themes WORKSPACE` (or ws.themes())",
        )
    return str(row.iloc[0, 0])


def theme_quotes(store: Store, ref: str) -> pd.DataFrame:
    """The representative quotes of a theme: feedback_id, sentence_idx, text."""
    theme_id = resolve_theme(store, ref)
    raw = store.scalar("SELECT quotes FROM themes WHERE theme_id = ?", [theme_id])
    return pd.DataFrame(json.loads(raw or "[]"), columns=["feedback_id", "sentence_idx", "text"])


def _validate(store: Store, op: str, payload: dict[str, Any]) -> dict[str, Any]:
    if op not in OPS:
        raise InputError(f"unknown theme edit {op!r}", hint=f"choose from {', '.join(OPS)}")
    label = payload.get("label")
    if label is not None:
        label = " ".join(str(label).split())
        if not label:
            raise InputError("a theme label cannot be empty", hint="give a short phrase, e.g. 'delivery delay'")
        if label.lower() == OTHER_ID:
            raise InputError("'other' is reserved for comments that fit no theme", hint="choose another label")
        payload["label"] = label
    for key in ("theme_id",):
        if key in payload and op != "create":
            payload[key] = resolve_theme(store, payload[key])
            if payload[key] == OTHER_ID and op != "rename":
                raise InputError("the 'other' theme cannot be edited this way", hint="create a theme instead")
    if op == "rename" and not label:
        raise InputError("rename needs a new label", hint="e.g. ws.rename_theme('t123', 'delivery delay')")
    if op == "merge":
        ids = [resolve_theme(store, t) for t in payload.get("theme_ids") or []]
        payload["into"] = resolve_theme(store, payload["into"]) if payload.get("into") else (ids[0] if ids else None)
        ids = [t for t in ids if t != payload["into"]]
        if not ids or OTHER_ID in ids or payload["into"] == OTHER_ID:
            raise InputError("merge needs at least two themes (not 'other')", hint="e.g. merge t1 t2 --into t1")
        payload["theme_ids"] = ids
    if op == "split" and int(payload.get("n", 2)) < 2:
        raise InputError("split needs n ≥ 2 parts", hint="e.g. split t123 --n 2")
    if op == "create":
        if not label:
            raise InputError("a new theme needs a label", hint="ws.create_theme('delivery delay', keywords=[...])")
        if not (payload.get("keywords") or payload.get("examples")):
            raise InputError(
                f"theme {label!r} needs keywords or example comments",
                hint="e.g. keywords=['late delivery'] or examples=['my parcel came two weeks late']",
            )
        payload["theme_id"] = guided_id(label)
    return payload


def record_edit(store: Store, op: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Validate and store one edit (kept for replays); returns the stored payload.

    It takes effect when the themes stage next runs: the front doors re-run it at once
    (:meth:`empathic.api.themes.ThemesAPI.rename_theme` and its siblings), so this module never imports the pipeline.
    """
    require_themes(store)
    payload = _validate(store, op, dict(payload))
    with store.write() as con:
        seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM theme_edits").fetchone()[0]
        con.execute(
            "INSERT INTO theme_edits (edit_id, seq, op, payload, created_at, applied) VALUES (?, ?, ?, ?, ?, false)",
            [uuid.uuid4().hex[:16], seq, op, json.dumps(payload), now()],
        )
    return payload


def edit_log(store: Store) -> pd.DataFrame:
    """Every stored edit, oldest first: seq, op, payload (dict), created_at, applied."""
    df = store.read_df("SELECT seq, op, payload, created_at, applied FROM theme_edits ORDER BY seq")
    df["payload"] = df["payload"].map(json.loads)
    return df
