"""The ``themes`` stage: sentence units → a two-level theme tree, per-unit and per-comment assignments.

First run: discover themes (accurate or fast mode, chosen by volume and recorded in the run message). Later runs:
keep the stored themes (stable ids), assign all units to them, apply the user's new edits, and propose
``emerging`` themes for new units that fit nothing. With ``themes.rediscover`` the tree is found again, matched
to the old ids, and every stored edit is replayed. Everything is written in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from empathic.config import Settings
from empathic.progress import Progress
from empathic.stage import Stage, StageResult
from empathic.store import Store, empty_table
from empathic.store.tables import TABLES
from empathic.themes import rows as theme_rows
from empathic.themes.aspect import aspect_texts, entity_mentions, entity_words, vector_and_label_texts
from empathic.themes.assign import (
    FEEDBACK_THEMES_SQL,
    WHOLE_MIN_UNITS,
    Assignment,
    comment_similarity,
    sentence_rows,
)
from empathic.themes.assign_rows import assign  # per unit, through the engine (executors under --engine spark)
from empathic.themes.cluster import CLEAR_STABILITY
from empathic.themes.discover import discover, relabel_from_members
from empathic.themes.edits import EditContext, apply_edit, guided_id
from empathic.themes.embedding import (
    BackgroundEmbed,
    apply_mapping,
    cache_lookup,
    cache_rows,
    cached_embed,
    choose_mode,
    fit_mapping,
    normalise_rows,
)
from empathic.themes.evolve import find_emerging, match_to_previous
from empathic.themes.guided import GuidedSpec, match_guided
from empathic.themes.hierarchy import (
    cap_subthemes,
    dissolve_catch_alls,
    drop_ghosts,
    leaf_units,
    merge_lone_top_synonyms,
    merge_synonyms,
    promote_from_catch_all,
    reparent_leaves,
    subtheme_cap,
    trim_top_level,
)
from empathic.themes.labels import container_words
from empathic.themes.model import (
    Theme,
    children,
    normalise,
    refresh_parent_centroids,
    text_hash,
    theme_text,
    theme_texts,
)
from empathic.themes.naming import named_only
from empathic.themes.persist import centroid_rows, load_themes, now
from empathic.themes.refine import refine
from empathic.themes.segments import segment_tags
from empathic.themes.unit_vectors import UnitVectors, map_in_place

STAGE = Stage(
    name="themes",
    reads_stages=("sentences",),
    reads=("sentences", "feedback", "themes", "theme_centroids", "sentence_themes", "theme_edits", "embedding_cache"),
    writes=(
        "themes",
        "sentence_themes",
        "feedback_themes",
        "theme_centroids",
        "theme_edits",
        "theme_summaries",
        "feedback_entities",
        "embedding_cache",
    ),
    requires=("sentences",),
    settings=("themes", "seed"),
    row_functions=("empathic.themes.assign_rows.assign_batch",),
)
NAME = STAGE.name
REQUIRES = STAGE.requires
WEAK_UNITS = 50
#: Catch-alls dissolved one after the other at most (relabelled, the next broad top-level theme can read
#: "<product> (general)": on BA reviews "flight (general)", then "airline (general)").
PROMOTE_ROUNDS = 3
#: Units tagged with the themes of their other aspects (:func:`segment_tags`) up to this many distinct texts.
SEGMENT_TAG_MAX_UNITS = 50_000


def _units(store: Store) -> tuple[pa.Table, list[str], np.ndarray]:
    """Units in content order (:func:`content_order`), unique normalised texts sorted by hash, each unit's text
    index.

    Each distinct raw text is normalised once and units refer to it by index (no Python string per unit: at a
    million comments, 2.1M units, the per-unit lists were over a gigabyte of the stage's peak).
    """
    units = store.read("SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY feedback_id, sentence_idx")
    n = units.num_rows
    if not n:
        return units, [], np.zeros(0, np.int64)
    encoded = pc.dictionary_encode(units.column("text").combine_chunks(), null_encoding="encode")
    norm = [" ".join((t or "").split()) for t in encoded.dictionary.to_pylist()]
    raw_of_unit = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    fids = units.column("feedback_id").combine_chunks()
    codes = fids.dictionary_encode().indices.to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    order = _order_comments(starts.tolist(), n, fids.take(pa.array(starts)).to_pylist(), _UnitKeys(norm, raw_of_unit))
    units = units.take(pa.array(order, pa.int64()))
    ordered = sorted((text_hash(t), t) for t in set(norm))
    uniq = [t for _, t in ordered]
    index = {t: i for i, t in enumerate(uniq)}
    norm_pos = np.fromiter(map(index.__getitem__, norm), dtype=np.int64, count=len(norm))
    return units, uniq, norm_pos[raw_of_unit[order]]


class _UnitKeys:
    """The units' normalised texts, read by slice (``keys[a:b]``) without a list of one string per unit."""

    def __init__(self, norm: list[str], raw_of_unit: np.ndarray) -> None:
        self._norm, self._raw = norm, raw_of_unit

    def __getitem__(self, span: slice) -> list[str]:
        return [self._norm[r] for r in self._raw[span].tolist()]


def content_order(feedback_ids: list[str], texts: list[str]) -> np.ndarray:
    """Row order of units given in (feedback_id, sentence_idx) order that depends on what the comments say, not on
    their ids: comments by the hash of their unit texts (id only between identical comments), units of a comment
    together and in sentence order.

    Leiden, the discovery sample's first unit of a repeated text, refinement and the label samples all read units
    in this order, and on diffuse data (seed stability 0.6–0.8) any change of order gives another partition: with
    units in id order, the same BA reviews under ids ``ba0…`` and ``r00000…`` gave two different trees.
    """
    n = len(feedback_ids)
    if not n:
        return np.zeros(0, np.int64)
    starts = [0] + [i for i in range(1, n) if feedback_ids[i] != feedback_ids[i - 1]]
    return _order_comments(starts, n, [feedback_ids[a] for a in starts], texts)


def _order_comments(starts: list[int], n: int, first_ids: list[str], texts) -> np.ndarray:
    """:func:`content_order` given each comment's first unit and id (``texts[a:b]``: the texts of units a..b)."""
    bounds = zip(starts, [*starts[1:], n], strict=True)
    keyed = sorted((text_hash("\n".join(texts[a:b])), fid, a, b) for (a, b), fid in zip(bounds, first_ids, strict=True))
    first = np.fromiter((a for _, _, a, _ in keyed), dtype=np.int64, count=len(keyed))
    sizes = np.fromiter((b - a for _, _, a, b in keyed), dtype=np.int64, count=len(keyed))
    # the units of each comment in turn: first[k], first[k] + 1, … for sizes[k] units
    return np.arange(n, dtype=np.int64) + np.repeat(first - (np.cumsum(sizes) - sizes), sizes)


def names_only(texts: list[str], entity_words: set[str]) -> np.ndarray:
    """Per text: whether it names a place or a name and every other word of it is a stop word ("San Jose to
    London.", "BA 117."; not "It's ok.", which names nothing and keeps its comment's context)."""
    from empathic.themes.labels import TOKEN
    from empathic.themes.stopwords import STOP_WORDS

    def only_names(text: str) -> bool:
        words = TOKEN.findall(text.lower())
        return any(w in entity_words for w in words) and all(w in STOP_WORDS or w in entity_words for w in words)

    return np.array([only_names(t) for t in texts], dtype=bool)


def _comment_runs(units: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Each comment's first unit and number of units (units are ordered by comment, so a comment is one run)."""
    fids = units.column("feedback_id").combine_chunks().dictionary_encode().indices.to_numpy()
    n = len(fids)
    starts = np.flatnonzero(np.r_[True, fids[1:] != fids[:-1]]) if n else np.zeros(0, np.int64)
    return starts, np.diff(np.r_[starts, n])


def _long_comments_only(units: pa.Table, row: np.ndarray) -> np.ndarray:
    """``row`` (each unit's comment-vector row) with −1 for units of comments shorter than ``WHOLE_MIN_UNITS``."""
    _, sizes = _comment_runs(units)
    return np.where(np.repeat(sizes, sizes) >= WHOLE_MIN_UNITS, row, -1)


def _comment_of_unit(units: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: its comment's row among the comments that have several units (−1 for single-unit comments),
    and the index of each such comment's first unit."""
    starts, sizes = _comment_runs(units)
    multi = sizes > 1
    row = np.where(multi, np.cumsum(multi) - 1, -1)
    return np.repeat(row, sizes), starts[multi]


def _vectors(
    store: Store,
    units: pa.Table,
    pos: np.ndarray,
    uniq: list[str],
    hashes: list[str],
    settings: Settings,
    progress: Progress,
):
    """Accurate mode: vectors of the unique texts, the discovery sample and the new cache rows."""
    vectors, cache = cached_embed(store, "accurate", uniq, hashes, progress)
    return vectors, _discovery_sample(units, pos, len(uniq), settings.themes.max_discovery_units), [cache]


def _fast_vectors(store: Store, units: pa.Table, uniq: list[str], pos: np.ndarray, ts, progress):
    """Fast mode: per-unit vectors in the accurate space, the discovery sample (unique-text indices), the new
    cache rows and the comments' own vectors (each unit's comment row, −1 for a one-unit comment; the vectors).

    MiniLM embeds the sample in two worker threads (:class:`BackgroundEmbed`) while this thread computes the static
    sums of every unique text and, from them, every comment's: the sum of its units' sums (no second tokenisation).
    Context mixing is one vectorised pass: normalise(unit + w · comment) for units of multi-unit comments.
    """
    from empathic.text.embed import get_embedder

    sample = _discovery_sample(units, pos, len(uniq), ts.fast_discovery_sample)
    hashes = [text_hash(uniq[i]) for i in sample]  # only the sample is cached (static vectors are recomputed)
    accurate = get_embedder("accurate")
    acc, missing = cache_lookup(store, accurate, hashes)
    progress("embed sample (accurate)", 0, len(missing))
    job = BackgroundEmbed([uniq[sample[i]] for i in missing]) if len(missing) else None
    progress("embed units (fast)", 0, len(uniq))
    units_static = get_embedder("fast-minilm").sums(uniq)
    # while MiniLM still runs: the comments' static vectors (the sum of their units' sums), then the units' own
    comment, first = _comment_of_unit(units)
    comments_static = None
    if len(first):
        has = np.flatnonzero(comment >= 0)
        # a comment's units are contiguous: one sparse (comments × unique texts) product sums each comment's units
        indptr = np.r_[np.flatnonzero(np.r_[True, np.diff(comment[has]) != 0]), len(has)]
        members = sp.csr_matrix((np.ones(len(has), np.float32), pos[has], indptr), shape=(len(first), len(uniq)))
        comments_static = normalise_rows(np.asarray(members @ units_static, dtype=np.float32))
    normalise_rows(units_static)
    progress("embed units (fast)", len(uniq), len(uniq))
    if job is not None:
        progress("embed sample (accurate)", 0, len(missing))
        acc[missing] = job.result()
        progress("embed sample (accurate)", len(missing), len(missing))
    progress("map to the accurate space", 0, len(pos))
    cache = cache_rows(accurate.name, acc, hashes, missing)
    mapping = fit_mapping(units_static[sample], acc)
    mapped = apply_mapping(units_static, mapping)
    del units_static
    mapped[sample] = acc  # the sample's units carry their MiniLM vectors
    context = np.zeros((0, mapped.shape[1]), np.float32)
    if comments_static is not None:
        context = map_in_place(comments_static, mapping)  # the comments' static vectors become their context
    # per-unit vectors are computed when read (not 1.5 KB held per unit): the memory bound of the stage
    vectors = UnitVectors(mapped, pos, comment, context, ts.context_weight)
    progress("map to the accurate space", len(pos), len(pos))
    return vectors, sample, [cache], (comment, context)  # no multi-unit comment: every row is −1


def _discovery_sample(units: pa.Table, pos: np.ndarray, n_uniq: int, size: int) -> np.ndarray:
    """Indices of the ``size`` unique texts discovery clusters (all of them, in hash order, when they fit), drawn
    so that each *comment* weighs the same.

    A ten-sentence review would otherwise count ten times a one-line comment in deciding what the themes are, and a
    corpus of long reviews and short tickets would get its themes from the reviews' sentences. Each unit weighs
    1 / (units of its comment); a text weighs the sum over its units; the order is a weighted sample without
    replacement (Efraimidis–Spirakis keys −log(1 − u) / w, with u spread evenly over the texts' hash order), so
    equal weights keep the hash order itself and the result is deterministic.
    """
    if n_uniq <= size:
        return np.arange(n_uniq)
    _, sizes = _comment_runs(units)
    unit_weight = np.repeat(1.0 / sizes, sizes)
    weight = np.bincount(pos, weights=unit_weight, minlength=n_uniq)
    u = (np.arange(n_uniq) + 0.5) / max(1, n_uniq)
    return np.sort(np.argsort(-np.log1p(-u) / np.maximum(weight, 1e-12), kind="stable")[:size])


def _units_in_context(
    uniq_vectors: np.ndarray, pos: np.ndarray, comment: np.ndarray, context: np.ndarray, weight: float
) -> np.ndarray:
    """Per-unit vectors: each unit's text vector, plus its comment's (weighted) context vector where it has one,
    re-normalised. Done in row blocks that stay in cache: gathering 240k × 384 floats, then gathering and scattering
    the mixed rows across the whole array, took ~1 s more at 100k comments than the same work block by block."""
    out = np.empty((len(pos), uniq_vectors.shape[1]), np.float32)
    for start in range(0, len(pos), 8192):
        block = out[start : start + 8192]
        np.take(uniq_vectors, pos[start : start + 8192], axis=0, out=block)
        if weight <= 0 or not len(context):
            continue
        rows = comment[start : start + 8192]
        mix = np.flatnonzero(rows >= 0)
        if len(mix):
            mixed = block[mix]
            mixed += weight * context[rows[mix]]
            block[mix] = normalise_rows(mixed)
    return out


MULTI_UNIT_COMMENTS_SQL = """SELECT f.feedback_id, f.text FROM feedback f
    WHERE f.feedback_id IN (SELECT feedback_id FROM sentences GROUP BY 1 HAVING count(*) > 1)
    ORDER BY f.feedback_id"""


def _in_context(
    store: Store, units: pa.Table, unit_vectors: np.ndarray, comments: pa.Table, weight, progress, entities
):
    """Accurate mode: units of multi-unit comments get their comment's meaning mixed in: normalise(unit + w · comment).

    A fragment such as "maybe you can confirm" means nothing alone; with its comment's vector it lands with the
    comment's topic, while the unit's own words still dominate (w = ``themes.context_weight``). The comment is
    embedded whole (its aspect text): on SemEval-16 restaurant sentences the mean of its units' vectors instead
    recovered the code frame worse (0.534 against 0.564). Its cost is counted in ``auto``'s character budget.
    Returns the per-unit vectors, the new cache rows and the comments' own vectors (each unit's comment row, −1
    for a one-unit comment; the vectors).
    """
    if weight <= 0 or comments.num_rows == 0:
        return unit_vectors, [], (np.full(len(unit_vectors), -1), np.zeros((0, unit_vectors.shape[1]), np.float32))
    texts = aspect_texts(
        [theme_text(" ".join((t or "").split())) for t in comments.column("text").to_pylist()], entities
    )
    hashes = [text_hash(t) for t in texts]
    cvecs, cache = cached_embed(store, "accurate", texts, hashes, progress)
    row = {f: i for i, f in enumerate(comments.column("feedback_id").to_pylist())}
    idx = np.array([row.get(f, -1) for f in units.column("feedback_id").to_pylist()])
    has = idx >= 0
    unit_vectors[has] = normalise(unit_vectors[has] + weight * cvecs[idx[has]])
    return unit_vectors, [cache], (idx, cvecs)


def _embed_accurate(texts: list[str]) -> np.ndarray:
    from empathic.text.embed import get_embedder

    return get_embedder("accurate").embed(texts)


def _tidy_tree(themes: list[Theme], result: Assignment, *, merge: bool) -> bool:
    """The labelled tree made readable, in place (:mod:`empathic.themes.hierarchy`): each subtheme under the parent
    it is nearest, themes with synonym labels merged (only with ``merge``: on Banking77's crisp intents, merging
    by label cost 0.03 NMI and 0.13 ARI, 124 → 89 subthemes), catch-all subthemes folded into their parents (the
    units keep their leaf, so the partition stays). Returns whether anything changed."""
    units = leaf_units(themes, result)
    moved = reparent_leaves(themes)
    merged = []
    if merge:
        labels = sorted({t.label for t in themes if t.alive})
        merged = merge_synonyms(themes, units, dict(zip(labels, _label_vectors(labels), strict=True)))
    folded = dissolve_catch_alls(themes, units)
    return bool(moved or merged or folded)


def _promote(themes: list[Theme]) -> list[str]:
    """The subthemes of the product's catch-all moved out of it (:func:`promote_from_catch_all`)."""
    labels = sorted({t.label for t in themes if t.alive})
    return promote_from_catch_all(themes, dict(zip(labels, _label_vectors(labels), strict=True)))


def _label_vectors(labels: list[str]) -> np.ndarray:
    """L2-normalised static vectors of theme labels (the embedder in MiniLM's space: milliseconds for a tree)."""
    from empathic.text.embed import get_embedder

    if not labels:
        return np.zeros((0, 384), np.float32)
    return normalise_rows(np.asarray(get_embedder("fast-minilm").embed(labels), dtype=np.float32))


def _members_fn(themes: list[Theme], vectors: np.ndarray, ts, guided_units=None):
    """A theme's units for an edit (``split``); a guided theme's are what its matcher tags (``guided_units``)."""

    def members(theme_id: str) -> np.ndarray:
        if guided_units is not None and any(t.theme_id == theme_id and t.origin == "guided" for t in themes):
            return np.unique(guided_units(theme_id))
        result = assign(vectors, themes, min_similarity=ts.min_similarity, guided_similarity=ts.guided_similarity)
        ids = {theme_id} | {c.theme_id for c in children(themes, theme_id)}
        keep = [i for i, leaf in enumerate(result.leaf_ids) if leaf in ids]
        return np.flatnonzero(np.isin(result.leaf, keep))

    return members


def run(store: Store, settings: Settings, progress: Progress) -> StageResult:
    """Find or update themes for every sentence unit and store the tree and assignments."""
    ts = settings.themes
    units, uniq, pos = _units(store)
    if units.num_rows == 0:
        return StageResult(NAME, skipped=True, message="no sentence units (ingest comments with text first)")
    warnings = []
    if len(uniq) < WEAK_UNITS:
        warnings.append(f"only {len(uniq)} distinct sentence units: themes will be coarse")
    n_unique = len(uniq)
    comments = empty = pa.table({"feedback_id": pa.array([], pa.string()), "text": pa.array([], pa.string())})
    n_chars = 0
    if ts.mode == "accurate" or (ts.mode == "auto" and n_unique <= ts.accurate_max_units):
        # accurate mode embeds every distinct unit and every multi-unit comment whole: both count in its budget
        comments = store.read(MULTI_UNIT_COMMENTS_SQL)
        n_chars = sum(map(len, uniq)) + sum(len(t or "") for t in comments.column("text").to_pylist())
    mode = choose_mode(ts.mode, n_unique, ts.accurate_max_units, n_chars, ts.accurate_max_chars)
    if mode == "fast":
        comments = empty
    # vectors come from the aspect text (no @handles, URLs, ticket numbers, judgements or places), labels also
    # without other names (a brand may be what a unit is about, never what a theme is called); quotes show the raw
    # unit
    names, places = entity_words(uniq)
    stripped = theme_texts(uniq)
    meaning, wording = vector_and_label_texts(stripped, places, names)
    entities = _entity_rows(units, pos, entity_mentions(uniq, names), set(places))
    # from here on everything is per unit (same order as ``units``); texts repeat, vectors carry context
    if mode == "fast":
        vectors, uniq_sample, new_cache, whole = _fast_vectors(store, units, meaning, pos, ts, progress)
    else:
        hashes = [text_hash(t) for t in meaning]
        uniq_vectors, uniq_sample, new_cache = _vectors(store, units, pos, meaning, hashes, settings, progress)
        vectors, more_cache, whole = _in_context(
            store, units, uniq_vectors[pos], comments, ts.context_weight, progress, places
        )
        new_cache += more_cache
    only_names = names_only(uniq, set(names) | set(places))[pos]
    _, first_unit = np.unique(pos, return_index=True)
    sample = first_unit[uniq_sample]
    unique_texts = uniq
    uniq = [uniq[i] for i in pos]
    meaning = [wording[i] for i in pos]  # from here on only read for labels and ids
    text_of_unit = pos
    pos = np.arange(len(pos))
    previous = load_themes(store)
    edits = store.read("SELECT edit_id, op, payload, applied FROM theme_edits ORDER BY seq, edit_id").to_pylist()
    rediscovered = not previous or ts.rediscover
    info = None
    if rediscovered:
        progress("discover themes", 0, 1)
        themes, info = discover([meaning[i] for i in sample], vectors[sample], ts, seed=settings.seed)
        progress("discover themes", 1, 1)
        # a unit that only names places or names ("San Jose to London.") says nothing about an aspect: it is no
        # theme's (a zero vector is below every theme's similarity; its places are in feedback_entities), and a
        # theme of such units is left empty and dropped as a ghost. After discovery, not before: leaving a few units
        # out of Leiden's graph gives another partition (SemEval-16 restaurants: 5 of 1,708 sentences left out moved
        # code-frame recovery by 0.016, 2 of them by 0.07)
        vectors[only_names] = 0.0
        # before the ids are matched and the user's edits replayed, so an edit of a refined subtheme finds it
        first = assign(vectors, themes, min_similarity=ts.min_similarity, guided_similarity=ts.guided_similarity)
        if ts.refine_min_units:
            progress("refine big subthemes", 0, 1)
            if refine(themes, meaning, vectors, first, min_units=ts.refine_min_units, k=ts.knn, seed=settings.seed):
                first = assign(
                    vectors, themes, min_similarity=ts.min_similarity, guided_similarity=ts.guided_similarity
                )
            progress("refine big subthemes", 1, 1)
        comment_of = units.column("feedback_id").combine_chunks().dictionary_encode().indices.to_numpy()
        if drop_ghosts(themes, first, ts.min_theme_units, comment_of):
            first = assign(vectors, themes, min_similarity=ts.min_similarity, guided_similarity=ts.guided_similarity)
        if info.stability < CLEAR_STABILITY:  # crisp communities (intents) are distinct by definition: kept
            cap_subthemes(themes, vectors, first, subtheme_cap(len(_comment_runs(units)[0])))
        refresh_parent_centroids(themes)
        match_to_previous(themes, previous)
        todo = edits
    else:
        themes, todo = previous, [e for e in edits if not e["applied"]]
    vectors[only_names] = 0.0  # kept themes too (see above)

    def guided_units(theme_id: str) -> np.ndarray:
        tags = _guided_tags(store, themes, edits, unique_texts, text_of_unit, ts, progress, new_cache)
        return tags.get(theme_id, (np.zeros(0, np.int64),))[0]

    ctx = EditContext(uniq, vectors, _members_fn(themes, vectors, ts, guided_units), _embed_accurate, settings.seed)
    not_applied = 0
    for edit in todo:
        warning = apply_edit(themes, edit["op"], json.loads(edit["payload"]), ctx)
        if warning:
            warnings.append(warning)
            not_applied += 1
    guided_tags = _guided_tags(store, themes, edits, unique_texts, text_of_unit, ts, progress, new_cache)
    progress("assign units", 0, len(vectors))
    result = _assign(vectors, themes, ts, guided_tags)
    progress("assign units", len(vectors), len(vectors))
    starts, sizes = _comment_runs(units)
    containers = container_words([meaning[a : a + n] for a, n in zip(starts.tolist(), sizes.tolist(), strict=True)])
    if rediscovered:
        relabel_from_members(themes, meaning, result, ts.n_keywords, containers)
        # crisp communities (intents) are distinct by definition: never merged (as the cap leaves them)
        if _tidy_tree(themes, result, merge=info.stability < CLEAR_STABILITY):  # changed: reassign, relabel
            refresh_parent_centroids(themes)
            result = _assign(vectors, themes, ts, guided_tags)
            relabel_from_members(themes, meaning, result, ts.n_keywords, containers)
        for _ in range(PROMOTE_ROUNDS):  # the product's catch-all gone: its subthemes relabelled, synonyms merged
            if not _promote(themes):
                break
            refresh_parent_centroids(themes)
            result = _assign(vectors, themes, ts, guided_tags)
            relabel_from_members(themes, meaning, result, ts.n_keywords, containers)
            labels = sorted({t.label for t in themes if t.alive})
            merge_lone_top_synonyms(
                themes, leaf_units(themes, result), dict(zip(labels, _label_vectors(labels), strict=True))
            )
            trim_top_level(themes, leaf_units(themes, result), ts.max_top_themes)
            result = _assign(vectors, themes, ts, guided_tags)
            relabel_from_members(themes, meaning, result, ts.n_keywords, containers)
    result, _ = named_only(result, themes, meaning, sizes, containers)
    if rediscovered and drop_ghosts(themes, result, ts.min_theme_units, comment_of):
        refresh_parent_centroids(themes)  # leaves naming almost nothing: their units go to their next-nearest
        result, _ = named_only(_assign(vectors, themes, ts, guided_tags), themes, meaning, sizes, containers)
    n_emerging = 0
    if not rediscovered:
        emerging = _emerging(store, units, pos, meaning, vectors, result, themes, settings)
        if emerging:
            themes.extend(emerging)
            n_emerging = len(emerging)
            result = _assign(vectors, themes, ts, guided_tags)
    if len(wording) <= SEGMENT_TAG_MAX_UNITS:  # linear and cheap (static vectors of short segments), either mode
        discovered = [t for t in themes if t.origin != "guided"]
        result = _with_segment_tags(result, wording, text_of_unit, discovered, ts.min_similarity)
        result, _ = named_only(result, themes, meaning, sizes, containers)  # the segments' tags too
    st = sentence_rows(
        np.asarray(units.column("feedback_id").to_pylist(), dtype=object),
        units.column("sentence_idx").to_numpy(),
        pos,
        result,
        themes,
        (_long_comments_only(units, whole[0]), comment_similarity(whole[1], themes, result.leaf_ids)),
    )
    model_name = "minilm-l6-v2-int8"
    progress("write themes", 0, 1)
    with store.write() as con:
        con.register("st", st)
        ft = con.sql(FEEDBACK_THEMES_SQL).to_arrow_table()
        con.register("ft", ft)
        created = dict(con.execute("SELECT theme_id, created_at FROM themes").fetchall())
        tree = theme_rows.theme_table(con, themes, uniq, vectors, units, pos, result, ts, created, now())
        empty_table(con, "sentence_themes")
        empty_table(con, "feedback_themes")
        empty_table(con, "themes")
        empty_table(con, "theme_centroids")
        con.execute(
            "INSERT INTO sentence_themes BY NAME SELECT feedback_id, sentence_idx, theme_id, subtheme_id, score FROM st"
        )
        con.execute("INSERT INTO feedback_themes BY NAME SELECT * FROM ft")
        con.register("tree", tree)
        con.execute("INSERT INTO themes BY NAME SELECT * EXCLUDE (summary) FROM tree")
        empty_table(con, "theme_summaries")
        con.execute("INSERT INTO theme_summaries BY NAME SELECT theme_id, summary FROM tree")
        con.register("cents", centroid_rows(themes, model_name))
        con.execute("INSERT INTO theme_centroids BY NAME SELECT * FROM cents")
        for i, rows in enumerate(new_cache):
            if rows.num_rows:
                con.register(f"cache{i}", rows)
                con.execute(f"INSERT OR IGNORE INTO embedding_cache BY NAME SELECT * FROM cache{i}")
        empty_table(con, "feedback_entities")
        con.register("ents", entities)
        con.execute("INSERT INTO feedback_entities BY NAME SELECT * FROM ents")
        con.unregister("ents")
        con.execute("UPDATE theme_edits SET applied = true")
        coverage = con.execute(  # before unregistering ft (not through DuckDB's scan of Python variables)
            "SELECT avg(CASE WHEN theme_id = 'other' THEN 0 ELSE 1 END) FROM ft WHERE is_primary AND level = 1"
        ).fetchall()[0][0]
        for name in ("st", "ft", "tree", "cents"):
            con.unregister(name)
        n_top = con.execute(
            "SELECT count(*) FROM themes WHERE level = 1 AND NOT is_other AND status <> 'deleted'"
        ).fetchone()[0]
        n_sub = con.execute("SELECT count(*) FROM themes WHERE level = 2 AND status <> 'deleted'").fetchone()[0]
    progress("write themes", 1, 1)
    counts = {
        "mode": mode,
        "units": units.num_rows,
        "unique_units": n_unique,
        "discovered": bool(rediscovered),
        "themes": int(n_top),
        "subthemes": int(n_sub),
        "emerging": n_emerging,
        "coverage": round(float(coverage or 0.0), 4),
        # every stored edit the output carries: replayed now, or already in the kept themes (their replay), not
        # only the edits new since the last run (which made a re-analysis after an edit report 0)
        "edits_applied": len(edits) - not_applied,
        "edits_new": len(todo),
    }
    if info is not None:
        counts.update(resolution=info.resolution, stability=round(info.stability, 4))
    message = f"mode={mode}; {n_top} themes, {n_sub} subthemes; coverage {100 * (coverage or 0):.1f}%"
    return StageResult(NAME, message=message, counts=counts, warnings=warnings)


def _guided_specs(themes: list[Theme], edits: list[dict]) -> list[GuidedSpec]:
    """What the analyst gave each alive guided theme (its latest ``create`` edit), in tree order."""
    given: dict[str, dict] = {}
    for edit in edits:
        if edit["op"] == "create":
            payload = json.loads(edit["payload"])
            given[payload.get("theme_id") or guided_id(payload["label"])] = payload
    specs = []
    for t in themes:
        payload = given.get(t.theme_id)
        if t.alive and t.origin == "guided" and payload is not None:
            keywords = tuple(k for k in payload.get("keywords") or [] if k and k.strip())
            examples = tuple(e for e in payload.get("examples") or [] if e and e.strip())
            specs.append(GuidedSpec(t.theme_id, t.label, keywords, examples))
    return specs


def _guided_tags(
    store: Store, themes, edits, texts: list[str], text_of_unit: np.ndarray, ts, progress, new_cache: list
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per guided theme: the units it tags and their scores (:func:`match_guided` on the distinct unit texts).

    The accurate vectors it needs (examples, anchored units) come from the workspace's embedding cache; new ones
    are appended to ``new_cache`` so the next run finds them.
    """
    specs = _guided_specs(themes, edits)
    if not specs:
        return {}
    from empathic.text.embed import get_embedder

    fresh: dict[str, tuple[str, np.ndarray]] = {}

    def embed(batch: list[str]) -> np.ndarray:
        hashes = [text_hash(t) for t in batch]
        known = [fresh[h][1] if h in fresh else None for h in hashes]
        todo = [i for i, v in enumerate(known) if v is None]
        if todo:
            vecs, rows = cached_embed(store, "accurate", [batch[i] for i in todo], [hashes[i] for i in todo], progress)
            new = set(rows.column("text_hash").to_pylist())
            for i, v in zip(todo, vecs, strict=True):
                known[i] = v
                if hashes[i] in new:
                    fresh[hashes[i]] = (batch[i], v)
        return np.stack(known) if known else np.zeros((0, get_embedder("accurate").dim), np.float32)

    static = get_embedder("fast-minilm").embed
    order = np.argsort(text_of_unit, kind="stable")
    starts = np.searchsorted(text_of_unit[order], np.arange(len(texts) + 1))
    tags = {}
    for spec in specs:
        progress(f"guided theme {spec.label}", 0, 1)
        found = match_guided(texts, spec, embed=embed, word_embed=static, sure=ts.guided_similarity)
        units = [order[starts[p] : starts[p + 1]] for p in found.positions]
        scores = [np.full(len(u), s, np.float32) for u, s in zip(units, found.scores, strict=True)]
        tags[spec.theme_id] = (
            np.concatenate(units) if units else np.zeros(0, np.int64),
            np.concatenate(scores) if scores else np.zeros(0, np.float32),
        )
        progress(f"guided theme {spec.label}", 1, 1)
    if fresh:
        embedder = get_embedder("accurate")
        hashes = sorted(fresh)
        vectors = np.stack([fresh[h][1] for h in hashes]).astype(np.float32)
        new_cache.append(cache_rows(embedder.name, vectors, hashes, np.arange(len(hashes))))
    return tags


def _assign(vectors: np.ndarray, themes: list[Theme], ts, guided_tags: dict) -> Assignment:
    """Units to the nearest discovered leaf; guided themes tag exactly the units their matcher found.

    A guided theme is not a nearest-prototype competitor: its members are what :func:`_guided_tags` found, added
    as extra tags (so a comment keeps its discovered theme too).
    """
    discovered = [t for t in themes if t.origin != "guided"]
    guided = [t for t in themes if t.alive and t.origin == "guided" and len(t.prototypes)]
    base = assign(vectors, discovered, min_similarity=ts.min_similarity, guided_similarity=2.0)
    if not guided:
        return base
    extra = [
        (int(u), t.theme_id, float(s))
        for t in guided
        for u, s in zip(*guided_tags.get(t.theme_id, (np.zeros(0, np.int64), np.zeros(0))), strict=True)
    ]
    return replace(base, leaf_ids=[*base.leaf_ids, *(t.theme_id for t in guided)], extra=extra)


def _entity_rows(units: pa.Table, pos: np.ndarray, mentions: list[list[str]], places: set[str]) -> pa.Table:
    """``feedback_entities`` rows: each comment's distinct names (from its units' texts), place or name."""
    seen: set[tuple[str, str]] = set()
    for fid, p in zip(units.column("feedback_id").to_pylist(), pos.tolist(), strict=True):
        for entity in mentions[p]:
            seen.add((fid, entity))
    rows = sorted(seen)
    kinds = ["place" if all(w.lower() in places for w in e.split()) else "name" for _, e in rows]
    return pa.table(
        {"feedback_id": [f for f, _ in rows], "entity": [e for _, e in rows], "kind": kinds},
        schema=TABLES["feedback_entities"].arrow_schema(),
    )


def _with_segment_tags(
    result: Assignment, texts: list[str], text_of_unit: np.ndarray, themes: list[Theme], min_similarity: float
) -> Assignment:
    """``result`` plus the themes of the units' other aspects (:func:`segment_tags`), found once per distinct text
    (on its first unit's assignment; a text's units share their vector unless their comments differ)."""
    _, first = np.unique(text_of_unit, return_index=True)
    per_text = Assignment(
        result.leaf_ids, result.leaf[first], result.score[first], result.fits[first], []
    )  # text i ↔ its first unit
    tags = segment_tags(texts, per_text, themes, min_similarity=min_similarity)
    if not tags:
        return result
    units_of: dict[int, list[int]] = {}
    for u, t in enumerate(text_of_unit.tolist()):
        units_of.setdefault(t, []).append(u)
    extra = [
        (u, tid, sc)
        for t, tid, sc in tags
        for u in units_of[t]
        if result.leaf[u] < 0 or result.leaf_ids[result.leaf[u]] != tid
    ]
    return replace(result, secondary=extra)


def _emerging(store, units, pos, texts, vectors, result, themes, settings) -> list[Theme]:
    """Emerging themes from units that are new since the last run and fit no existing theme."""
    seen = store.read("SELECT DISTINCT feedback_id FROM sentence_themes").column("feedback_id").to_pylist()
    if not seen:
        return []
    seen_set = set(seen)
    fids = units.column("feedback_id").to_pylist()
    new_units = np.array([f not in seen_set for f in fids])
    if not new_units.any():
        return []
    new_pos = np.unique(pos[new_units])
    old_pos = np.setdiff1d(np.unique(pos[~new_units]), new_pos)
    candidates = new_pos[~result.fits[new_pos]]
    n_comments = np.bincount(pos[new_units], minlength=len(texts))[candidates]
    background = [texts[i] for i in old_pos[:: max(1, len(old_pos) // 3000)]]
    found, _ = find_emerging(
        [texts[i] for i in candidates],
        vectors[candidates],
        n_comments,
        background,
        themes,
        settings.themes,
        seed=settings.seed,
    )
    return found
