"""Every page's interface is in the page's language; only entry content stays Chinese.

Entry content (and anything else quoted from the source documents) is wrapped in an element
with ``lang="zh-Hans"``; user input is in ``class="user-query"``. Strip those, and what is
left is interface text, which must be in the page's language.
"""

import re
import shutil
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real

from questions.models import Entry
from questions.views import HomeView

from .conftest import entry

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class InterfaceText(HTMLParser):
    """Visible text of <body>, minus elements in the given languages, scripts and user input."""

    def __init__(self, skip_langs):
        super().__init__(convert_charrefs=True)
        self.skip_langs = {lang.lower() for lang in skip_langs}
        self.stack = []  # (tag, skipped)
        self.in_body = False
        self.parts = []

    def skipping(self):
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in VOID:
            if tag == "img" and self.in_body and not self.skipping():
                self.parts.append(dict(attrs).get("alt") or "")
            return
        attrs = dict(attrs)
        skipped = (
            (tag != "html" and (attrs.get("lang") or "").lower() in self.skip_langs)
            or "user-query" in (attrs.get("class") or "").split()
            or tag in {"script", "style", "template"}
        )
        self.stack.append((tag, skipped))
        for name in ("aria-label", "title", "placeholder"):
            if self.in_body and not self.skipping() and attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.in_body and not self.skipping():
            self.parts.append(data)


def interface_text(html, skip_langs):
    parser = InterfaceText(skip_langs)
    parser.feed(html)
    text = re.sub(r"https?://\S+", " ", " ".join(parser.parts))  # addresses are not prose
    return " ".join(text.split())


def english_ui_strings():
    """Every English translation in locale/en, the strings that must not leak into Chinese pages."""
    catalog = trans_real.translation("en")._catalog
    strings = set()
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not value or value == msgid:
            continue
        text = re.sub(r"%\(\w+\)s|%[sd]|<[^>]+>", "", value).strip(" .,:;!?()")
        if len(text) >= 6 and not HAN.search(text):
            strings.add(text)
    return strings


def page_paths():
    return {
        "home": "/",
        "topic": "/topics/business/",
        "topic page 2": "/topics/business/?page=2",
        "entry with formula": entry("001", "4.1").get_absolute_url(),
        "entry with diagram": entry("001", "2").get_absolute_url(),
        "document": "/documents/001_85f9168626f9a8f7/",
        "search": "/search/?q=数据隐私",
        "search filtered": "/search/?q=数据隐私&topic=data",
        "search nothing": "/search/?q=量子纠缠火星",
        "search empty": "/search/",
        "not found": "/no-such-page/",
    }


