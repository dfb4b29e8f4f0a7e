"""Feelings stage speed: fast mode on the Women's clothing reviews, accurate mode on long airline reviews.

Run from the repo root (works without /work/shared: it uses the bundled sample)::

    .venv/bin/python bench/feelings_speed.py [--limit N] [--repeat 2] [--profile] [--write]
    .venv/bin/python bench/feelings_speed.py --quality      # fast-mode quality figures only
    .venv/bin/python bench/feelings_speed.py --fast-embedder fast-minilm --models /tmp/heads-v2   # other fast heads
    PYTHONPATH=<old checkout>/src .venv/bin/python bench/feelings_speed.py --no-phases   # the same run, older code
    .venv/bin/python bench/feelings_speed.py --reviews 2000 [--dump out.parquet]   # accurate mode, long reviews

Ingests the reviews and splits them into sentence units (not timed), then times:

- ``stage``: the real stage (``run_stage(store, feelings.stage)``: read units from DuckDB, embed, every head and
  rule, roll-up, one write), wall and CPU seconds of this process and its children, best of ``--repeat`` runs
  (models are loaded by a warm-up run on 200 comments first, so the figure is the steady cost);
- per-phase times of the same steps run one after the other in this process (read, clean, embed, lexicon, heads,
  rules, assembly, roll-up, write), so the lead can see where the time goes.

``--reviews N`` (issue 17 item 8, issue 18 accurate throughput): the first N long reviews of BA + Skytrax seat
reviews (the same texts as ``bench/themes_speed.py --reviews``; needs the shared data) ingested, split and themed
(not timed: the themes stage fills the MiniLM cache the feelings stage reuses), then the feelings stage in accurate
mode, wall and CPU seconds of this process, after a 20-review warm-up run that loads the models. ``--dump`` writes
the unit feelings so two checkouts can be compared row by row (``--compare A B``).

Prints JSON; ``--write`` also writes ``docs/bench/feelings-speed.json``. Report wall *and* CPU seconds: the machine
is shared, and CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from data_root import data_root

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "empathic" / "data" / "womens_clothing_reviews.csv.gz"
OUT = ROOT / "docs" / "bench" / "feelings-speed.json"


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its (finished) children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Clock:
    """Wall and CPU seconds since construction."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def lap(self) -> dict:
        return {"wall_s": round(time.perf_counter() - self.wall, 3), "cpu_s": round(cpu_seconds() - self.cpu, 3)}


def reviews(limit: int | None) -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE).dropna(subset=["Review Text"])
    frame = frame.head(limit) if limit else frame
    return pd.DataFrame({"id": frame["Unnamed: 0"].astype(str), "text": frame["Review Text"]})


def phases(store, settings) -> dict:
    """The stage's steps one at a time over all units (same functions and order as ``stage.run`` and
    ``annotate_units``; one batch instead of 20k-unit batches, every unit instead of the distinct texts, and no
    write), wall and CPU seconds each; the heads run with BLAS on one thread, as in ``annotate_units``."""
    import pyarrow as pa

    from empathic.feelings import rules
    from empathic.feelings import stage as feelings_stage
    from empathic.feelings.annotate import _one_blas_thread, aggregate_comments, annotate_units, scores_json
    from empathic.feelings.emotions import detect_emotions, emotion_labels
    from empathic.feelings.empathy import classify_quadrant, pains_and_gains
    from empathic.feelings.intent import classify_intent
    from empathic.feelings.lexicon import lexicon_features
    from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities
    from empathic.feelings.textnorm import clean_texts
    from empathic.feelings.vectors import unit_vectors
    from empathic.progress import silent

    fs, out = settings.feelings, {}

    def step(name, fn):
        c = Clock()
        value = fn()
        out[name] = c.lap()
        return value

    units = step("read", lambda: store.read("SELECT feedback_id, sentence_idx, text FROM sentences ORDER BY 1, 2"))
    texts = units.column("text").to_pylist()
    cleaned = step("clean", lambda: clean_texts(texts))
    vectors, _ = step("embed", lambda: unit_vectors(store, cleaned, "fast", silent))
    with _one_blas_thread():  # as annotate_units runs them
        lex = step("lexicon", lambda: lexicon_features(cleaned))
        scores, labels = step(
            "sentiment",
            lambda: label_sentiment(
                sentiment_probabilities(texts, vectors, embedder="fast", lexicon=lex, cleaned=cleaned)
            ),
        )
        emotions = step("emotions", lambda: detect_emotions(texts, vectors, embedder="fast", lexicon=lex))
        lowered = step("lowered", lambda: rules.lowered_column(texts))
        step("quadrant", lambda: classify_quadrant(texts, vectors, embedder="fast", lowered=lowered))
        intents = step("intent", lambda: classify_intent(texts, vectors, scores, embedder="fast", lowered=lowered))
        step("pains_gains", lambda: pains_and_gains(scores, intents))
        step("emotion_labels", lambda: emotion_labels(emotions, fs.emotion_threshold))
        step("scores_json", lambda: scores_json(emotions))
        step("label_arrays", lambda: (pa.array(labels.tolist(), pa.string()), pa.array(intents.tolist(), pa.string())))
    table, emo = step("annotate_units_one_batch", lambda: annotate_units(units, vectors, fs, embedder="fast"))
    batch = feelings_stage.BATCH_UNITS

    def one(start: int):
        return annotate_units(units.slice(start, batch), vectors[start : start + batch], fs, embedder="fast")

    starts = range(0, units.num_rows, batch)
    serial = step("annotate_20k_batches_serial", lambda: [one(s) for s in starts])
    with ThreadPoolExecutor(2) as pool:  # an experiment for a quiet machine: does a second thread pay?
        threaded = step("annotate_20k_batches_2_threads", lambda: list(pool.map(one, starts)))
    assert all(a[0].equals(b[0]) for a, b in zip(serial, threaded, strict=True))
    step("roll_up", lambda: aggregate_comments(table, emo, fs))
    return out


