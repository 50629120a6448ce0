"""The signals beside the engine's words: meaning, pinyin, Taiwan phrases, English stems."""

import json

import pytest
from django.urls import reverse

from search.text import parse_query

from .conftest import entry
from .test_search import found


def ids(pks):
    from questions.models import Entry

    return [(e.document.filename[:3], e.key) for e in (Entry.objects.get(pk=pk) for pk in pks)]


@pytest.mark.parametrize(("taiwan", "mainland"), [("伺服器", "服务器"), ("使用者資料", "用户数据")])
def test_taiwan_vocabulary_finds_what_mainland_words_find(seeded, taiwan, mainland):
    assert found(mainland)
    assert found(taiwan) == found(mainland)


def test_taiwan_phrases_become_mainland_words():
    assert parse_query("伺服器 資訊 程式 數位").groups[0][0] == ("服务器",)
    assert [g[0] for g in parse_query("資訊 程式 數位").groups] == [("信息",), ("程序",), ("数字",)]


def test_english_words_are_stemmed_at_index_and_query_time(seeded):
    assert parse_query("raising funds").groups[:1] == ((("rais",),),)
    assert found("raising funds")[:2] == [entry("002", "8").pk, entry("000", "19").pk]
    assert set(found("fund raising")[:2]) == set(found("raising funds")[:2])


def test_english_stop_words_are_dropped():
    assert parse_query("how do I raise the money").groups == ((("rais",),), (("money",),))


@pytest.mark.parametrize("typed", ["shuju yinsi", "shujuyinsi", "shùjù yǐnsī", "SHUJU YINSI"])
def test_pinyin_finds_the_chinese_words(seeded, typed):
    assert found(typed)[:2] == found("数据隐私")[:2]


def test_the_page_says_how_pinyin_was_read(seeded, client):
    response = client.get(reverse("search"), {"q": "shujuyinsi"})
    assert "显示「数据隐私」的结果" in response.content.decode()
    data = json.loads(client.get(reverse("api-search"), {"q": "shuju yinsi"}).content)
    assert data["reading"] == "数据隐私"
    assert json.loads(client.get(reverse("api-search"), {"q": "数据隐私"}).content)["reading"] == ""


def test_pinyin_is_off_with_its_signal(seeded, settings):
    settings.KB_SEARCH_SIGNALS = settings.KB_SEARCH_SIGNALS - {"pinyin"}
    assert found("shujuyinsi") == []


def test_meaning_finds_a_question_asked_in_other_words(seeded, settings):
    # No word of the query is in 001 §10.50's question; its meaning is.
    assert found("钱不够了怎么办")[0] == entry("001", "10.50").pk
    settings.KB_SEARCH_SIGNALS = settings.KB_SEARCH_SIGNALS - {"semantic"}
    assert entry("001", "10.50").pk not in found("钱不够了怎么办")[:1]


def test_an_edit_is_found_by_meaning_at_once(seeded):
    e = entry("000", "19")
    e.question_en = "How do hummingbirds pollinate flowers?"
    e.save()
    assert found("蜂鸟如何给花授粉")[0] == e.pk


def test_exact_count_for_a_common_word(seeded, client):
    from search.models import IndexEntry
    from search.weights import COLUMNS

    holding = [
        r for r in IndexEntry.objects.all() if any("数据" in getattr(r, c).split() for c in COLUMNS)
    ]
    data = json.loads(client.get(reverse("api-search"), {"q": "数据"}).content)
    assert data["count"] == len(holding) == 98


def test_highlighting_cuts_text_as_the_index_does():
    from search.highlight import highlight

    # jieba's HMM would cut 抄走 differently from the index; the index's cut is used.
    assert highlight("防止被抄走。", parse_query("抄走").terms) == "防止被<mark>抄走</mark>。"
    # Traditional text is cut as its Simplified form is: 系统维护 is one word, 维护 inside it.
    assert highlight("系統維護很重要", parse_query("维护").terms) == "<mark>系統維護</mark>很重要"
    assert highlight("資料很重要", parse_query("数据").terms) == "<mark>資料</mark>很重要"
    assert highlight("模型运维", parse_query("维护").terms) == "模型<mark>运维</mark>"  # a synonym
    # Matched words side by side are one mark: no gap between 资金 and 筹措.
    assert highlight("资金筹措渠道", parse_query("资金筹措").terms) == "<mark>资金筹措</mark>渠道"


