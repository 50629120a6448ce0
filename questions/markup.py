"""Markdown → safe HTML, in one place.

Entries are stored as Markdown; their HTML is derived on save (see ``Entry.save``)
so pages never re-render Markdown per request. Everything is sanitised with nh3
after rendering: only the tags and attributes the renderers need survive.
"""

import re
from functools import cache, lru_cache
from html import unescape

import markdown
import nh3

from .markdown_lists import ListAfterParagraphExtension

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Fenced code is highlighted by Pygments (css class "highlight").
# $$…$$ blocks and $…$ inline formulas are kept verbatim for KaTeX in the browser:
# protect them from Markdown (which would eat backslashes and underscores).
_MERMAID = re.compile(r"^```mermaid\s*\n(.*?)\n```\s*$", re.S | re.M)
_MATH_BLOCK = re.compile(r"^\$\$\s*\n(.*?)\n\$\$\s*$", re.S | re.M)
_MATH_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\$)")


def _protect_math(text):
    stash = []

    def keep(html):
        stash.append(html)
        return f"kbstash{len(stash) - 1}kbstash"

    # A mermaid fence becomes <pre class="mermaid">source</pre>: static/js draws it,
    # and the source stays readable when scripts are off.
    text = _MERMAID.sub(
        lambda m: "\n\n" + keep(f'<pre class="mermaid">{_escape(m[1])}</pre>') + "\n\n", text
    )
    text = _MATH_BLOCK.sub(
        lambda m: "\n\n" + keep(f'<div class="math math-display">{_escape(m[1])}</div>') + "\n\n",
        text,
    )
    text = _MATH_INLINE.sub(
        lambda m: keep(f'<span class="math math-inline">{_escape(m[1])}</span>'), text
    )
    return text, stash


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _restore_math(html, stash):
    html = re.sub(r"<p>kbstash(\d+)kbstash</p>", lambda m: stash[int(m[1])], html)
    return re.sub(r"kbstash(\d+)kbstash", lambda m: stash[int(m[1])], html)


def render_markdown(text):
    """Render an entry's Markdown to sanitised HTML."""
    if not text:
        return ""
    text, stash = _protect_math(text)
    html = markdown.markdown(
        text,
        extensions=[
            "fenced_code",
            "tables",
            "codehilite",
            ListAfterParagraphExtension(),
            # Sub-items indented by two spaces nest, as the seeds write them (code stays at 4).
            "mdx_truly_sane_lists",
        ],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False},
            "tables": {"use_align_attribute": True},  # align= survives the sanitiser
            "mdx_truly_sane_lists": {"nested_indent": 2, "truly_sane": False},
        },
        output_format="html",
    )
    html = _restore_math(html, stash)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


@cache
def _latex_to_text():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text").latex_to_text


@lru_cache(maxsize=1024)  # a search's snippets read the same bodies again and again
def plain_text(text):
    """Markdown source → readable plain text, for snippets and descriptions."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)  # code and mermaid blocks
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)  # display formulas
    # An inline formula as text: $\sigma$ → σ, $\text{权重}$ → 权重 (pylatexenc).
    text = _MATH_INLINE.sub(lambda m: _latex_to_text()(m[1]), text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their words
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)  # autolinks
    # HTML an editor typed: its text, never its tags (nh3 with no tag allowed; it drops a
    # script's or style's content too).
    text = unescape(nh3.clean(text, tags=set()))
    text = re.sub(r"^[\s|:-]*-{3,}[\s|:-]*$", " ", text, flags=re.M)  # table rules, ---
    text = re.sub(r"^\s*(?:>\s*)+", "", text, flags=re.M)  # quote markers, not "c > d"
    text = re.sub(r"[*_`#|]+", "", text)
    text = re.sub(r"^\s*[-+]\s+", "", text, flags=re.M)
    return " ".join(text.split())