EKMAN = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": (
        "joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
        "admiration", "desire", "caring",
    ),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}  # fmt: skip


def quality() -> dict:
    """Fast-mode quality with the same scoring as ``bench/feelings.py`` (airline tweets, GoEmotions test, the
    empathy eval set), so a speed change can show it did not cost quality. Needs the shared data for the first
    two; uses only APIs that existed before the fast path (so it also runs against an older ``src``)."""
    from sklearn.metrics import accuracy_score, f1_score

    sys.path.insert(0, str(ROOT / "bench"))
    import feelings_data as data
    from empathic.feelings.emotions import goemotions_labels, goemotions_scores
    from empathic.feelings.empathy import classify_quadrant
    from empathic.feelings.intent import classify_intent
    from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities
    from empathic.feelings.textnorm import clean_texts
    from empathic.text.embed import get_embedder

    try:
        from empathic.feelings.heads import FAST_EMBEDDER
    except ImportError:  # an older src/: its fast heads are on get_embedder("fast")
        FAST_EMBEDDER = "fast"
    embed = get_embedder(FAST_EMBEDDER).embed
    out: dict = {}
    if (data.DATA / "airline_tweets").exists():
        tw = data.airline_tweets()
        texts = tw["text"].tolist()
        proba = sentiment_probabilities(texts, embed(clean_texts(texts)), embedder="fast")
        pred = np.array(["negative", "neutral", "positive"])[proba.argmax(axis=1)]
        out["airline_macro_f1"] = round(float(f1_score(tw["label"], pred, average="macro")), 4)
        out["airline_accuracy"] = round(float(accuracy_score(tw["label"], pred)), 4)
    if data.GOEMO.exists():
        texts, labels, names = data.goemotions("test")
        y = np.zeros((len(texts), len(names)), dtype=int)
        for i, ls in enumerate(labels):
            y[i, ls] = 1
        scores = goemotions_scores(texts, embed(clean_texts(texts)), embedder="fast")
        order = [goemotions_labels("fast").index(n) for n in names]
        out["goemotions_macro_f1_28"] = round(float(f1_score(y, scores[:, order] >= 0.5, average="macro")), 4)
        ek_gold = np.column_stack([y[:, [names.index(m) for m in ms]].max(axis=1) for ms in EKMAN.values()])
        ek_pred = np.column_stack(
            [scores[:, [order[names.index(m)] for m in ms]].max(axis=1) >= 0.5 for ms in EKMAN.values()]
        )
        out["goemotions_macro_f1_ekman7"] = round(float(f1_score(ek_gold, ek_pred, average="macro")), 4)
    df = pd.read_csv(ROOT / "tests" / "feelings" / "data" / "empathy_eval.csv")
    texts = df["text"].tolist()
    vec = embed(clean_texts(texts))
    sent, _ = label_sentiment(sentiment_probabilities(texts, vec, embedder="fast"))
    quad = classify_quadrant(texts, vec, embedder="fast")
    intent = classify_intent(texts, vec, sent, embedder="fast")
    for subset, mask in (("all", np.ones(len(df), bool)), ("test_half", (df["id"] % 2 == 0).to_numpy())):
        for task, pred, classes in (
            ("quadrant", quad, ["thinks_feels", "sees", "says_does", "hears"]),
            ("intent", intent, ["complaint", "suggestion", "praise", "question", "churn", "other"]),
        ):
            gold = df[task][mask]
            present = [c for c in classes if (gold == c).any()]
            f1 = f1_score(gold, pred[mask], labels=present, average="macro", zero_division=0)
            out[f"empathy_{task}_macro_f1_{subset}"] = round(float(f1), 4)
    return out