def test_marked_words_are_the_cut_words_holding_a_query_term(seeded):
    """Each text is cut once into where each token occurs (search.highlight.Segmented):
    the words it marks are exactly the cut words a term matches, whole or by sub-word."""
    from questions.models import Entry
    from search.highlight import _body, segmented
    from search.text import tokenize_with_spans, word_tokens

    queries = ["数据隐私", "模型部署", "商業模式", "fundraising", "fine-tuning", "AI 伦理", "的"]
    terms = [parse_query(q).terms for q in queries]
    for e in Entry.objects.listed():
        for text in (e.question_zh_hans, e.question_en, _body(e, "zh-hans"), _body(e, "en")):
            words = tokenize_with_spans(text)
            for t in terms:
                expected = [(s, end) for w, s, end in words if word_tokens(w) & t]
                assert segmented(text).spans(t) == expected


def test_snippets_drop_table_rules():
    from questions.markup import plain_text

    assert plain_text("| 指标 | 值 |\n|---|:---:|\n| F1 | 0.9 |") == "指标 值 F1 0.9"


def engine_runs(queries):
    """The full-text searches among captured SQL (not the per-word frequency counts)."""
    return [
        q["sql"]
        for q in queries
        if ("MATCH" in q["sql"] or "@@" in q["sql"]) and "ORDER BY" in q["sql"]
    ]


