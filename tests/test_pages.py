"""The public pages: what they show, what they refuse to show, and what they cost."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary.models import Term
from questions.models import Document, Entry, Topic
from questions.views import TOPIC_PAGE_SIZE, HomeView

from .conftest import entry

DOC_001 = "/documents/001_85f9168626f9a8f7/"


def count(html, needle):
    return html.count(needle)


class ActiveContent(HTMLParser):
    """Collects what a browser would execute: event-handler attributes, inline scripts,
    javascript: links and frames."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in {"href", "src"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag in {"iframe", "object", "embed"}:
            self.found.append(f"<{tag}>")


def active_content(html):
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


# Status codes ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "path",
    ["/", "/topics/business/", "/topics/ethics/", DOC_001, "/search/", "/search/?q=融资"],
)
def test_public_pages_render(client, seeded, prefix, path):
    response = client.get(prefix + path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/topics/no-such-topic/",
        "/documents/no-such-document/",
        "/entries/999999/",
        "/no-such-page/",
        "/en/topics/no-such-topic/",
        "/en/entries/999999/",
    ],
)
def test_unknown_addresses_are_404_in_the_site_design(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="error-page"' in html
    expected = "Page not found" if path.startswith("/en/") else "页面不存在"
    assert f'<h1 id="error-title">{expected}</h1>' in html
    assert 'class="site-header"' in html


def test_unpublished_entry_is_404(client, seeded):
    e = entry("001", "4.1")
    e.is_published = False
    e.save()
    assert client.get(e.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(("prefix", "title"), [("", "服务器出错"), ("/en", "Server error")])
def test_server_error_page_in_both_languages(client, seeded, monkeypatch, prefix, title):
    def boom(self, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(HomeView, "get_context_data", boom)
    client.raise_request_exception = False
    response = client.get(prefix + "/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert f'<html lang="{"en" if prefix else "zh-Hans"}"' in html


# Home --------------------------------------------------------------------------------


def test_home_shows_search_first_then_topics_documents_and_recent(client, seeded):
    html = client.get("/").content.decode()
    main = html[html.index('<main id="main"') :]
    assert main.index('id="home-search"') < main.index('id="topics-heading"')
    assert main.index('id="topics-heading"') < main.index('id="docs-heading"')
    assert main.index('id="docs-heading"') < main.index('id="recent-heading"')
    assert count(html, 'class="topic-card ') == 5
    for topic in Topic.objects.all():
        assert f'<span class="topic-name">{topic.name_zh_hans}</span>' in html
        assert f'<span class="topic-alt" lang="en">{topic.name_en}</span>' in html
    data = Topic.objects.get(slug="data")
    public = Entry.objects.listed().filter(topics=data).count()
    assert f"{public} 个条目" in html
    for document in Document.objects.all():
        assert f'href="{document.get_absolute_url()}"' in html
    assert count(html, '<li class="entry-item">') == 6


def test_home_in_english_names_topics_in_english(client, seeded):
    html = client.get("/en/").content.decode()
    assert '<span class="topic-name">Data</span>' in html
    assert '<span class="topic-alt" lang="zh-Hans">数据</span>' in html
    assert "Browse by topic" in html


# Topic ----------------------------------------------------------------------------------


def test_topic_page_lists_entries_in_document_order_paginated_past_50(client, seeded):
    business = Topic.objects.get(slug="business")
    listed = Entry.objects.listed().filter(topics=business).in_document_order()
    # Questions first, then the article sections, each in document order.
    entries = list(listed.filter(kind="question")) + list(listed.exclude(kind="question"))
    assert len(entries) > TOPIC_PAGE_SIZE  # the seed corpus exercises pagination
    html = client.get("/topics/business/").content.decode()
    assert count(html, '<li class="entry-item">') == TOPIC_PAGE_SIZE
    assert 'rel="next" href="?page=2"' in html
    positions = [html.index(f'href="{e.get_absolute_url()}"') for e in entries[:TOPIC_PAGE_SIZE]]
    assert positions == sorted(positions)
    last_page = (len(entries) - 1) // TOPIC_PAGE_SIZE + 1
    html = client.get(f"/topics/business/?page={last_page}").content.decode()
    remaining = len(entries) - (last_page - 1) * TOPIC_PAGE_SIZE
    assert count(html, '<li class="entry-item">') == remaining
    assert f'href="{entries[-1].get_absolute_url()}"' in html


def crumbs(client, e):
    html = client.get(e.get_absolute_url()).content.decode()
    start = html.index('class="breadcrumbs"')
    return html[start : html.index("</nav>", start)]


def test_breadcrumb_shows_the_primary_topic_the_editors_listed_first(client, seeded):
    """10.37 风险与挑战 is filed under risk, business and data, risk first: its breadcrumb
    says 风险, although data comes first among the topics."""
    e = entry("001", "10.37")
    assert [t.slug for t in e.topics.all()] == ["data", "business", "risk"]
    assert e.primary_topic.slug == "risk"
    html = client.get(e.get_absolute_url()).content.decode()
    assert '<li><a href="/topics/risk/">风险</a></li>' in crumbs(client, e)
    # Its topic tags follow the editors' order too: the primary one first.
    tags = re.findall(r'<a class="topic-tag" href="/topics/(\w+)/">', html)
    assert tags == ["risk", "data", "business"]
    # …and in lists: on the data topic page it shows its other topics, risk first.
    listing = client.get("/topics/data/").content.decode()
    item = listing[listing.index(f'href="{e.get_absolute_url()}"') :]
    item = item[: item.index("</li>")]
    assert re.findall(r'<a class="topic-tag" href="/topics/(\w+)/">', item) == ["risk", "business"]


def test_breadcrumb_without_a_primary_topic_shows_the_first_topic(client, seeded):
    e = entry("001", "10.37")
    Entry.objects.filter(pk=e.pk).update(primary_topic=None)
    assert '<li><a href="/topics/data/">数据</a></li>' in crumbs(client, e)


def test_topic_page_shows_summary_and_only_the_other_topics(client, seeded):
    e = entry("001", "2")  # 核心概念与联系: topics data + business
    html = client.get("/topics/data/").content.decode()
    item = html[html.index(f'href="{e.get_absolute_url()}"') :]
    item = item[: item.index("</li>")]
    assert "核心概念与联系" in item
    assert e.summary[:30] in item
    assert '<a class="topic-tag" href="/topics/business/">商业模式</a>' in item
    assert 'href="/topics/data/"' not in item


# Entry --------------------------------------------------------------------------------------


def test_entry_page_with_formula(client, seeded):
    e = entry("001", "4.1")
    html = client.get(e.get_absolute_url()).content.decode()
    assert (
        '<h1 id="entry-title"><span class="section-number">4.1</span> '
        '<span lang="zh-Hans">数学模型构建</span></h1>'
    ) in html
    assert '<div class="math math-display">\\begin{aligned}' in html
    assert '<span class="math math-inline">\\sigma</span>' in html
    assert f'href="{DOC_001}#s-4-1"' in html
    assert "第 4.1 节" in html
    # Breadcrumbs: home › entry (its editors gave this section no topic).
    start = html.index('class="breadcrumbs"')
    crumbs = html[start : html.index("</nav>", start)]
    assert '<a href="/">首页</a>' in crumbs and "/topics/" not in crumbs
    assert 'aria-current="page" lang="zh-Hans">数学模型构建<' in crumbs
    # …and home › topic › entry for one with topics.
    other = client.get(entry("001", "2.6").get_absolute_url()).content.decode()
    start = other.index('class="breadcrumbs"')
    assert (
        '<li><a href="/topics/compute/">算力</a></li>'
        in other[start : other.index("</nav>", start)]
    )
    # Permalink, previous and next in the document.
    assert f'rel="bookmark" data-permalink>http://testserver{e.get_absolute_url()}</a>' in html
    siblings = list(Entry.objects.listed().filter(document=e.document).order_by("position"))
    i = siblings.index(e)
    assert f'rel="prev" class="prev" href="{siblings[i - 1].get_absolute_url()}"' in html
    assert f'rel="next" class="next" href="{siblings[i + 1].get_absolute_url()}"' in html


def test_entry_page_keeps_mermaid_source_for_the_browser(client, seeded):
    html = client.get(entry("001", "2").get_absolute_url()).content.decode()
    assert '<pre class="mermaid">graph TD\nA[数据收集] --&gt; B[数据预处理]' in html


def test_entry_page_sets_prompt_apart_and_example_in_a_callout(client, seeded):
    e = Entry.objects.published().exclude(prompt="").exclude(example="").first()
    html = client.get(e.get_absolute_url()).content.decode()
    assert '<section class="prompt" aria-labelledby="prompt-heading">' in html
    assert '<h2 id="prompt-heading" class="label-heading">题目</h2>' in html
    assert '<aside class="callout example" aria-labelledby="example-heading">' in html
    assert e.example_html in html
    assert e.prompt_html in html


def test_incomplete_entry_says_so(client, seeded):
    e = Entry.objects.published().filter(incomplete=True).first()
    html = client.get(e.get_absolute_url()).content.decode()
    assert "来源文档在此处被截断，这个条目的内容不完整。" in html
    html = client.get("/en" + e.get_absolute_url()).content.decode()
    assert "The source document is cut off here; this entry is incomplete." in html


def test_a_folded_entry_sends_readers_to_its_canonical_entry(client, seeded):
    copy, original = entry("001", "10.44"), entry("001", "10.37")
    assert copy.duplicate_of == original
    copy_url, original_url = copy.get_absolute_url(), original.get_absolute_url()
    response = client.get(copy_url)
    assert response.status_code == 302 and response["Location"] == original_url
    response = client.get("/en" + copy_url)
    assert response["Location"] == "/en" + original_url
    html = client.get(original_url).content.decode()
    assert '<h2 id="also-asked-heading">也可以这样问</h2>' in html
    assert (
        '<li><span lang="zh-Hans">AI大模型创业中的风险与挑战</span> <span class="source">'
        '<span lang="zh-Hans">AI大模型在创业过程中的技术挑战</span> §10.44</span></li>'
    ) in html


def test_entry_topics_link_to_topic_pages(client, seeded):
    e = entry("001", "2")
    html = client.get("/en" + e.get_absolute_url()).content.decode()
    assert '<a class="topic-tag" href="/en/topics/data/">Data</a>' in html
    assert '<a class="topic-tag" href="/en/topics/business/">Business model</a>' in html
    assert "original-label" not in html  # the entry is translated


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_entry_html_from_an_admin_edit_is_sanitised(client, seeded, payload):
    e = entry("001", "4.1")
    e.answer = payload
    e.example = payload
    e.save()
    for path in (e.get_absolute_url(), DOC_001, "/topics/data/"):
        html = client.get(path).content.decode()
        assert active_content(html) == []
        assert "<script>alert(1)" not in html


# Document ------------------------------------------------------------------------------------


def test_document_page_has_every_entry_in_order_with_anchors_and_toc(client, seeded):
    document = Document.objects.get(filename__startswith="001_")
    entries = list(document.entries.order_by("position"))
    html = client.get(DOC_001).content.decode()
    body = html[html.index('class="toc"') :]
    toc_end = body.index("</nav>")
    for e in entries:
        assert f'<li class="toc-level-{e.heading_level}"><a href="#{e.anchor}">' in body[:toc_end]
    positions = [body.index(f'<section id="{e.anchor}"') for e in entries]
    assert positions == sorted(positions)
    assert '<section id="s-10-3"' in html and '<section id="s-4-1"' in html
    assert (  # keyword chips search for their keyword
        '<ul class="keyword-list" lang="zh-Hans"><li><a href="/search/?q=AI%E5%A4%A7%E6%A8%A1%E5%9E%8B">'
        'AI大模型</a></li><li><a href="/search/?q=%E5%88%9B%E4%B8%9A">创业</a></li>'
    ) in html
    assert "本文将探讨AI大模型在创业过程中的技术挑战" in html


def test_document_without_keywords_shows_none(client, seeded):
    document = Document.objects.get(filename__startswith="000_")
    html = client.get(document.get_absolute_url()).content.decode()
    assert "keyword-list" not in html
    assert f'<h1 id="document-title" lang="zh-Hans">{document.display_title}</h1>' in html


# Languages -------------------------------------------------------------------------------------


def test_language_switcher_returns_to_the_same_page(client, seeded):
    e = entry("001", "4.1")
    url = e.get_absolute_url()
    html = client.get(url + "?x=1").content.decode()
    assert '<html lang="zh-Hans"' in html
    switch = f"/i18n/switch/?language=en&amp;next=/en{url}%3Fx%3D1"
    assert f'<a href="{switch}" hreflang="en" lang="en" data-language-switch>English</a>' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{url}?x=1">' in html
    html = client.get("/en" + url).content.decode()
    assert '<html lang="en"' in html
    switch = f"/i18n/switch/?language=zh-hans&amp;next={url}"
    assert f'<a href="{switch}" hreflang="zh-Hans" lang="zh-Hans" data-language-switch>' in html


def test_switcher_on_a_404_page_swaps_the_prefix(client, seeded):
    html = client.get("/en/nowhere/").content.decode()
    assert '<a href="/i18n/switch/?language=zh-hans&amp;next=/nowhere/" hreflang="zh-Hans"' in html


# Site files -------------------------------------------------------------------------------------


def test_sitemap_lists_every_public_page_in_both_languages(client, seeded):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locs = set(re.findall(r"<loc>(.*?)</loc>", xml))
    published = Entry.objects.listed()
    expected = {"/"} | {t.get_absolute_url() for t in Topic.objects.all()}
    expected |= {d.get_absolute_url() for d in Document.objects.all()}
    expected |= {e.get_absolute_url() for e in published}
    expected |= {"/glossary/"} | {t.get_absolute_url() for t in Term.objects.all()}
    assert Term.objects.count() >= 200
    for path in expected:
        assert f"http://testserver{path}" in locs
        assert f"http://testserver/en{path}" in locs
    assert len(locs) == 2 * len(expected)
    assert 'hreflang="en"' in xml


def test_sitemap_xml_is_what_djangos_sitemap_template_writes(client, seeded):
    """The view writes the XML itself (questions.sitemaps.urlset_xml), byte for byte as
    django.contrib.sitemaps' template renders the same URLs."""
    from django.template.loader import render_to_string

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urlset = response.context_data["urlset"]
    pages = 1 + Topic.objects.count() + Document.objects.count() + 179 + 1 + Term.objects.count()
    assert len(urlset) == 2 * pages
    assert response.content.decode() == render_to_string("sitemap.xml", {"urlset": urlset})


def test_robots_txt_points_to_the_sitemap(client, seeded):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.parametrize(
    ("prefix", "name"), [("", "AI 创业知识库"), ("/en", "AI Startup Knowledge Base")]
)
def test_opensearch_description(client, db, prefix, name):
    response = client.get(prefix + "/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    xml = response.content.decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f"<ShortName>{name}</ShortName>" in xml
    assert f'template="http://testserver{prefix}/search/?q={{searchTerms}}"' in xml


def test_favicon_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_pages_carry_no_inline_script_or_style(client, seeded):
    for path in ("/", "/topics/data/", entry("001", "4.1").get_absolute_url(), DOC_001):
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert "<style" not in html
        assert " style=" not in html
        assert "https://cdn" not in html and "//cdn." not in html


# Query counts -----------------------------------------------------------------------------------


def queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/", 5),
        ("/en/", 5),
        ("/topics/business/", 5),
        ("/topics/business/?page=2", 5),
        (DOC_001, 3),
    ],
)
def test_listing_pages_query_count_is_small(
    client, seeded, django_assert_max_num_queries, path, limit
):
    """Counted on the second request: the first of a content version also reads what
    every request of that version shares (the topic list, questions.shown_topics.topic_list)."""
    client.get(path)
    with django_assert_max_num_queries(limit):
        client.get(path)


def test_entry_page_query_count_is_small(client, seeded, django_assert_max_num_queries):
    # The content version and folded entries included; related entries are worked out
    # once per content version (3 queries on the first visit, none after).
    with django_assert_max_num_queries(11):
        client.get(entry("001", "4.1").get_absolute_url())


def test_query_count_does_not_grow_with_entries(client, seeded):
    big = Document.objects.get(filename__startswith="001_")
    small = Document.objects.get(filename__startswith="003_")
    assert big.entries.count() > 10 * small.entries.count()
    assert queries(client, big.get_absolute_url()) == queries(client, small.get_absolute_url())
    assert queries(client, "/topics/business/") == queries(client, "/topics/ethics/")
    entries = [entry("001", "4.1").get_absolute_url(), entry("001", "2").get_absolute_url()]
    for path in entries:  # related entries are worked out on an entry's first visit
        client.get(path)
    assert queries(client, entries[0]) == queries(client, entries[1]) == 8


def test_a_long_summary_is_cut_with_an_ellipsis(seeded):
    from tests.conftest import entry

    e = entry("000", "12")
    assert len(e.summary) == 120 and e.summary.endswith("…")
    assert e.summary[:-1] == plain_summary(e)[:119]


def test_an_edited_answer_shows_its_new_summary_at_once(client, seeded):
    """Summaries are remembered per answer text, so an edit is a new summary, never an old one."""
    e = entry("001", "2")
    client.get("/topics/data/")  # the old summary is remembered now
    e.answer = "新的回答开头。" + e.answer
    e.save()
    html = client.get("/topics/data/").content.decode()
    item = html[html.index(f'href="{e.get_absolute_url()}"') :]
    assert '<p class="summary" lang="zh-Hans">新的回答开头。' in item[: item.index("</li>")]


def plain_summary(e):
    from questions.markup import plain_text

    return plain_text(e.answer)


def test_links_follow_the_language_and_the_script_prefix(db):
    """kb.links.reverse() remembers each URL, but per language and script prefix: an
    English page links English pages, a site mounted under /kb/ links under /kb/."""
    from django.urls import get_script_prefix, set_script_prefix
    from django.utils import translation

    from kb.links import reverse

    with translation.override("zh-hans"):
        assert reverse("questions:entry", args=[19]) == "/entries/19/"
    with translation.override("en"):
        assert reverse("questions:entry", args=[19]) == "/en/entries/19/"
    prefix = get_script_prefix()
    set_script_prefix("/kb/")
    try:
        with translation.override("en"):
            assert reverse("questions:entry", args=[19]) == "/kb/en/entries/19/"
    finally:
        set_script_prefix(prefix)
    with translation.override("en"):
        assert reverse("questions:entry", args=[19]) == "/en/entries/19/"
