"""The reading experience in real headless Chromium (Debian's /usr/bin/chromium) via Playwright.

Run with the rest of the suite; skipped when Chromium is missing. Screenshots of every page
type, at 375 px and 1280 px in both languages, go to test-artifacts/ (git-ignored).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from glossary.models import Term
from questions.models import Entry, Topic

from .conftest import entry

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous calls, so Django's async guard is lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Page:
    """A Playwright page that records console errors, page errors and dialogs."""

    def __init__(self, browser, base_url, width=1280, color_scheme="light", locale="zh-CN"):
        # A Chinese browser unless a test says otherwise (Accept-Language picks the home page).
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=color_scheme, locale=locale
        )
        self.page = self.context.new_page()
        self.base_url = base_url
        self.errors = []
        self.dialogs = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{self.page.url}: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path):
        self.page.goto(self.base_url + path)
        self.settle()

    def settle(self):
        self.page.wait_for_load_state("networkidle")

    def no_horizontal_scroll(self):
        return self.page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
            " && document.body.scrollWidth <= window.innerWidth"
        )

    def shot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def close(self):
        self.context.close()


@pytest.fixture
def make_page(browser, live_server):
    pages = []

    def make(**kwargs):
        page = Page(browser, live_server.url, **kwargs)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()


def test_home_topic_entry_document_and_back(seeded_live, make_page):
    b = make_page()
    page = b.page
    b.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="数据", exact=False).first.click()
    b.settle()
    assert page.url.endswith("/topics/data/")
    first = page.locator(".entry-item-title a").first
    question = first.locator("[lang=zh-Hans]").inner_text()
    first.click()
    b.settle()
    assert "/entries/" in page.url
    entry_url = page.url
    assert page.locator("h1").inner_text().endswith(question)
    crumbs = page.locator(".breadcrumbs li")
    assert crumbs.nth(0).inner_text() == "首页"
    # The entry's primary topic (the one its editors listed first), whichever page led here.
    opened = Entry.objects.get(pk=int(entry_url.rstrip("/").rsplit("/", 1)[1]))
    assert crumbs.nth(1).inner_text() == opened.filed_under(list(opened.topics.all()))[0].name
    source = page.locator("a.source-link")
    anchor = source.get_attribute("href").split("#")[1]
    source.click()
    b.settle()
    assert page.url.endswith(f"#{anchor}")
    assert "/documents/" in page.url
    target = page.locator(f"section#{anchor}")
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 300  # the section is at the top of the view
    assert target.locator("h2").inner_text().strip().endswith("#")
    page.go_back()
    b.settle()
    assert page.url == entry_url
    assert b.errors == []


def test_language_switch_keeps_the_entry_and_the_anchor(seeded_live, make_page):
    e = entry("001", "4.1")
    url = e.get_absolute_url()
    b = make_page()
    page = b.page
    b.goto(url)
    page.locator(".language-switcher a[hreflang=en]").click()
    b.settle()
    assert page.url == f"{b.base_url}/en{url}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "4.1 Building the mathematical model"
    assert page.locator(".original-label").count() == 0
    assert page.locator(".breadcrumbs li").first.inner_text() == "Home"
    assert {c["name"]: c["value"] for c in b.context.cookies()}["django_language"] == "en"
    b.shot("entry-en-1280")
    page.locator(".language-switcher a[hreflang=zh-Hans]").click()
    b.settle()
    assert page.url == f"{b.base_url}{url}"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # On a document page the switch keeps the reader's place (#anchor).
    document = e.document.get_absolute_url()
    b.goto(f"{document}#{e.anchor}")
    page.locator(".language-switcher a[hreflang=en]").click()
    b.settle()
    assert page.url == f"{b.base_url}/en{document}#{e.anchor}"
    assert b.errors == []


def test_an_english_browser_lands_on_the_english_home_page(seeded_live, make_page):
    b = make_page(locale="en-US")
    b.goto("/")
    assert b.page.url == f"{b.base_url}/en/"
    assert b.page.locator("h1").inner_text() == "AI Startup Knowledge Base"
    assert b.page.locator(".topic-card .topic-name").first.inner_text() == "Data"
    b.shot("home-en-1280")
    assert b.errors == []


def test_english_entry_with_formula_and_diagram_on_a_phone(seeded_live, make_page):
    b = make_page(width=375)
    page = b.page
    b.goto("/en" + entry("001", "4.1").get_absolute_url())
    page.wait_for_selector(".math-display .katex-display")
    assert "Loss" in page.locator(".math-display .katex-mathml").inner_text()
    assert page.locator(".also-asked h2").inner_text() == "Also asked as"
    assert b.no_horizontal_scroll()
    b.shot("entry-formula-en-375")
    b.goto("/en" + entry("001", "2").get_absolute_url())
    svg = page.wait_for_selector(".mermaid-diagram svg")
    assert svg.is_visible()
    assert page.locator(".mermaid-diagram svg g.node").count() == 15
    assert "Data collection" in page.locator(".mermaid-diagram svg").text_content()
    assert b.no_horizontal_scroll()
    b.shot("entry-diagram-en-375")
    assert b.errors == []


def test_search_from_the_header_highlights_and_filters(seeded_live, make_page):
    b = make_page()
    page = b.page
    b.goto("/")
    page.keyboard.press("/")
    focused = page.evaluate("document.activeElement.getAttribute('data-search-input') !== null")
    assert focused
    page.fill("#site-search", "数据隐私")
    page.press("#site-search", "Enter")
    b.settle()
    assert "/search/?q=" in page.url
    assert page.locator(".results mark").count() > 0
    assert "数据" in page.locator(".results mark").first.inner_text()
    b.shot("search-zh-1280")
    data = Topic.objects.get(slug="data")
    page.locator(".facets a.facet", has_text=data.name_zh_hans).click()
    b.settle()
    assert "topic=data" in page.url
    assert page.locator(".facet.selected").inner_text().startswith("数据")
    for item in page.locator(".results .entry-item").all():
        assert "数据" in item.locator(".meta").inner_text()
    assert b.errors == []


def test_formula_renders_with_katex_and_diagram_as_svg(seeded_live, make_page):
    b = make_page()
    page = b.page
    b.goto(entry("001", "4.1").get_absolute_url())
    page.wait_for_selector(".math-display .katex-display")
    assert page.locator(".math-display .katex").count() == 1
    assert page.locator(".math-inline .katex").count() >= 3
    assert "损失函数" in page.locator(".math-display .katex-mathml").inner_text()
    b.shot("entry-formula-zh-1280")
    b.goto(entry("001", "2").get_absolute_url())
    svg = page.wait_for_selector(".mermaid-diagram svg")
    assert svg.is_visible()
    assert page.locator(".mermaid-diagram svg g.node").count() == 15
    assert "数据收集" in page.locator(".mermaid-diagram svg").text_content()
    assert page.locator("pre.mermaid").is_hidden()
    assert b.errors == []


def test_formula_and_diagram_source_stay_readable_without_scripts(
    seeded_live, browser, live_server
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + entry("001", "2").get_absolute_url())
    assert "A[数据收集] --> B[数据预处理]" in page.locator("pre.mermaid").inner_text()
    page.goto(live_server.url + entry("001", "4.1").get_absolute_url())
    assert "\\frac{1}{2}" in page.locator(".math-display").inner_text()
    context.close()


def test_injected_html_in_an_answer_does_nothing(seeded_live, make_page):
    e = entry("001", "4.1")
    e.answer = "<img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\n安全的答案"
    e.save()
    b = make_page()
    page = b.page
    b.goto(e.get_absolute_url())
    page.wait_for_timeout(300)
    assert b.dialogs == []
    assert page.locator(".answer [onerror]").count() == 0
    assert page.locator(".answer script").count() == 0
    assert "安全的答案" in page.locator(".answer").inner_text()
    b.goto("/documents/001_85f9168626f9a8f7/")
    assert b.dialogs == []
    assert page.locator("main [onerror], main script").count() == 0


def test_dark_mode_follows_the_system_and_toggles(seeded_live, make_page):
    b = make_page(color_scheme="dark")
    page = b.page
    b.goto("/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"
    page.locator("[data-theme-toggle]").click()
    assert page.locator("html").get_attribute("data-theme") == "light"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    b.goto("/topics/data/")  # the choice is remembered
    assert page.locator("html").get_attribute("data-theme") == "light"
    assert b.errors == []


PAGE_TYPES = {
    "home": "/",
    "topic": "/topics/business/",
    "entry-formula": ("001", "4.1"),
    "entry-diagram": ("001", "2"),
    "document": "/documents/001_85f9168626f9a8f7/",
    "search": "/search/?q=数据隐私",
    "search-pinyin": "/search/?q=shuju yinsi",
    "glossary": "/glossary/",
    "glossary-term": lambda: Term.objects.get(zh="差分隐私").get_absolute_url(),
    "not-found": "/no-such-page/",
}


@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_type_fits_and_has_no_console_errors(seeded_live, make_page, width):
    for lang_prefix, lang in (("", "zh"), ("/en", "en")):
        for scheme in ("light", "dark"):
            if scheme == "dark" and width == 1280:
                continue
            b = make_page(width=width, color_scheme=scheme)
            for name, where in PAGE_TYPES.items():
                if callable(where):
                    where = where()
                path = entry(*where).get_absolute_url() if isinstance(where, tuple) else where
                b.goto(lang_prefix + path)
                if name.startswith("entry-diagram"):
                    b.page.wait_for_selector(".mermaid-diagram svg")
                if name.startswith("entry-formula"):
                    b.page.wait_for_selector(".katex")
                assert b.no_horizontal_scroll(), f"{name} scrolls sideways at {width}px"
                suffix = "" if scheme == "light" else "-dark"
                b.shot(f"{name}-{lang}-{width}{suffix}")
            # The only console error allowed: the 404 status of the not-found page itself.
            assert all("no-such-page" in e and "404" in e for e in b.errors), b.errors
            b.close()


def test_admin_entry_form_puts_chinese_and_english_side_by_side(seeded_live, make_page):
    from django.contrib.auth.models import User

    User.objects.create_superuser("editor", password="s3cret-pass-for-tests")
    b = make_page()
    page = b.page
    b.goto("/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "s3cret-pass-for-tests")
    page.click("input[type=submit]")
    b.settle()
    b.goto("/admin/questions/entry/")
    assert page.locator("#result_list tbody tr").count() == 100
    assert b.no_horizontal_scroll()
    b.shot("admin-entries-1280")
    b.goto(f"/admin/questions/entry/{entry('000', '19').pk}/change/")
    zh, en = page.locator("fieldset.kb-lang-zh"), page.locator("fieldset.kb-lang-en")
    zh_box, en_box = zh.bounding_box(), en.bounding_box()
    assert zh_box["y"] == en_box["y"] and zh_box["x"] < en_box["x"]
    assert page.locator("#id_question_en").input_value() == (
        "What fundraising issues do large AI model startups face?"
    )
    b.shot("admin-entry-form-1280")
    assert b.errors == []


def test_print_is_light_even_in_dark_mode(seeded_live, make_page):
    b = make_page(color_scheme="dark")
    page = b.page
    b.goto(entry("001", "5.2").get_absolute_url())  # an entry with highlighted code
    page.wait_for_selector(".highlight")
    dark = page.evaluate("getComputedStyle(document.querySelector('.highlight')).backgroundColor")
    page.emulate_media(media="print", color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    code = page.evaluate("getComputedStyle(document.querySelector('.highlight')).backgroundColor")
    assert dark == "rgb(39, 40, 34)"  # the dark code theme on screen…
    assert (background, code) == ("rgb(255, 255, 255)", "rgb(245, 245, 245)")  # …light on paper
    assert b.errors == []


def test_a_phone_home_page_shows_one_search_box(seeded_live, make_page):
    b = make_page(width=375)
    b.goto("/")
    assert b.page.locator(".header-search").is_hidden()
    assert b.page.locator("#home-search").is_visible()
    b.goto(entry("000", "18").get_absolute_url())
    assert b.page.locator(".header-search").is_visible()  # other pages keep the header box
    b.shot("entry-list-zh-375")
    b.page.set_viewport_size({"width": 1280, "height": 900})
    b.shot("entry-list-zh-1280")
    assert b.errors == []


@pytest.mark.parametrize("width", [375, 1280])
def test_long_document_has_contents_that_follow_the_reader(seeded_live, make_page, width):
    document = entry("001", "10.6").document
    b = make_page(width=width)
    page = b.page
    b.goto(document.get_absolute_url())
    details = page.locator("[data-toc-details]")
    if width == 1280:  # open beside the text, and it stays in view
        assert details.get_attribute("open") is not None
        toc_box = page.locator("nav.toc").bounding_box()
        body_box = page.locator(".document-body").bounding_box()
        assert toc_box["x"] + toc_box["width"] <= body_box["x"]
        page.evaluate("document.getElementById('s-10-6').scrollIntoView()")
        current = "document.querySelector(\"nav.toc a[aria-current='true']\")?.hash"
        for _ in range(50):  # the observer marks it asynchronously
            if page.evaluate(current) == "#s-10-6":
                break
            page.wait_for_timeout(100)
        assert page.evaluate(current) == "#s-10-6"
        assert page.locator("nav.toc").bounding_box()["y"] < 100  # sticky at the top
    else:  # collapsed on a phone
        assert details.get_attribute("open") is None
        assert page.locator("nav.toc ol").is_hidden()
    b.shot(f"document-001-sidebar-{width}")
    page.locator(".back-to-top a").click()
    assert page.evaluate("window.scrollY") < 400
    chip = page.locator(".keyword-list a").first
    chip.click()
    b.settle()
    assert "/search/?q=AI" in page.url
    assert b.no_horizontal_scroll()
    assert b.errors == []


@pytest.mark.parametrize("width", [375, 1280])
def test_folded_duplicate_and_seed_000_entry(seeded_live, make_page, width):
    b = make_page(width=width)
    page = b.page
    copy, original = entry("001", "10.44"), entry("001", "10.37")
    b.goto(copy.get_absolute_url())
    assert page.url.endswith(original.get_absolute_url())
    assert "AI大模型创业中的风险与挑战" in page.locator(".also-asked").inner_text()
    b.shot(f"entry-folded-duplicate-{width}")
    b.goto(entry("000", "18").get_absolute_url())
    assert page.locator(".answer .prose ul > li").count() == 4
    b.shot(f"entry-seed-000-{width}")
    assert b.no_horizontal_scroll()
    assert b.errors == []


def test_anchors_stop_below_the_sticky_header(seeded_live, make_page):
    """On a wide screen the header stays at the top: a glossary letter, the skip link and
    the document contents all end up below it, not under it."""
    b = make_page(width=1280)
    page = b.page
    header_bottom = "document.querySelector('.site-header').getBoundingClientRect().bottom"
    b.goto("/en/glossary/#letter-S")
    heading = page.locator("#letter-S")
    assert page.evaluate("window.scrollY") > 0
    assert heading.bounding_box()["y"] >= page.evaluate(header_bottom)
    b.shot("glossary-letter-s-1280")
    b.goto(entry("001", "10.6").document.get_absolute_url() + "#s-10-6")
    assert page.locator("#s-10-6").bounding_box()["y"] >= page.evaluate(header_bottom)
    assert page.locator("nav.toc").bounding_box()["y"] >= page.evaluate(header_bottom)
    b.goto("/en/search/?q=data%20privacy")
    page.keyboard.press("Tab")  # the skip link, then to the text
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("main h1").bounding_box()["y"] >= page.evaluate(header_bottom)
    b.shot("skip-link-search-1280")
    assert b.errors == []
