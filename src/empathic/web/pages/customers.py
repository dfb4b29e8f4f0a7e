"""Customers: the most vocal customers and a page per customer (comments, attributes, usage, persona)."""

from __future__ import annotations

from typing import Any

from empathic.report import sections
from empathic.web.pages import Page


def load(ws: Any, query: dict[str, str]) -> dict[str, Any]:
    return {"customers": sections.customers(ws.store)}


def detail(ws: Any, customer_id: str, query: dict[str, str]) -> dict[str, Any] | None:
    data = sections.customer(ws.store, customer_id)
    return None if data is None else {"customer": data}


PAGE = Page(
    slug="customers",
    title="Customers",
    order=80,
    needs=("feedback",),
    template="customers.html",
    load=load,
    detail_template="customer.html",
    detail=detail,
)