def test_a_filtered_search_page_runs_the_engine_once(seeded, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"), {"q": "数据隐私", "topic": "ethics"})
    assert response.status_code == 200
    assert len(engine_runs(captured.captured_queries)) == 1
    # Facets still count every match, not only the ethics ones.
    facets = dict((t.slug, n) for t, n in response.context["outcome"].facets)
    assert facets["data"] > facets["ethics"] == response.context["outcome"].count


def test_word_counts_are_read_once_per_content_version(seeded, client):
    """How many entries hold each word changes only with an index write: the same search
    again reads no statistics, and after a save the new word is counted afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_search import api

    def search(q):
        with CaptureQueriesContext(connection) as captured:
            status, data = api(client, q=q)
        assert status == 200
        sql = [q["sql"] for q in captured.captured_queries]
        statistics = [s for s in sql if "COUNT(" in s or "pg_stats" in s or "reltuples" in s]
        return [r["id"] for r in data["results"]], data["count"], statistics

    assert search("融资 zyxwvu")[2]  # first asked: counted
    first = search("融资 zyxwvu")
    assert first[2] == []  # asked again: nothing counted
    target = entry("003", "1")
    target.answer += "\n\nzyxwvu"
    target.save()
    assert search("zyxwvu")[:2] == ([target.pk], 1)
    again = search("融资 zyxwvu")
    assert again[2] and again[1] == first[1] + 1  # the entry now holding zyxwvu


@pytest.mark.parametrize("params", [{"q": "数据"}, {"q": "数据", "topic": "ethics"}])
def test_past_the_tier_threshold_every_match_is_still_counted_and_reachable(
    seeded, client, monkeypatch, params
):
    """At scale SQLite scores only matches holding the words in the top tier of columns;
    forced here on the seeds (20 candidates past 5 matches), on either database, a search
    for a common word must count, facet and page through exactly the entries it did, and
    put the same first."""
    from search.backends import database
    from search.backends.postgresql import PostgresSearchBackend
    from search.backends.sqlite import SQLiteSearchBackend

    from .test_search import api

    def every_page():
        status, first = api(client, **params)
        assert status == 200
        pages = [api(client, **params, page=n)[1] for n in range(1, first["num_pages"] + 1)]
        facets = client.get(reverse("search"), params).context["outcome"].facets
        ids = [r["id"] for page in pages for r in page["results"]]
        return first["count"], ids, [(t.slug, n) for t, n in facets]

    count, ids, facets = every_page()
    for vendor in (SQLiteSearchBackend, PostgresSearchBackend):  # PostgreSQL's is off (None)
        monkeypatch.setattr(vendor, "tiered_above", 5)
    monkeypatch.setattr(database, "MAX_CANDIDATES", 20)
    tiered_count, tiered_ids, tiered_facets = every_page()
    assert (tiered_count, tiered_facets) == (count, facets)
    assert sorted(tiered_ids) == sorted(ids) and len(set(ids)) == count
    assert tiered_ids[0] == ids[0]


def test_the_coarse_pass_at_scale_finds_what_the_exact_scan_finds(seeded, monkeypatch):
    # Past EXACT_ROWS vectors a search scans a 64-dimension projection and computes exact
    # cosines for the COARSE_ROWS nearest rows; here forced on the seeds' 3,725 vectors
    # with a ninth of them kept, it must find the same nearest entries with the same cosines.
    from search import semantic
    from search.models import IndexEntry

    def load():
        rows = IndexEntry.objects.order_by("pk").values_list("pk", "vectors")
        return semantic.VectorIndex(rows.iterator())

    exact = load()
    monkeypatch.setattr(semantic, "EXACT_ROWS", 0)
    monkeypatch.setattr(semantic, "COARSE_ROWS", len(exact.owners) // 9)
    coarse = load()
    assert exact.coarse is None and coarse.coarse.shape == (len(exact.owners), 64)
    queries = ["钱不够了怎么办", "數據隱私", "How do I protect user data?", "模型部署", "出海"]
    for vector in semantic.embed(queries):
        wanted, got = exact.similarities(vector), coarse.similarities(vector)
        assert got.nearest() == wanted.nearest()
        for pk in exact.entry_pks.tolist():  # the rest exactly, when a search asks
            assert got.get(pk) == pytest.approx(wanted.get(pk), abs=1e-6)
    pk = entry("001", "10.50").pk
    assert coarse.related(pk).nearest(k=10) == exact.related(pk).nearest(k=10)


def test_snippets_show_formulas_as_text():
    from questions.markup import plain_text

    assert (
        plain_text(r"$\sigma$表示激活函数，$\text{权重}$和$\text{偏置}$")
        == "σ表示激活函数，权重和偏置"
    )
    assert plain_text(r"Let $n$ be the $\text{Weight}$.") == "Let n be the Weight."


def test_english_snippets_cut_no_word(settings):
    """A window into English text starts and ends between words; Chinese is cut anywhere."""
    from types import SimpleNamespace

    from django.utils import translation

    from search.highlight import snippet

    english = (
        "Every large model startup needs to think about how it would handle data privacy "
        "from the first day, because regulators and customers both ask about it early on, "
        "and the answers shape the product and the data pipeline."
    )
    blank = {f"{f}_{lang}": "" for f in ("prompt", "example") for lang in ("en", "zh_hans")}
    entry = SimpleNamespace(answer_en=english, answer_zh_hans="数据", **blank)
    with translation.override("en"):
        html, lang = snippet(entry, frozenset({"privaci"}))
    assert lang == "en"
    assert html == (
        "…it would handle data <mark>privacy</mark> from the first day, because regulators "
        "and customers both ask about it early on, and the answers shape the…"
    )


def test_snippets_show_the_words_of_links_and_never_markup():
    from questions.markup import plain_text

    assert plain_text("See [the guide](https://example.com/en) and ![a chart](c.png).") == (
        "See the guide and a chart."
    )
    assert plain_text("Docs at <https://example.com/a>.") == "Docs at https://example.com/a."
    typed = "start <script>alert('s1')</script><img src=x onerror=alert(1)> <b>bold</b> end"
    assert plain_text(typed) == "start bold end"
    assert plain_text("if a < b and c > d") == "if a < b and c > d"
