"""Refit v4's GoEmotions head on the trained encoder's pooled vectors (many cheap passes instead of one costly one).

The multi-task pass reads each GoEmotions comment once, next to 20k sentiment rows, and its emotion head stays
weak (GoEmotions dev 28-label macro-F1 ≈ 0.25 after 200 of 995 steps). The encoder is then frozen: the pooled
vectors of the mix's GoEmotions comments and of a seeded sample of its other rows are computed once, and the head
(``Linear(384, 28)``, or a one-hidden-layer MLP) is trained for many full-batch epochs on them: GoEmotions labels
where a row has them, v1's probabilities (``training/teachers.py``) on every row. The variant and the epoch count
are chosen on GoEmotions **dev** (dev is also where the thresholds are tuned); the test split is never read.

    python training/refit_emotions.py [CHECKPOINT]      # writes CHECKPOINT with the refitted head → <stem>-emo.pt
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import teachers
import train_encoder as te

import data

OTHER_ROWS = 6000
EPOCHS = (100, 200, 400, 800)


def pooled(model, ids: list[list[int]], torch) -> np.ndarray:
    order = np.argsort([len(x) for x in ids], kind="stable")
    out = np.zeros((len(ids), 384), np.float32)
    with torch.inference_mode():
        for s in range(0, len(ids), 64):
            idx = order[s : s + 64]
            x, m = te.pad(ids, idx)
            out[idx] = model.pooled(x, m).numpy()
    return out


def main() -> None:
    torch = te.setup(2)
    ckpt = Path(sys.argv[1]) if len(sys.argv) > 1 else te.WORK / "epoch0.pt"
    ds = data.build(data.SIZES_V4)
    teach = teachers.teachers(ds["texts"])
    names = ds["names"]
    FeelingsEncoder, _ = te.build_model(len(names))
    model = FeelingsEncoder()
    model.load_state_dict(torch.load(ckpt, map_location="cpu"))
    model.eval()
    emo_rows = np.flatnonzero(ds["emo_mask"] > 0)
    rest = np.flatnonzero(ds["emo_mask"] == 0)
    rest = np.sort(np.random.default_rng(data.SEED).permutation(rest)[:OTHER_ROWS])
    rows = np.r_[emo_rows, rest]
    ids = te.encode([ds["texts"][i] for i in rows])
    feats = torch.from_numpy(pooled(model, ids, torch))
    hard = torch.from_numpy(ds["emo"][rows])
    has = torch.from_numpy(ds["emo_mask"][rows])
    soft = torch.from_numpy(teach["emotions"][rows])
    from sklearn.metrics import f1_score

    import feelings_data as fd
    from empathic.feelings.textnorm import clean_texts

    dev_texts, dev_labels, dev_names = fd.goemotions("dev")
    assert list(dev_names) == list(names)
    y = np.zeros((len(dev_texts), len(names)), np.float32)
    for i, ls in enumerate(dev_labels):
        y[i, ls] = 1
    dev = torch.from_numpy(pooled(model, te.encode(clean_texts(dev_texts)), torch))
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")

    def score(head) -> float:
        with torch.inference_mode():
            proba = torch.sigmoid(head(dev)).numpy()
        return float(f1_score(y, proba >= fd.tune_thresholds(proba, y), average="macro", zero_division=0))

    results = {"before": round(score(model.emotions), 4)}
    best = (results["before"], "before", model.emotions)
    for variant in ("linear", "mlp"):
        torch.manual_seed(data.SEED)
        if variant == "linear":
            head = torch.nn.Linear(384, len(names))
            head.load_state_dict(model.emotions.state_dict())
        else:
            head = torch.nn.Sequential(torch.nn.Linear(384, 768), torch.nn.GELU(), torch.nn.Linear(768, len(names)))
        opt = torch.optim.Adam(head.parameters(), lr=3e-3, weight_decay=1e-5)
        for epoch in range(1, max(EPOCHS) + 1):
            logits = head(feats)
            loss = (bce(logits, hard).mean(1) * has).sum() / has.sum() + bce(logits, soft).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if epoch in EPOCHS:
                f1 = score(head)
                results[f"{variant}@{epoch}"] = round(f1, 4)
                print(variant, epoch, round(f1, 4), flush=True)
                if f1 > best[0]:
                    best = (f1, f"{variant}@{epoch}", {k: v.clone() for k, v in head.state_dict().items()})
    print(json.dumps(results), "best", best[1], flush=True)
    if best[1] != "before":
        if best[1].startswith("mlp"):
            model.emotions = torch.nn.Sequential(
                torch.nn.Linear(384, 768), torch.nn.GELU(), torch.nn.Linear(768, len(names))
            )
        model.emotions.load_state_dict(best[2])
    out = ckpt.with_name(ckpt.stem + "-emo.pt")
    torch.save(model.state_dict(), out)
    record = json.loads((te.WORK / "train.json").read_text())
    record["emotion_refit"] = {"choice": best[1], "dev_macro_f1_28": results, "rows": len(rows)}
    (te.WORK / "train.json").write_text(json.dumps(record, indent=1))
    print(f"wrote {out}", flush=True)


if __name__ == "__main__":
    main()