def run(
    limit: int | None,
    repeat: int,
    profile: bool,
    with_phases: bool = True,
    workers: int | None = None,
    overlap: bool | None = None,
) -> dict:
    from empathic import Workspace
    from empathic.feelings import stage as feelings_stage
    from empathic.pipeline import run_stage

    frame = reviews(limit)
    result: dict = {"comments": len(frame), "mode": "fast", "pid_cores": os.cpu_count()}
    feelings: dict = {"mode": "fast"}
    if workers is not None:
        feelings["workers"] = workers
    if overlap is not None:  # None: the setting's default (older src/ has no such setting)
        feelings["overlap_embedding"] = overlap
    result["feelings_settings"] = feelings
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace.open(Path(tmp) / "warm.empathic", settings={"feelings": feelings}) as ws:
            ws.ingest(frame.head(200), text="text", id="id")
            ws.analyze(stages=["sentences"])
            run_stage(ws.store, feelings_stage, ws.settings)  # loads models and prototypes once
        with Workspace.open(Path(tmp) / "t.empathic", settings={"feelings": feelings}) as ws:
            ws.ingest(frame, text="text", id="id")
            ws.analyze(stages=["sentences"])
            result["units"] = ws.store.count("sentences")
            runs = []
            for _ in range(repeat):
                c = Clock()
                if profile:
                    import cProfile
                    import pstats

                    prof = cProfile.Profile(time.process_time)
                    prof.enable()
                run_stage(ws.store, feelings_stage, ws.settings)
                if profile:
                    prof.disable()
                    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)  # CPU seconds
                runs.append(c.lap())
            best = min(runs, key=lambda r: r["wall_s"])
            result["stage_runs"] = runs
            result["stage"] = best
            result["comments_per_s"] = round(len(frame) / best["wall_s"])
            result["units_per_s"] = round(result["units"] / best["wall_s"])
            result["counts"] = {
                "sentence_feelings": ws.store.count("sentence_feelings"),
                "feedback_feelings": ws.store.count("feedback_feelings"),
            }
            if with_phases:
                result["phases"] = phases(ws.store, ws.settings)
    return result


def long_reviews(limit: int) -> pd.DataFrame:
    """The first ``limit`` of the 1,324 BA reviews, then Skytrax seat reviews (``themes_speed.reviews_2k``)."""
    data = data_root()
    b = pd.read_csv(data / "ba_airline_reviews" / "ba_reviews.csv", dtype=str, keep_default_na=False)
    s = pd.read_csv(data / "skytrax_reviews" / "seat.csv", dtype=str, keep_default_na=False)
    texts = [t.strip() for t in list(b.content) + list(s.content) if t.strip()][:limit]
    return pd.DataFrame({"id": [f"r{i:05d}" for i in range(len(texts))], "text": texts})


def tweets(limit: int) -> pd.DataFrame:
    """The first ``limit`` TweetEval sentiment test tweets (short texts: about one unit each; no label is read)."""
    data = data_root()
    texts = [t.strip() for t in pd.read_csv(data / "tweeteval_sentiment" / "test.csv")["text"] if t.strip()][:limit]
    return pd.DataFrame({"id": [f"t{i:05d}" for i in range(len(texts))], "text": texts})


