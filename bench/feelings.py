"""Benchmark of the feelings stage: sentiment, emotions, empathy map / intent, throughput (one run, this machine).

    .venv/bin/python bench/feelings.py [--cache /tmp/feelings_train_cache] [--skip-throughput]
    .venv/bin/python bench/feelings.py --only sentiment,emotions,empathy --modes fast \
        --fast-embedder fast-minilm --models /tmp/heads-v2      # fast heads trained on another static embedder

Held-out data only: airline tweets (never trained on), SemEval-14 *test* files, GoEmotions *test* split, the
hand-labelled ``tests/feelings/data/empathy_eval.csv``. Baselines (VADER, TextBlob) are measured in the same run.
``--cache`` reuses the embeddings written by ``training/train_feelings_embed.py`` (same texts, same embedders) so the
quality part does not re-embed 14k tweets with MiniLM; without it everything is embedded here.
Prints a Markdown report (paste into docs/bench/feelings.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # train_feelings (a training script)
import feelings_data as data
from empathic.feelings import heads
from empathic.feelings.emotions import goemotions_labels, goemotions_scores
from empathic.feelings.empathy import classify_quadrant
from empathic.feelings.intent import classify_intent
from empathic.feelings.lexicon import vader_compound
from empathic.feelings.sentiment import label_sentiment, sentiment_probabilities
from empathic.feelings.textnorm import clean_texts
from empathic.text.embed import get_embedder
from empathic.text.sentences import split_units

#: Modes measured (``--modes``): "fast" = heads on the static embedder ``heads.FAST_EMBEDDER``, "accurate" = encoder.
EMBEDDERS: tuple[str, ...] = ("fast", "accurate")
#: Method names in the tables: accurate mode now runs the fine-tuned encoder (it ignores the MiniLM vectors).
METHOD = {"fast": "empathic fast", "accurate": "empathic accurate (fine-tuned encoder)"}
THREE = ["negative", "neutral", "positive"]
EKMAN = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": (
        "joy",
        "amusement",
        "approval",
        "excitement",
        "gratitude",
        "love",
        "optimism",
        "relief",
        "pride",
        "admiration",
        "desire",
        "caring",
    ),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}
EMBEDDINGS: dict[tuple[str, str], np.ndarray] = {}


def embed(texts: list[str], embedder: str, cache_name: str | None, cache: Path | None) -> np.ndarray:
    """Embeddings of the cleaned texts, from the training cache when it holds exactly these texts.

    Accurate mode's sentiment and emotions come from the fine-tuned encoder, which reads the texts, not these
    vectors: zeros stand in (the MiniLM vectors are still needed for quadrant/intent, see ``empathy_section``).
    """
    if embedder == "accurate":
        return np.zeros((len(texts), 384), np.float32)
    if cache and cache_name and (cache / f"{cache_name}.npz").exists():
        z = np.load(cache / f"{cache_name}.npz", allow_pickle=True)
        key = heads.embedder_name(embedder)
        if key in z.files and [str(t) for t in z["texts"]] == list(texts):
            return z[key].astype(np.float32)
    return get_embedder(heads.embedder_name(embedder)).embed(clean_texts(texts))


def three_class(proba: np.ndarray) -> np.ndarray:
    """3-class prediction for the gold label sets: argmax of (negative, neutral, positive) — a unit we label
    "mixed" counts as its stronger side."""
    return np.array(THREE)[proba.argmax(axis=1)]


def lexicon_label(scores: np.ndarray, band: float) -> np.ndarray:
    return np.where(scores >= band, "positive", np.where(scores <= -band, "negative", "neutral"))


def textblob_polarity(texts: list[str]) -> np.ndarray | None:
    try:
        from textblob import TextBlob
    except ImportError:
        return None
    return np.array([TextBlob(t).sentiment.polarity for t in texts])


def sentiment_rows(
    name: str, texts: list[str], gold: np.ndarray, cache_name: str | None, cache: Path | None, *, clean: bool = True
) -> list[dict]:
    rows = []
    for embedder in EMBEDDERS:
        vec = embed(texts, embedder, cache_name, cache)
        t0 = time.perf_counter()
        pred = three_class(sentiment_probabilities(texts, vec, embedder=embedder))
        rows.append(
            {
                "data": name,
                "method": METHOD[embedder],
                "macro_f1": f1_score(gold, pred, average="macro"),
                "accuracy": accuracy_score(gold, pred),
                "n": len(gold),
                "heads_s": time.perf_counter() - t0,
            }
        )
    lex_texts = clean_texts(texts) if clean else texts
    rows.append(
        {"data": name, "method": "VADER (±0.05)", **_scores(gold, lexicon_label(vader_compound(lex_texts), 0.05))}
    )
    tb = textblob_polarity(lex_texts)
    if tb is not None:
        rows.append({"data": name, "method": "TextBlob (>0 / <0)", **_scores(gold, lexicon_label(tb, 1e-9))})
    return rows


def _scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    return {"macro_f1": f1_score(gold, pred, average="macro"), "accuracy": accuracy_score(gold, pred), "n": len(gold)}


def aspect_rows(domain: str, cache: Path | None) -> list[dict]:
    """Aspect-term polarity: each term gets the sentiment of the unit (clause) that contains it."""
    df = data.semeval_sentences(domain, "test")
    texts, gold, units = [], [], []
    for text, aspects in zip(df["text"], df["aspects"], strict=True):
        spans = split_units(text)
        for term, pol in aspects:
            if pol not in THREE:
                continue
            pos = text.find(term)
            unit = next((text[s:e] for s, e in spans if s <= pos < e), text)
            units.append(unit)
            gold.append(pol)
            texts.append(text)
    gold_arr = np.array(gold)
    rows = []
    for embedder in EMBEDDERS:
        vec = (
            embed(units, embedder, None, None)
            if embedder == "accurate"
            else get_embedder(heads.embedder_name(embedder)).embed(clean_texts(units))
        )
        proba = sentiment_probabilities(units, vec, embedder=embedder)
        rows.append(
            {
                "data": f"SemEval-14 {domain} aspect terms",
                "method": f"{METHOD[embedder]} (clause)",
                **_scores(gold_arr, three_class(proba)),
            }
        )
    rows.append(
        {
            "data": f"SemEval-14 {domain} aspect terms",
            "method": "VADER (clause, ±0.05)",
            **_scores(gold_arr, lexicon_label(vader_compound(units), 0.05)),
        }
    )
    return rows


def goemotions_group_rows(cache: Path | None) -> list[dict]:
    """GoEmotions *test* comments whose labels all fall in one sentiment group (Demszky et al.'s mapping, as the
    heads' training data uses it), 3 classes; the other comments are left out."""
    import train_feelings as tf

    texts, labels, names = data.goemotions("test")
    group = [tf.goemo_group(json.dumps(ls), names) for ls in labels]
    keep = np.array([g is not None for g in group])
    gold = np.array([g for g in group if g])
    kept = [t for t, k in zip(texts, keep, strict=True) if k]
    name = "GoEmotions test, sentiment groups"
    rows = []
    for embedder in EMBEDDERS:
        vec = embed(texts, embedder, "goemo_test", cache)[keep]
        pred = three_class(sentiment_probabilities(kept, vec, embedder=embedder))
        rows.append({"data": name, "method": METHOD[embedder], **_scores(gold, pred)})
    rows.append({"data": name, "method": "VADER (±0.05)", **_scores(gold, lexicon_label(vader_compound(kept), 0.05))})
    return rows


def limit_encoder_threads(threads: int) -> None:
    """Run the fine-tuned encoder on ``threads`` intra-op threads (the package default is all cores, at most 4):
    the stage modules hold their own reference to ``get_encoder``, so each is pointed at one shared instance."""
    from empathic.feelings import annotate, emotions, encoder, sentiment, stage

    shared = encoder.FeelingsEncoder(threads=threads)
    for module in (encoder, annotate, sentiment, stage):
        module.get_encoder = lambda: shared
    emotion_graph = (
        shared
        if shared.meta.emotions_self  # v4: one graph for every feeling
        else encoder.FeelingsEncoder(
            threads=threads, model=encoder.EMOTIONS_MODEL_PATH, meta=encoder.EMOTIONS_META_PATH
        )
    )
    for module in (encoder, emotions, stage):
        module.get_emotions_encoder = lambda: emotion_graph


def sentiment_section(cache: Path | None) -> pd.DataFrame:
    tw = data.airline_tweets()
    rows = sentiment_rows(
        "airline tweets (3-class)", tw["text"].tolist(), tw["label"].to_numpy(), "airline_tweets", cache
    )
    rows += goemotions_group_rows(cache)
    for domain in ("restaurants", "laptops"):
        df = data.semeval_sentences(domain, "test")
        keep = df["label"].notna().to_numpy()
        texts = df["text"].tolist()
        labelled = [t for t, k in zip(texts, keep, strict=True) if k]
        gold = df["label"][keep].to_numpy()
        rows += _sentence_rows_labelled(domain, labelled, gold, texts, keep, cache)
        rows += aspect_rows(domain, cache)
    return pd.DataFrame(rows)


def _sentence_rows_labelled(
    domain: str, labelled: list[str], gold: np.ndarray, texts: list[str], keep: np.ndarray, cache: Path | None
) -> list[dict]:
    rows = []
    for embedder in EMBEDDERS:
        vec = embed(texts, embedder, f"semeval_{domain}_test", cache)[keep]
        proba = sentiment_probabilities(labelled, vec, embedder=embedder)
        rows.append(
            {
                "data": f"SemEval-14 {domain} test sentences",
                "method": METHOD[embedder],
                **_scores(gold, three_class(proba)),
            }
        )
    rows.append(
        {
            "data": f"SemEval-14 {domain} test sentences",
            "method": "VADER (±0.05)",
            **_scores(gold, lexicon_label(vader_compound(labelled), 0.05)),
        }
    )
    tb = textblob_polarity(labelled)
    if tb is not None:
        rows.append(
            {
                "data": f"SemEval-14 {domain} test sentences",
                "method": "TextBlob (>0 / <0)",
                **_scores(gold, lexicon_label(tb, 1e-9)),
            }
        )
    return rows


def emotions_section(cache: Path | None) -> pd.DataFrame:
    texts, labels, names = data.goemotions("test")
    y = np.zeros((len(texts), len(names)), dtype=int)
    for i, ls in enumerate(labels):
        y[i, ls] = 1
    rows = []
    for embedder in EMBEDDERS:
        vec = embed(texts, embedder, "goemo_test", cache)
        scores = goemotions_scores(texts, vec, embedder=embedder)
        order = [goemotions_labels(embedder).index(n) for n in names]
        pred = scores[:, order] >= 0.5
        f28 = f1_score(y, pred, average="macro", zero_division=0)
        ek_gold = np.column_stack([y[:, [names.index(m) for m in ms]].max(axis=1) for ms in EKMAN.values()])
        ek_pred = np.column_stack(
            [scores[:, [order[names.index(m)] for m in ms]].max(axis=1) >= 0.5 for ms in EKMAN.values()]
        )
        fek = f1_score(ek_gold, ek_pred, average="macro", zero_division=0)
        rows.append(
            {
                "method": f"{METHOD[embedder]} (28 sigmoids, thresholds tuned on dev)",
                "macro_f1_28": f28,
                "macro_f1_ekman7": fek,
                "n": len(texts),
            }
        )
    rows.append(
        {
            "method": "bert-base-cased fine-tuned (published, SOURCE.md)",
            "macro_f1_28": 0.503,
            "macro_f1_ekman7": 0.6238,
            "n": len(texts),
        }
    )
    return pd.DataFrame(rows)


def per_class_f1(gold: pd.Series, pred: np.ndarray, classes: list[str]) -> dict:
    """Per-class F1 (blank for a class with no gold rows in the subset; the macro averages the others)."""
    present = [c for c in classes if (gold == c).any()]
    f1s = f1_score(gold, pred, labels=present, average=None, zero_division=0)
    out: dict[str, object] = {c: "" for c in classes}
    out.update({c: round(float(f), 3) for c, f in zip(present, f1s, strict=True)})
    out["macro"] = round(float(np.mean(f1s)), 3)
    out["accuracy"] = round(float(accuracy_score(gold, pred)), 3)
    return out


def empathy_section() -> pd.DataFrame:
    df = pd.read_csv(Path(__file__).parents[1] / "tests/feelings/data/empathy_eval.csv")
    texts = df["text"].tolist()
    rows = []
    for embedder in EMBEDDERS:
        vec = get_embedder(heads.embedder_name(embedder)).embed(clean_texts(texts))
        scores, _ = label_sentiment(sentiment_probabilities(texts, vec, embedder=embedder))
        quad = classify_quadrant(texts, vec, embedder=embedder)
        intent = classify_intent(texts, vec, scores, embedder=embedder)
        subsets = (
            ("test half (even id)", df["id"] % 2 == 0),
            ("test half, random rows", (df["id"] % 2 == 0) & ~df["source"].str.contains("targeted")),
            ("all rows", df["source"] != ""),
        )
        for subset, mask in subsets:
            m = mask.to_numpy()
            rows.append(
                {
                    "embedder": embedder,
                    "subset": subset,
                    "task": "quadrant",
                    "n": int(m.sum()),
                    **per_class_f1(df["quadrant"][m], quad[m], ["thinks_feels", "sees", "says_does", "hears"]),
                }
            )
            rows.append(
                {
                    "embedder": embedder,
                    "subset": subset,
                    "task": "intent",
                    "n": int(m.sum()),
                    **per_class_f1(
                        df["intent"][m], intent[m], ["complaint", "suggestion", "praise", "question", "churn", "other"]
                    ),
                }
            )
    return pd.DataFrame(rows)


def intent_sanity() -> pd.DataFrame:
    """Banking77 test questions → question; airline negative tweets → complaint/churn; positive → praise."""
    bank = pd.read_csv(data.DATA / "banking77" / "test.csv")
    tw = data.airline_tweets()
    rows = []
    for embedder in EMBEDDERS:
        for name, texts, expect in (
            (
                "Banking77 test, ends with '?'",
                bank["text"][bank["text"].str.strip().str.endswith("?")].tolist(),
                {"question"},
            ),
            ("Banking77 test, all", bank["text"].tolist(), {"question", "complaint"}),
            (
                "airline tweets labelled negative",
                tw["text"][tw["label"] == "negative"].tolist(),
                {"complaint", "churn"},
            ),
            ("airline tweets labelled positive", tw["text"][tw["label"] == "positive"].tolist(), {"praise"}),
        ):
            vec = (
                get_embedder(heads.embedder_name(embedder)).embed(clean_texts(texts))
                if embedder == "fast" or len(texts) < 3500
                else None
            )
            if vec is None:
                continue
            scores, _ = label_sentiment(sentiment_probabilities(texts, vec, embedder=embedder))
            intent = classify_intent(texts, vec, scores, embedder=embedder)
            rows.append(
                {
                    "embedder": embedder,
                    "data": name,
                    "n": len(texts),
                    "expected": "/".join(sorted(expect)),
                    "share_expected": round(float(np.isin(intent, list(expect)).mean()), 3),
                }
            )
    return pd.DataFrame(rows)


def throughput_section(limit: int | None) -> pd.DataFrame:
    """The whole stage on the bundled clothing reviews (real DuckDB file), fast and accurate."""
    import tempfile

    from empathic import Workspace
    from empathic.feelings import stage as feelings_stage
    from empathic.pipeline import run_stage

    reviews = pd.read_csv(data.DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
    reviews = reviews.dropna(subset=["Review Text"]).head(limit) if limit else reviews.dropna(subset=["Review Text"])
    rows = []
    for mode, n in (("fast", len(reviews)), ("accurate", min(len(reviews), 1000))):
        with (
            tempfile.TemporaryDirectory() as tmp,
            Workspace.open(Path(tmp) / "t.empathic", settings={"feelings": {"mode": mode}}) as ws,
        ):
            frame = pd.DataFrame(
                {"id": reviews["Unnamed: 0"].astype(str).head(n), "text": reviews["Review Text"].head(n)}
            )
            ws.ingest(frame, text="text", id="id")
            ws.analyze(stages=["sentences"])
            units = ws.store.count("sentences")
            t0 = time.perf_counter()
            run_stage(ws.store, feelings_stage, ws.settings)
            dt = time.perf_counter() - t0
            rows.append(
                {
                    "mode": mode,
                    "comments": n,
                    "units": units,
                    "seconds": round(dt, 1),
                    "comments_per_s": round(n / dt),
                    "units_per_s": round(units / dt),
                }
            )
    return pd.DataFrame(rows)


def encoder_throughput(n_reviews: int = 1000) -> pd.DataFrame:
    """The fine-tuned encoder alone on clothing-review sentence units: units/s, wall and CPU seconds."""
    from empathic.feelings.encoder import get_encoder

    reviews = pd.read_csv(data.DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
    texts = reviews["Review Text"].dropna().head(n_reviews).tolist()
    units = clean_texts([t[s:e] for t in texts for s, e in split_units(t)])
    encoder = get_encoder()
    encoder.predict(units[:8])  # load the session outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    encoder.predict(units)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return pd.DataFrame(
        [
            {
                "model": encoder.name,
                "threads": encoder.threads,
                "units": len(units),
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "units_per_s": round(len(units) / wall),
            }
        ]
    )


def rules_check() -> pd.DataFrame:
    """Do the reader's rules still help on top of the encoder? Measured on data that is neither trained on nor
    reported: the 10 % of SemEval-14 train sentences the encoder held out, and GoEmotions dev (product emotions)."""
    import train_feelings_encoder as tfe

    from empathic.feelings.emotions import PRODUCT_EMOTIONS, named_emotions
    from empathic.feelings.encoder import get_encoder
    from empathic.feelings.lexicon import lexicon_features
    from empathic.feelings.sentiment import lexicon_adjust

    _, held = tfe.semeval_split()
    texts = clean_texts([t for t, _ in held])
    gold = np.array([lab for _, lab in held])
    raw = get_encoder().predict(texts)[0]
    adjusted = lexicon_adjust(texts, raw, lexicon_features(texts)[:, 0])
    rows = [
        {"data": "SemEval-14 train, held-out 10 %", "variant": name, "n": len(gold), **_scores(gold, three_class(p))}
        for name, p in (("encoder only", raw), ("encoder + lexicon_adjust", adjusted))
    ]
    g_texts, labels, names = data.goemotions("dev")
    fine = goemotions_scores(g_texts, np.zeros((len(g_texts), 0), np.float32), embedder="accurate")
    order = [goemotions_labels("accurate").index(n) for n in names]
    y = np.zeros((len(g_texts), len(names)), int)
    for i, ls in enumerate(labels):
        y[i, ls] = 1
    members = [[names.index(m) for m in ms] for ms in PRODUCT_EMOTIONS.values()]
    gold_p = np.column_stack([y[:, ms].max(axis=1) for ms in members])
    pred = np.column_stack([fine[:, [order[m] for m in ms]].max(axis=1) for ms in members])
    named = np.where(named_emotions(g_texts), np.maximum(pred, 0.75), pred)
    for name, p in (("encoder only", pred), ("encoder + named-emotion rule", named)):
        rows.append(
            {
                "data": "GoEmotions dev, 11 product emotions",
                "variant": name,
                "n": len(g_texts),
                "macro_f1": f1_score(gold_p, p >= 0.5, average="macro", zero_division=0),
                "accuracy": float("nan"),
            }
        )
    return pd.DataFrame(rows)


def to_markdown(df: pd.DataFrame) -> str:
    """A GitHub Markdown table (floats to 3 decimals) without the optional tabulate dependency."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.3f}"
        return str(v)

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default="/tmp/feelings_train_cache")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--only", default="", help="comma list of sections: sentiment,emotions,empathy,intent,rules,encoder,throughput"
    )
    parser.add_argument("--limit", type=int, default=None, help="reviews for the throughput run (default all)")
    parser.add_argument("--threads", type=int, default=None, help="encoder intra-op threads (default: package's)")
    parser.add_argument("--modes", default="fast,accurate", help="comma list of modes to measure")
    parser.add_argument(
        "--fast-embedder", default=None, help="registered embedder of the fast heads (default heads.FAST_EMBEDDER)"
    )
    parser.add_argument("--models", default=None, help="directory of the *-fast.npz heads (default: the shipped)")
    parser.add_argument(
        "--no-opinion-shift", type=float, default=None, help="sentiment.NO_OPINION_SHIFT for the fast head"
    )
    args = parser.parse_args()
    global EMBEDDERS
    EMBEDDERS = tuple(args.modes.split(","))
    if args.fast_embedder:  # this process only: an A/B of fast heads trained on another embedder
        heads.FAST_EMBEDDER = args.fast_embedder
    if args.models:
        heads.MODELS_DIR = Path(args.models)
    if args.no_opinion_shift is not None:
        from empathic.feelings import sentiment

        sentiment.NO_OPINION_SHIFT = args.no_opinion_shift
    if args.threads:
        limit_encoder_threads(args.threads)
    cache = Path(args.cache) if args.cache and Path(args.cache).exists() else None
    pd.set_option("display.width", 200)
    only = (
        set(args.only.split(",")) if args.only else {"sentiment", "emotions", "empathy", "intent", "rules", "encoder"}
    )
    if not args.skip_throughput and not args.only:
        only.add("throughput")
    print(f"# feelings benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    from empathic.feelings.sentiment import NO_OPINION_SHIFT  # after the overrides

    print(
        f"modes {', '.join(EMBEDDERS)}; fast heads on {heads.FAST_EMBEDDER!r} from {heads.MODELS_DIR}, "
        f"no-opinion shift {NO_OPINION_SHIFT}\n"
    )
    sections = (
        ("sentiment", "Sentiment", lambda: sentiment_section(cache)),
        ("emotions", "Emotions (GoEmotions test)", lambda: emotions_section(cache)),
        ("empathy", "Empathy map and intent (tests/feelings/data/empathy_eval.csv, per-class F1)", empathy_section),
        ("intent", "Intent sanity", intent_sanity),
        ("rules", "Reader's rules on top of the encoder (non-reported data)", rules_check),
        ("encoder", "Fine-tuned encoder throughput (1,000 clothing reviews, sentence units)", encoder_throughput),
        (
            "throughput",
            "Throughput (whole feelings stage, DuckDB file, 2 shared cores)",
            lambda: throughput_section(args.limit),
        ),
    )
    for key, title, section in sections:
        if key in only:
            print(f"## {title}\n")
            print(section().pipe(to_markdown), "\n", flush=True)


if __name__ == "__main__":
    main()
