"""Loaders for the labelled public data sets used to train and evaluate the feelings heads.

Shared by ``training/train_feelings.py`` (training) and ``bench/feelings.py`` (held-out evaluation). Nothing here is
imported by the package. Held-out sets are never used for training: airline tweets (sentiment, never trained on),
the SemEval-14 *test* files and the GoEmotions *test* split. There is deliberately no loader for the British Airways
reviews: they have no licence (their SOURCE.md allows internal evaluation only), so no model may be trained on them.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET

import pandas as pd

from data_root import data_root

DATA = data_root()
GOEMO = DATA / "goemotions"
QUESTION_START = re.compile(r"^(how|what|where|when|why|can|could|is|are|do|does|will|which|who|should)\b", re.I)


def goemotions(split: str, version: str = "original") -> tuple[list[str], list[list[int]], list[str]]:
    """(texts, label-id lists, label names) of one GoEmotions split (train/dev/test) and version."""
    names = (GOEMO / version / "labels.txt").read_text().split()
    df = pd.read_csv(
        GOEMO / version / f"{split}.tsv",
        sep="\t",
        header=None,
        quoting=csv.QUOTE_NONE,
        names=["text", "labels", "id"],
        dtype=str,
        keep_default_na=False,
    )
    labels = [[int(x) for x in s.split(",")] for s in df["labels"]]
    return df["text"].tolist(), labels, names


def semeval_sentences(domain: str, split: str) -> pd.DataFrame:
    """Sentence polarity from SemEval-14 (domain restaurants/laptops, split train/test).

    A sentence is labelled when all its aspect terms (laptops) or aspect categories (restaurants) agree on
    positive/negative/neutral; sentences with conflicting or no opinions are dropped. Also returns the
    aspect-term rows (one per term) in column ``aspects`` as a list of (term, polarity).
    """
    name = {
        ("restaurants", "train"): "Restaurants_Train_v2.xml",
        ("restaurants", "test"): "Restaurants_Test_Gold.xml",
        ("laptops", "train"): "Laptop_Train_v2.xml",
        ("laptops", "test"): "Laptops_Test_Gold.xml",
    }[(domain, split)]
    rows = []
    for sent in ET.parse(DATA / "semeval14_absa" / name).getroot().iter("sentence"):
        text = sent.findtext("text") or ""
        terms = [(a.get("term"), a.get("polarity")) for a in sent.iter("aspectTerm")]
        tag = "aspectCategory" if domain == "restaurants" else "aspectTerm"
        pols = {a.get("polarity") for a in sent.iter(tag)}
        label = next(iter(pols)) if len(pols) == 1 and pols <= {"positive", "negative", "neutral"} else None
        rows.append({"text": text, "label": label, "aspects": terms})
    return pd.DataFrame(rows)


def airline_tweets() -> pd.DataFrame:
    """The 14,640 US airline tweets with ``text`` and 3-class ``label`` (held out: never trained on)."""
    df = pd.read_csv(DATA / "airline_tweets" / "Tweets.csv")
    return df.rename(columns={"airline_sentiment": "label"})[["text", "label", "negativereason"]]


def clothing_titles_and_short_reviews() -> pd.DataFrame:
    """Weak sentiment labels from the clothing reviews: rating 1–2 negative, 5 positive (titles + short texts)."""
    df = pd.read_csv(DATA / "womens_clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv")
    df = df[df["Rating"].isin([1, 2, 5])]
    label = df["Rating"].map({1: "negative", 2: "negative", 5: "positive"})
    titles = pd.DataFrame({"text": df["Title"], "label": label}).dropna()
    short = pd.DataFrame({"text": df["Review Text"], "label": label}).dropna()
    short = short[short["text"].str.len() < 220]
    return pd.concat([titles, short], ignore_index=True)


def banking_questions() -> pd.DataFrame:
    """Neutral information requests: Banking77 training questions that start like a question."""
    df = pd.read_csv(DATA / "banking77" / "train.csv")
    q = df[df["text"].str.match(QUESTION_START)]
    return pd.DataFrame({"text": q["text"], "label": "neutral"})


#: Banking77 intents read as *problem reports* (something went wrong: declined, failed, lost, wrong, not received,
#: not recognised, charged twice) → weak NEGATIVE sentiment. Decided from the intent names alone (2026-11-26),
#: before any model saw the rows: tweets to an airline report problems flatly ("my bag never arrived") and people
#: label those negative, while the rest of the training mix has few such texts.
BANKING_NEGATIVE = frozenset(
    {
        "card_not_working",
        "contactless_not_working",
        "virtual_card_not_working",
        "declined_card_payment",
        "declined_cash_withdrawal",
        "declined_transfer",
        "failed_transfer",
        "top_up_failed",
        "top_up_reverted",
        "reverted_card_payment?",
        "transaction_charged_twice",
        "extra_charge_on_statement",
        "lost_or_stolen_card",
        "lost_or_stolen_phone",
        "compromised_card",
        "card_swallowed",
        "pin_blocked",
        "wrong_amount_of_cash_received",
        "card_payment_wrong_exchange_rate",
        "wrong_exchange_rate_for_cash_withdrawal",
        "card_payment_not_recognised",
        "direct_debit_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "transfer_not_received_by_recipient",
        "balance_not_updated_after_cheque_or_cash_deposit",
        "balance_not_updated_after_bank_transfer",
        "Refund_not_showing_up",
        "unable_to_verify_identity",
        "beneficiary_not_allowed",
    }
)
#: Banking77 intents read as plain *information requests* (how to, limits, fees, support, identity checks) → weak
#: NEUTRAL sentiment. Also from the names alone. Left out as ambiguous (neither list): ``pending_*`` (waiting can be
#: a complaint or a question), ``card_arrival``, ``*_fee_charged`` (a fee already taken), ``request_refund``,
#: ``cancel_transfer``, ``terminate_account``, ``passcode_forgotten``, ``transfer_timing``.
BANKING_NEUTRAL = frozenset(
    {
        "exchange_rate",
        "exchange_via_app",
        "exchange_charge",
        "fiat_currency_support",
        "supported_cards_and_currencies",
        "visa_or_mastercard",
        "country_support",
        "age_limit",
        "card_delivery_estimate",
        "card_linking",
        "card_acceptance",
        "card_about_to_expire",
        "activate_my_card",
        "automatic_top_up",
        "top_up_limits",
        "topping_up_by_card",
        "top_up_by_card_charge",
        "top_up_by_bank_transfer_charge",
        "top_up_by_cash_or_cheque",
        "verify_top_up",
        "cash_withdrawal_charge",
        "disposable_card_limits",
        "get_disposable_virtual_card",
        "getting_virtual_card",
        "getting_spare_card",
        "get_physical_card",
        "order_physical_card",
        "apple_pay_or_google_pay",
        "atm_support",
        "change_pin",
        "edit_personal_details",
        "receiving_money",
        "transfer_into_account",
        "verify_my_identity",
        "why_verify_identity",
        "verify_source_of_funds",
    }
)


def banking_train() -> pd.DataFrame:
    """All 10,003 Banking77 *train* queries with ``text`` and ``category`` (the test split stays held out)."""
    return pd.read_csv(DATA / "banking77" / "train.csv")


def banking_intent_sentiment(category: str) -> str | None:
    """Weak sentiment of a Banking77 intent: "negative" (problem report), "neutral" (information) or None."""
    if category in BANKING_NEGATIVE:
        return "negative"
    return "neutral" if category in BANKING_NEUTRAL else None


def tune_thresholds(proba, y):
    """Per-label decision threshold maximising F1 on a development split (grid 0.02..0.90): float (n_labels,).

    Shared by the fast heads (``train_feelings.py``) and the fine-tuned encoder (``train_feelings_encoder.py``).
    """
    import numpy as np
    from sklearn.metrics import f1_score

    grid = np.arange(0.02, 0.91, 0.02)
    best = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        f1s = [f1_score(y[:, j], proba[:, j] >= t, zero_division=0) for t in grid]
        best[j] = grid[int(np.argmax(f1s))]
    return best