def run_reviews(limit: int, repeat: int, dump: str | None, source: str = "reviews") -> dict:
    """Accurate-mode feelings stage on long reviews, or on tweets (``source="tweets"``; see the module docstring);
    runs on older ``src/`` too."""
    from empathic import Workspace
    from empathic.feelings import stage as feelings_stage
    from empathic.pipeline import run_stage

    frame = tweets(limit) if source == "tweets" else long_reviews(limit)
    feelings = {"mode": "accurate"}
    result: dict = {"comments": len(frame), "texts": source, "mode": "accurate", "pid_cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace.open(Path(tmp) / "warm.empathic", settings={"feelings": feelings}) as ws:
            ws.ingest(frame.head(20), text="text", id="id")
            ws.analyze(stages=["sentences"])
            run_stage(ws.store, feelings_stage, ws.settings)  # loads the graphs and the prototypes once
        with Workspace.open(Path(tmp) / "r.empathic", settings={"feelings": feelings}) as ws:
            ws.ingest(frame, text="text", id="id")
            ws.analyze(stages=["themes"])
            result["units"] = ws.store.count("sentences")
            runs = []
            for _ in range(repeat):
                c = Clock()
                stage_result = run_stage(ws.store, feelings_stage, ws.settings)
                runs.append(c.lap())
            best = min(runs, key=lambda r: r["wall_s"])
            result.update(stage_runs=runs, stage=best, message=getattr(stage_result, "message", ""))
            result["comments_per_s"] = round(len(frame) / best["wall_s"], 1)
            result["units_per_s"] = round(result["units"] / best["wall_s"], 1)
            result["units_per_cpu_s"] = round(result["units"] / best["cpu_s"], 1)
            result["comments_per_cpu_s"] = round(len(frame) / best["cpu_s"], 1)
            if dump:
                ws.store.read_df("SELECT * FROM sentence_feelings ORDER BY feedback_id, sentence_idx").to_parquet(dump)
    return result


def compare_dumps(a: str, b: str) -> dict:
    """Rows and columns that differ between two ``--dump`` files (largest absolute difference for numbers)."""
    left, right = pd.read_parquet(a), pd.read_parquet(b)
    if len(left) != len(right):
        return {"rows": [len(left), len(right)]}
    out: dict = {"rows": len(left)}
    for column in left.columns:
        if pd.api.types.is_float_dtype(left[column]):
            out[column] = float(np.abs(left[column] - right[column]).max()) if len(left) else 0.0
        else:
            out[column] = int((left[column] != right[column]).sum())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="first N reviews (default: all 22,641 with text)")
    parser.add_argument("--repeat", type=int, default=2, help="stage runs; the best wall time is reported")
    parser.add_argument("--profile", action="store_true", help="cProfile the stage runs (printed to stderr)")
    parser.add_argument("--write", action="store_true", help=f"also write {OUT.relative_to(ROOT)}")
    parser.add_argument("--quality", action="store_true", help="only the fast-mode quality figures (no timing)")
    parser.add_argument("--workers", type=int, default=None, help="feelings.workers (default: the setting's default)")
    parser.add_argument("--fast-embedder", default=None, help="registered embedder of the fast heads (A/B only)")
    parser.add_argument("--models", default=None, help="directory of the *-fast.npz heads (A/B only)")
    parser.add_argument("--no-phases", action="store_true", help="time the stage only (also runs on older src/)")
    parser.add_argument(
        "--no-overlap",
        action="store_true",
        help="feelings.overlap_embedding=false: embed every unit first, then annotate (the pre-overlap stage)",
    )
    parser.add_argument("--reviews", type=int, default=None, help="accurate mode on the first N long reviews")
    parser.add_argument("--tweets", type=int, default=None, help="accurate mode on the first N TweetEval tweets")
    parser.add_argument("--dump", default=None, help="with --reviews: write the unit feelings to this parquet file")
    parser.add_argument("--compare", nargs=2, metavar="PARQUET", help="compare two --dump files and exit")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.compare:
        print(json.dumps(compare_dumps(*args.compare), indent=2))
        return
    if args.reviews or args.tweets:
        result = {"started": started, "load_average_start": os.getloadavg()}
        if args.tweets:
            result.update(run_reviews(args.tweets, args.repeat, args.dump, "tweets"))
        else:
            result.update(run_reviews(args.reviews, args.repeat, args.dump))
        result["load_average_end"] = os.getloadavg()
        print(json.dumps(result, indent=2))
        return
    if args.fast_embedder or args.models:  # this process only: time fast heads trained on another embedder
        from empathic.feelings import heads

        heads.FAST_EMBEDDER = args.fast_embedder or heads.FAST_EMBEDDER
        heads.MODELS_DIR = Path(args.models) if args.models else heads.MODELS_DIR
        started += f" (fast heads on {heads.FAST_EMBEDDER!r} from {heads.MODELS_DIR})"
    if args.quality:
        print(json.dumps({"started": started, **quality()}, indent=2))
        return
    result = {"started": started, "load_average_start": os.getloadavg()}
    overlap = False if args.no_overlap else None
    phases_too = not args.no_phases
    result.update(
        run(args.limit, args.repeat, args.profile, with_phases=phases_too, workers=args.workers, overlap=overlap)
    )
    result["load_average_end"] = os.getloadavg()
    text = json.dumps(result, indent=2)
    print(text)
    if args.write:
        OUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
