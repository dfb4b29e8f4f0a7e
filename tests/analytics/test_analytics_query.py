"""Query language: parsing, precedence, errors with positions, parameterised SQL, injection attempts, BM25."""

from __future__ import annotations

import pytest
from analytics_planted import build_planted

from empathic import Workspace
from empathic.analytics import fulltext
from empathic.analytics.query_compile import QueryContext, compile_query
from empathic.analytics.query_language import Bool, Field, Not, Text, parse
from empathic.errors import InputError

CTX = QueryContext(scores={"nps": "nps"}, attributes={"plan": "plan", "division name": "Division Name"},
                   has_themes=True, has_index=True)  # fmt: skip


def test_parse_example_and_precedence():
    tree = parse('theme:"delivery delay" AND plan:pro AND nps<=6 AND "refund"')
    assert tree == Bool("AND", (Field("theme", ":", "delivery delay"), Field("plan", ":", "pro"),
                                Field("nps", "<=", "6"), Text("refund", quoted=True)))  # fmt: skip
    # AND binds tighter than OR; juxtaposition is AND; NOT applies to the next atom
    assert parse("a b OR NOT c") == Bool("OR", (Bool("AND", (Text("a"), Text("b"))), Not(Text("c"))))
    assert parse("a AND (b OR c)") == Bool("AND", (Text("a"), Bool("OR", (Text("b"), Text("c")))))
    assert parse('"Division Name":General') == Field("Division Name", ":", "General")
    assert parse(r'"say \"hi\""') == Text('say "hi"', quoted=True)
    assert parse("") is None and parse("   ") is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unterminated', "character 1"),
        ("a AND", "character 6"),
        ("(a OR b", "missing ')'"),
        ("a )", "unexpected ')'"),
        ("OR a", "unexpected 'OR'"),
    ],
)
def test_malformed_queries_say_where(query, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_query(query, CTX)


def test_field_errors():
    with pytest.raises(InputError, match="unknown field 'colour'"):
        compile_query("colour:red", CTX)
    with pytest.raises(InputError, match="nps needs a number"):
        compile_query("nps<=low", CTX)
    with pytest.raises(InputError, match="theme only supports"):
        compile_query("theme>3", CTX)
    with pytest.raises(InputError, match="cannot read date"):
        compile_query("date>=yesterday", CTX)


INJECTIONS = [
    "plan:\"pro' OR '1'='1\"",
    "plan:pro';DROP TABLE feedback;--",
    '"x\'); DROP TABLE feedback; --"',
    "nps<=6);DROP",
    "\"plan = 'pro' --\":x",
    'theme:"a\' UNION SELECT text FROM feedback --"',
    'id:"c000001\' OR 1=1 --"',
    "Robert'); DROP TABLE feedback;--",
]


@pytest.mark.parametrize("query", INJECTIONS)
def test_user_text_never_reaches_sql(query):
    try:
        compiled = compile_query(query, CTX)
    except InputError:
        return  # refusing is fine too
    for dangerous in ("DROP", "UNION", "'1'='1", "--", ";"):
        assert dangerous not in compiled.where
    assert compiled.where.count("?") == len(compiled.params)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "q.empathic"
    build_planted(path, n=1500, seed=3).close()
    workspace = Workspace.open(path)
    workspace.analyze(stages=["analytics"])
    yield workspace
    workspace.close()


@pytest.mark.parametrize("query", INJECTIONS)
def test_injection_attempts_on_a_real_workspace(ws, query):
    before = ws.sql("SELECT count(*) n FROM feedback").n[0]
    try:
        found = ws.search(query, limit=5000)
    except InputError:
        found = None
    assert ws.sql("SELECT count(*) n FROM feedback").n[0] == before
    if found is not None:
        assert len(found) < before  # no tautology slipped through


def test_search_filters_match_sql(ws):
    found = ws.search('theme:"delivery delay" AND plan:pro AND nps<=6 AND "refund"', limit=5000)
    expected = ws.sql(
        "SELECT f.feedback_id FROM feedback f JOIN feedback_attributes a ON a.feedback_id = f.feedback_id "
        "AND a.name = 'plan' AND a.value = 'pro' JOIN feedback_scores s ON s.feedback_id = f.feedback_id "
        "AND s.name = 'nps' AND s.value <= 6 WHERE f.text LIKE '%late again%' AND f.text LIKE '%refund%'"
    )
    assert len(expected) > 0
    assert sorted(found.feedback_id) == sorted(expected.feedback_id)
    assert (found.primary_theme.notna()).all()


def test_boolean_search_semantics(ws):
    n_all = ws.sql("SELECT count(*) n FROM feedback").n[0]
    price = set(ws.search("price", limit=5000).feedback_id)
    not_price = set(ws.search("NOT price", limit=5000).feedback_id)
    assert price and not price & not_price and len(price | not_price) == n_all
    either = set(ws.search("price OR refund", limit=5000).feedback_id)
    both = set(ws.search("price refund", limit=5000).feedback_id)
    assert both <= price and price <= either and len(both) < len(price)
    assert set(ws.search('"staff were friendly"', limit=5000).feedback_id) == set(
        ws.sql("SELECT feedback_id FROM feedback WHERE text LIKE '%staff were friendly%'").feedback_id
    )


def test_bm25_ranks_more_matching_terms_first(ws):
    found = ws.search("crashes OR refund", limit=50)
    assert found.score.is_monotonic_decreasing
    top = found.text.iloc[0].lower()
    assert "crashes" in top and "refund" in top  # both terms beat one


def test_index_terms_match_python_normaliser(ws):
    text = ws.sql("SELECT text FROM feedback WHERE feedback_id = (SELECT min(feedback_id) FROM feedback)").text[0]
    fid = ws.sql("SELECT min(feedback_id) f FROM feedback").f[0]
    stored = ws.sql(f"SELECT term, tf FROM search_postings WHERE feedback_id = '{fid}'")
    terms = fulltext.normalise_terms(text)
    assert dict(zip(stored.term, stored.tf, strict=True)) == {t: terms.count(t) for t in set(terms)}
    assert fulltext.normalise_terms("Refunds, REFUND! it's the café's") == ["refund", "refund", "café"]


def test_search_without_index_falls_back(ws, tmp_path):
    ctx = QueryContext.from_store(ws.store, has_index=False)
    from empathic.analytics.search import search_comments

    found = search_comments(ws.store, "refund plan:basic", ctx=ctx, limit=5000)
    assert len(found) > 0 and found.text.str.contains("refund").all()


def test_saved_filters(ws):
    ws.save_filter("angry basics", "plan:basic AND nps<=6")
    assert ws.saved_filters()["query"].tolist() == ["plan:basic AND nps<=6"]
    with pytest.raises(InputError):
        ws.save_filter("bad", "colour:red")


def test_semantic_search_ranks_by_meaning(ws):
    found = ws.search("parcel never showed up on time plan:basic region:north", semantic=True, limit=10)
    assert len(found) == 10
    assert (found.primary_theme == "delivery delay").mean() >= 0.8  # no word shared with "my delivery was late"…
    assert found.score.is_monotonic_decreasing
    allowed = set(
        ws.sql(
            "SELECT feedback_id FROM feedback_attributes WHERE name = 'plan' AND value = 'basic' INTERSECT "
            "SELECT feedback_id FROM feedback_attributes WHERE name = 'region' AND value = 'north'"
        ).feedback_id
    )
    assert set(found.feedback_id) <= allowed  # …and the filters still hold
    with pytest.raises(InputError, match="needs some words"):
        ws.search("plan:basic", semantic=True)


def test_theme_filter_takes_subthemes_labels_at_any_level_and_ids(tmp_path):
    from analytics_tiny import NOW, tiny_store

    from empathic.analytics.search import search_comments

    rows = [
        {"id": "c1", "text": "the parcel came late", "themes": ["t1", "t1a"]},
        {"id": "c2", "text": "the parcel was lost", "themes": ["t1"]},
        {"id": "c3", "text": "friendly staff", "themes": ["t2"]},
    ]
    store = tiny_store(tmp_path / "sub.empathic", rows, {"t1": "delivery", "t2": "staff"})
    with store.write() as con:
        con.execute("INSERT INTO themes VALUES ('t1a', 't1', 2, 'late delivery', 0, 0, 0, false, 'active', '[]', "
                    "'[]', ?, ?)", [NOW, NOW])  # fmt: skip
        con.execute("UPDATE feedback_themes SET level = 2 WHERE theme_id = 't1a'")

    def ids(query):
        return sorted(search_comments(store, query, limit=100).feedback_id)

    assert ids('theme:"late delivery"') == ["c1"]  # a subtheme's label
    assert ids("theme:t1a") == ["c1"]  # its id
    assert ids('subtheme:"Late Delivery"') == ["c1"]
    assert ids("theme:delivery") == ["c1", "c2"] and ids("theme:t2") == ["c3"]
    assert ids("subtheme:delivery") == []  # a top-level label is not a subtheme
    assert ids('theme!="late delivery"') == ["c2", "c3"]
