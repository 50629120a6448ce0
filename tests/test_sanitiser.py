"""The sanitiser's allow-list (questions/markup.py): what an admin types cannot carry forms,
frames, scripts, styles, event handlers or javascript: URLs onto public pages, and the
Markdown the site uses comes through exactly."""

import pytest

from questions.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown


def test_the_allow_list_is_explicit():
    assert ALLOWED_TAGS == {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }  # fmt: skip
    assert ALLOWED_ATTRIBUTES == {
        "*": {"class", "id"},
        "a": {"href", "title"},
        "img": {"src", "alt", "title", "width", "height"},
        "td": {"align"},
        "th": {"align"},
        "ol": {"start"},
    }
    assert URL_SCHEMES == {"http", "https", "mailto"}


@pytest.mark.parametrize(
    ("typed", "public"),
    [
        ('<form action="/x" method="post"><input name="a"><button>发送</button></form>', "发送"),
        ('<p>文字 <input type="text" value="v"></p>', "<p>文字 </p>"),
        ('<button type="submit" formaction="https://evil.example">点我</button>', "<p>点我</p>"),
        ('<iframe src="https://evil.example/"></iframe>', ""),
        ('<object data="x.swf"></object>', ""),
        ('<embed src="x.swf">', "<p></p>"),
        ("<script>alert(1)</script>", ""),
        ("<style>body{display:none}</style>", ""),
        ('<img src="x.png" onerror="alert(1)">', '<p><img src="x.png"></p>'),
        ('<p onclick="steal()" style="color:red">段落</p>', "<p>段落</p>"),
        (
            '<a href="/entries/1/" onmouseover="x()">链接</a>',
            '<p><a href="/entries/1/" rel="nofollow noopener">链接</a></p>',
        ),
        ("[点我](javascript:alert(1))", '<p><a rel="nofollow noopener">点我</a></p>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<p><a rel="nofollow noopener">x</a></p>'),
        (
            '<a href="data:text/html,<script>x</script>">x</a>',
            '<p><a rel="nofollow noopener">x</a></p>',
        ),
        ('<img src="javascript:alert(1)" alt="a">', '<p><img alt="a"></p>'),
        ("<svg><script>alert(1)</script></svg>", "<p></p>"),
        ('<base href="https://evil.example/">', "<p></p>"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<p></p>"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "<p></p>"),
    ],
)
def test_dangerous_markup_is_removed(typed, public):
    assert render_markdown(typed) == public


@pytest.mark.parametrize(
    ("typed", "public"),
    [
        (
            "| 项目 | 成本 |\n|:--|--:|\n| 算力 | 高 |",
            '<table>\n<thead>\n<tr>\n<th align="left">项目</th>\n<th align="right">成本</th>\n'
            '</tr>\n</thead>\n<tbody>\n<tr>\n<td align="left">算力</td>\n<td align="right">高</td>\n'
            "</tr>\n</tbody>\n</table>",
        ),
        (
            "```python\nprint(1)\n```",
            '<div class="highlight"><pre><span></span><code><span class="nb">print</span>'
            '<span class="p">(</span><span class="mi">1</span><span class="p">)</span>\n</code></pre></div>',
        ),
        ("用 `pip` 安装", "<p>用 <code>pip</code> 安装</p>"),
        (
            "- 数据\n- 算力\n\n1. 一\n2. 二",
            "<ul>\n<li>数据</li>\n<li>算力</li>\n</ul>\n<ol>\n<li>一</li>\n<li>二</li>\n</ol>",
        ),
        (
            '[官网](https://example.com "标题") 和 <mailto:a@example.com>',
            '<p><a href="https://example.com" title="标题" rel="nofollow noopener">官网</a> 和 '
            '<a href="mailto:a@example.com" rel="nofollow noopener">a@example.com</a></p>',
        ),
        (
            "![图](https://example.com/a.png)",
            '<p><img alt="图" src="https://example.com/a.png"></p>',
        ),
        ("$$\nx_1^2\n$$", '<div class="math math-display">x_1^2</div>'),
        ("成本 $c_t$ 上升", '<p>成本 <span class="math math-inline">c_t</span> 上升</p>'),
        ("```mermaid\ngraph TD; A-->B\n```", '<pre class="mermaid">graph TD; A--&gt;B</pre>'),
        (
            "> 引用 **重点** *强调*",
            "<blockquote>\n<p>引用 <strong>重点</strong> <em>强调</em></p>\n</blockquote>",
        ),
    ],
)
def test_the_markdown_the_site_uses_is_kept(typed, public):
    assert render_markdown(typed) == public