PAGE_NAMES = [
    "home",
    "topic",
    "topic page 2",
    "entry with formula",
    "entry with diagram",
    "document",
    "search",
    "search filtered",
    "search nothing",
    "search empty",
    "not found",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_english_pages_have_no_chinese_outside_entry_content(client, seeded, name):
    path = page_paths()[name]
    response = client.get("/en" + path)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    assert '<html lang="en"' in html
    text = interface_text(html, skip_langs=["zh-Hans"])
    assert text  # the page has an interface at all
    leaked = HAN.findall(text)
    assert not leaked, f"Chinese in the English interface of {name}: {text}"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_chinese_pages_have_no_english_interface_strings(client, seeded, name):
    path = page_paths()[name]
    html = client.get(path).content.decode()
    assert '<html lang="zh-Hans"' in html
    text = interface_text(html, skip_langs=["zh-Hans", "en"])
    assert HAN.search(text)
    leaked = sorted(s for s in english_ui_strings() if s in text)
    assert not leaked, f"English interface strings on the Chinese {name} page: {leaked}"


def test_english_titles_of_interface_pages_are_english(client, seeded):
    for path in ("/en/", "/en/search/", "/en/nowhere/"):
        html = client.get(path).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
        assert not HAN.search(title), title


def test_server_error_page_is_translated(client, seeded, monkeypatch):
    def boom(self, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(HomeView, "get_context_data", boom)
    client.raise_request_exception = False
    html = client.get("/en/").content.decode()
    assert not HAN.findall(interface_text(html, skip_langs=["zh-Hans"]))
    html = client.get("/").content.decode()
    text = interface_text(html, skip_langs=["zh-Hans", "en"])
    assert not sorted(s for s in english_ui_strings() if s in text)


@pytest.mark.parametrize(
    ("path", "strings"),
    [
        ("/", ["跳到正文", "按主题浏览", "来源文档", "最近更新", "数据", "算力"]),
        (
            "/en/",
            [
                "Skip to content",
                "Browse by topic",
                "Source documents",
                "Recently updated",
                "Data",
                "Compute",
            ],
        ),
        ("/topics/business/", ["商业模式", "下一页", "第 1 / 3 页"]),
        ("/en/topics/business/", ["Business model", "Next page", "Page 1 of 3"]),
        ("/en/search/?q=数据隐私", ["Filter by topic", "Found"]),
    ],
)
def test_real_interface_strings_in_each_language(client, seeded, path, strings):
    html = client.get(path).content.decode()
    for s in strings:
        assert s in html


def test_every_model_and_message_string_has_an_english_translation():
    """The .po for English leaves no msgid untranslated (models, admin, search messages too)."""
    po = (settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    blocks = [b for b in po.split("\n\n") if re.search(r'^msgid "(.+)"$', b, re.M)]
    untranslated = [
        b for b in blocks if re.search(r'^msgstr(\[0\])? ""$', b, re.M) or "#, fuzzy" in b
    ]
    assert blocks and not untranslated, untranslated[:3]


@pytest.mark.parametrize(
    ("catalogue", "sources"),
    [
        ("locale", ["kb", "questions", "search", "glossary", "templates"]),
        ("insights/locale", ["insights"]),  # apps that keep catalogues of their own
        ("signin/locale", ["signin"]),
    ],
)
def test_the_english_catalogue_holds_every_string_in_the_source(
    catalogue, sources, tmp_path, settings, monkeypatch
):
    """makemessages over a copy of the sources finds no string that the committed English
    catalogue lacks: a string added without running makemessages would show in Chinese to
    an English reader or admin. (A copy: run in the project, it rewrites the catalogues.)"""
    src = tmp_path / "src"
    for name in sources:
        shutil.copytree(
            settings.BASE_DIR / name, src / name, ignore=shutil.ignore_patterns("locale")
        )
    monkeypatch.chdir(src)
    settings.LOCALE_PATHS = [src / "extracted"]
    (src / "extracted").mkdir()
    call_command("makemessages", locale=["en"], no_wrap=True, verbosity=0)
    extracted = msgids(src / "extracted" / "en" / "LC_MESSAGES" / "django.po")
    own = msgids(settings.BASE_DIR / catalogue / "en" / "LC_MESSAGES" / "django.po")
    project = msgids(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert extracted and sorted(extracted - own - project) == []  # gettext reads both


def msgids(po_file):
    return set(re.findall(r'^msgid "(.+)"$', po_file.read_text(encoding="utf-8"), re.M))


def test_untranslated_entry_falls_back_to_chinese_with_a_note(client, seeded):
    e = entry("001", "4.1")
    url = e.get_absolute_url()
    html = client.get("/en" + url).content.decode()
    assert "original-label" not in html  # translated: no note
    Entry.objects.filter(pk=e.pk).update(question_en="", answer_en="")
    html = client.get("/en" + url).content.decode()
    assert (
        '<span class="original-label" role="note">'
        "No English translation yet: showing the Chinese original.</span>" in html
    )
    assert '<span lang="zh-Hans">数学模型构建</span></h1>' in html
    html = client.get(url).content.decode()
    assert "original-label" not in html
