"""Content as its authors wrote it: lists that render, nested items, tables; page limits."""

import pytest

from questions.markup import render_markdown
from tests.conftest import entry

RISK_ANSWER_HTML = (
    "<p>评估AI大模型创业项目的风险，可以从以下几个方面考虑：</p>\n"
    "<ul>\n"
    "<li><strong>技术风险：</strong> 大模型的技术成熟度和可行性。</li>\n"
    "<li><strong>市场风险：</strong> 目标市场的需求和发展趋势。</li>\n"
    "<li><strong>财务风险：</strong> 项目资金和成本控制。</li>\n"
    "<li><strong>法律风险：</strong> 政策法规的合规性和潜在法律纠纷。</li>\n"
    "</ul>"
)


def test_a_list_right_under_its_lead_in_renders_as_a_list(seeded):
    e = entry("000", "18")
    assert e.question_zh_hans == "如何评估AI大模型创业项目的风险？"
    assert e.answer_html_zh_hans == RISK_ANSWER_HTML


def test_sub_items_indented_by_two_spaces_nest(seeded):
    html = entry("001", "10.14").answer_html_zh_hans
    assert html.startswith(
        "<p>AI大模型创业面临的挑战和机遇并存：</p>\n<ul>\n<li>\n<p><strong>挑战</strong>：</p>\n"
        "<ul>\n<li>技术门槛高：需要具备深度学习、神经网络等技术的专业团队。</li>\n"
    )
    assert (
        "<li>遵守法律法规：涉及数据隐私、知识产权等法律问题。</li>\n</ul>\n</li>\n"
        "<li>\n<p><strong>机遇</strong>：</p>\n<ul>\n"
    ) in html
    assert html.count("<ul>") == 3  # one list of two groups, each with its own sub-list


def test_english_lists_render_the_same_way(seeded):
    html = entry("000", "18").answer_html_en
    assert html.startswith("<p>") and "</p>\n<ul>\n<li><strong>" in html
    assert html.count("<li>") == 4


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "| 名称 | 数量 |\n|:---|---:|\n| 甲 | 1 |",
            '<table>\n<thead>\n<tr>\n<th align="left">名称</th>\n<th align="right">数量</th>\n'
            '</tr>\n</thead>\n<tbody>\n<tr>\n<td align="left">甲</td>\n<td align="right">1</td>\n'
            "</tr>\n</tbody>\n</table>",
        ),
        ("步骤：\n1. 收集\n2. 清洗", "<p>步骤：</p>\n<ol>\n<li>收集</li>\n<li>清洗</li>\n</ol>"),
        ("- 甲\n  - 乙\n- 丙", "<ul>\n<li>甲<ul>\n<li>乙</li>\n</ul>\n</li>\n<li>丙</li>\n</ul>"),
        ("减号 -1 不是列表", "<p>减号 -1 不是列表</p>"),
    ],
)
def test_what_an_admin_types_renders_as_written(markdown, html):
    assert render_markdown(markdown) == html


def test_code_that_looks_like_a_list_stays_code():
    html = render_markdown("代码：\n```python\n- x = 1\n```")
    assert html.startswith('<p>代码：</p>\n<div class="highlight"><pre>')
    assert "<li>" not in html


def test_reimport_rerenders_html_made_by_an_older_renderer(seeded):
    from io import StringIO

    from django.core.management import call_command

    from questions.models import Entry

    e = entry("000", "18")
    Entry.objects.filter(pk=e.pk).update(answer_html_zh_hans="<p>old</p>")
    out = StringIO()
    call_command("import_seeds", stdout=out)
    assert (
        "000_a64cdc8e51d938e1.txt: 0 created, 0 updated, 31 unchanged, 0 removed, 0 conflicts, 1 re-rendered"
        in out.getvalue()
    )
    assert entry("000", "18").answer_html_zh_hans == RISK_ANSWER_HTML


@pytest.mark.parametrize("page", ["9", "0", "abc", "-1"])
def test_a_topic_page_that_does_not_exist_is_404(client, seeded, page):
    assert client.get("/topics/business/", {"page": page}).status_code == 404


def test_the_last_topic_page_exists(client, seeded):
    response = client.get("/topics/business/")
    last = response.context["page_obj"].paginator.num_pages
    assert client.get("/topics/business/", {"page": last}).status_code == 200
    assert client.get("/topics/business/", {"page": last + 1}).status_code == 404
