"""The English edition: translated pages, staleness, fallbacks, import rules, language choice."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from questions.models import Entry, Phrasing, sha256
from tests.conftest import change_form_data, entry

FUNDING_QUESTION_EN = "What fundraising issues do large AI model startups face?"
FUNDING_VALUATION_EN = (
    "<strong>Valuation:</strong> How to set a reasonable valuation that maximizes the "
    "company's value."
)


def run_import(*files):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def page(client, path, **headers):
    response = client.get(path, headers=headers)
    return response.status_code, response.content.decode()


# Pages ------------------------------------------------------------------------------------


def test_english_entry_page_shows_the_english_question_and_answer(client, seeded):
    e = entry("000", "19")
    status, html = page(client, "/en" + e.get_absolute_url())
    assert status == 200
    assert (
        f'<h1 id="entry-title"><span class="section-number">19</span> <span lang="en">{FUNDING_QUESTION_EN}</span></h1>'
        in html
    )
    assert FUNDING_VALUATION_EN in html
    assert "AI大模型创业中的融资问题有哪些？" not in html
    assert "original-label" not in html and "notice-stale" not in html


def test_chinese_entry_page_is_unchanged(client, seeded):
    e = entry("000", "19")
    status, html = page(client, e.get_absolute_url())
    assert status == 200
    assert '<span lang="zh-Hans">AI大模型创业中的融资问题有哪些？</span></h1>' in html
    assert "<strong>估值问题：</strong> 如何合理估值，确保企业价值最大化。" in html
    assert FUNDING_QUESTION_EN not in html


@pytest.mark.parametrize("noun", ["entry", "document"])
def test_entry_and_document_link_to_their_other_language_version(client, seeded, noun):
    e = entry("000", "19")
    url = e.get_absolute_url() if noun == "entry" else e.document.get_absolute_url()
    _, html = page(client, url)
    assert (
        f'<a href="/en{url}" hreflang="en" lang="en" rel="alternate">Read this {noun} in English</a>'
        in html
    )
    _, html = page(client, "/en" + url)
    assert (
        f'<a href="{url}" hreflang="zh-Hans" lang="zh-Hans" rel="alternate">阅读中文原文</a>'
        in html
    )
    assert f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver{url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/en{url}">' in html


def test_english_document_topic_and_home_pages(client, seeded):
    document = entry("001", "4.1").document
    _, html = page(client, "/en" + document.get_absolute_url())
    assert (
        '<h1 id="document-title" lang="en">Technical challenges of starting a large AI model company</h1>'
        in html
    )
    assert (
        '<ul class="keyword-list" lang="en"><li><a href="/en/search/?q=large%20AI%20models">'
        "large AI models</a></li>"
    ) in html
    _, html = page(client, "/en/topics/compute/")
    assert '<span lang="en">Model operations (MLOps)</span>' in html
    _, html = page(client, "/en/")
    assert (
        '<a href="/en/documents/000_a64cdc8e51d938e1/" lang="en">Large AI model startups: bubble or gold mine?</a>'
        in html
    )


def test_phrasings_shown_in_the_readers_language(client, seeded):
    url = entry("000", "19").get_absolute_url()
    _, html = page(client, "/en" + url)
    assert '<h2 id="also-asked-heading">Also asked as</h2>' in html
    assert '<li lang="en">angel vs VC for an AI startup</li>' in html
    assert "找天使投资还是风投" not in html
    _, html = page(client, url)
    assert '<h2 id="also-asked-heading">也可以这样问</h2>' in html
    assert '<li lang="zh-Hans">找天使投资还是风投</li>' in html
    assert "angel vs VC" not in html


def test_english_interface_suggests_english_searches(client, seeded):
    _, html = page(client, "/en/search/?q=zzzzqqq")
    assert '<a href="?q=data%20privacy">data privacy</a>' in html
    assert '<a href="?q=%E8%9E%8D%E8%B5%84">' not in html


def test_english_search_finds_english_content(client, seeded):
    response = client.get("/en/api/search/", {"q": "data privacy"})
    data = json.loads(response.content)
    assert response.status_code == 200
    top = {r["id"] for r in data["results"][:2]}
    # "Data security and privacy" (001 §2.7) and "Data privacy and security issues" (003 §1).
    assert top == {entry("001", "2.7").pk, entry("003", "1").pk}
    assert data["results"][0]["snippet_language"] == "en"
    assert "<mark>privacy</mark>" in data["results"][0]["snippet"]


def test_phrasings_are_searchable(seeded):
    from tests.test_search import found

    e = entry("000", "19")
    assert found("runway")[0] == e.pk  # only in its phrasing "we're running out of runway …"


# Staleness and fallback --------------------------------------------------------------------


def test_admin_edit_of_the_chinese_marks_the_english_stale_until_the_english_is_saved(
    admin_client, client, seeded
):
    e = entry("000", "19")
    chinese = e.get_absolute_url()
    url, data = change_form_data(admin_client, e, answer_zh_hans="融资问题：先找天使投资。")
    assert admin_client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert e.translation_status == Entry.Status.STALE
    with translation.override("en"):
        date = date_filter(timezone.localtime(e.source_changed_at), "DATE_FORMAT")
    _, html = page(client, "/en" + chinese)
    assert (
        '<p class="notice notice-stale" role="note">The Chinese original was updated on '
        f'{date}; this translation may be behind. <a href="{chinese}" '
        'hreflang="zh-Hans">Read the Chinese original</a></p>'
    ) in html
    listing = admin_client.get(reverse("admin:questions_entry_changelist"), {"english": "stale"})
    assert [x.pk for x in listing.context["cl"].result_list] == [e.pk]
    url, data = change_form_data(admin_client, e, answer_en="Fundraising: start with angels.")
    assert admin_client.post(url, data).status_code == 302
    e.refresh_from_db()
    assert e.translation_status == Entry.Status.CURRENT
    _, html = page(client, "/en" + chinese)
    assert "notice-stale" not in html and "<p>Fundraising: start with angels.</p>" in html
    listing = admin_client.get(reverse("admin:questions_entry_changelist"), {"english": "stale"})
    assert list(listing.context["cl"].result_list) == []


def test_admin_filters_missing_english(admin_client, seeded):
    e = entry("002", "3")
    Entry.objects.filter(pk=e.pk).update(answer_en="")
    listing = admin_client.get(reverse("admin:questions_entry_changelist"), {"english": "missing"})
    assert [x.pk for x in listing.context["cl"].result_list] == [e.pk]
    current = admin_client.get(reverse("admin:questions_entry_changelist"), {"english": "current"})
    assert current.context["cl"].result_count == Entry.objects.count() - 1


def test_missing_english_falls_back_to_chinese_in_the_api(client, seeded):
    e = entry("003", "1")
    Entry.objects.filter(pk=e.pk).update(question_en="", prompt_en="")
    data = json.loads(client.get("/en/api/entries/", {"source": e.document.filename}).content)
    first = data["results"][0]
    assert first["question"] == "数据隐私和安全问题"
    assert first["language"] == "zh-hans" and first["translation_status"] == "missing"


# Import ------------------------------------------------------------------------------------


@pytest.fixture
def translations(tmp_path, settings):
    """A writable copy of the English files, used by the importer."""
    target = tmp_path / "translations"
    shutil.copytree(settings.KB_TRANSLATIONS_DIR, target)
    settings.KB_TRANSLATIONS_DIR = target
    return target / "en"


def edit_file(directory, seed, change):
    path = directory / f"{seed}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_reimport_changes_nothing(seeded):
    out, err = run_import()
    assert err == ""
    lines = [line for line in out.splitlines() if line.startswith("00")]
    assert len(lines) == 5 and all(line.endswith("(nothing changed)") for line in lines)
    assert (
        "English: 0 updated, 32 unchanged, 0 phrasing lists updated, 0 conflicts, 0 stale, 0 missing"
        in out
    )


def test_reimport_keeps_an_admins_english_and_reports_the_conflict(
    admin_client, seeded, translations
):
    e, other = entry("000", "19"), entry("000", "20")
    url, data = change_form_data(admin_client, e, answer_en="An editor's English.")
    assert admin_client.post(url, data).status_code == 302

    def change(data):
        data["entries"]["19"]["answer"]["text"] = "The translators' new English."
        data["entries"]["20"]["answer"]["text"] = "A better English for 20."

    edit_file(translations, "000_a64cdc8e51d938e1", change)
    out, _ = run_import()
    assert "English: 1 updated, 30 unchanged, 0 phrasing lists updated, 1 conflicts" in out
    assert "English conflict: 19 AI大模型创业中的融资问题有哪些？ — kept the admin's edit" in out
    assert entry("000", "19").answer_en == "An editor's English."
    assert entry("000", "20").answer_en == "A better English for 20."
    assert other.translation_status == Entry.Status.CURRENT
    out, _ = run_import()
    assert out.count("(nothing changed)") == 5


def test_reimport_keeps_phrasings_an_admin_edited(seeded, translations):
    e = entry("000", "19")
    Phrasing.objects.create(entry=e, language="en", text="seed money for AI", position=9)

    def change(data):
        data["entries"]["19"]["also_asked"]["en"] = ["only this one"]

    edit_file(translations, "000_a64cdc8e51d938e1", change)
    out, _ = run_import()
    assert (
        "English conflict: 19 AI大模型创业中的融资问题有哪些？ (phrasings) — kept the admin's edit"
        in out
    )
    assert e.phrasings.filter(language="en").count() == 8  # the file's 7 and the admin's
    assert not e.phrasings.filter(text="only this one").exists()


def test_file_phrasings_replace_unedited_ones(seeded, translations):
    def change(data):
        data["entries"]["20"]["also_asked"]["en"] = ["team building for AI", "hiring ML engineers"]

    edit_file(translations, "000_a64cdc8e51d938e1", change)
    out, _ = run_import()
    assert "1 phrasing lists updated" in out
    texts = list(entry("000", "20").phrasings.filter(language="en").values_list("text", flat=True))
    assert texts == ["team building for AI", "hiring ML engineers"]


def test_a_changed_seed_marks_its_english_stale(seeded, settings, tmp_path, client):
    seeds = tmp_path / "seeds"
    shutil.copytree(settings.KB_SEEDS_DIR, seeds)
    path = seeds / "003_77a31d810ee5c5ba.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("数据泄露", "数据外泄", 1), encoding="utf-8")
    out, _ = run_import(*sorted(seeds.glob("*.txt")))
    assert "003_77a31d810ee5c5ba.txt: 0 created, 1 updated" in out
    assert "1 stale, 0 missing" in out
    stale = [e for e in Entry.objects.all() if e.translation_status == Entry.Status.STALE]
    assert [(e.document.filename, e.key) for e in stale] == [("003_77a31d810ee5c5ba.txt", "1")]
    status = StringIO()
    call_command("translation_status", stdout=status)
    assert "003_77a31d810ee5c5ba.txt           8          7     1       0" in status.getvalue()
    _, html = page(client, "/en" + stale[0].get_absolute_url())
    assert "this translation may be behind" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "003_77a31d810ee5c5ba.json: not valid UTF-8 JSON"),
        (
            '{"entries": []}',
            "003_77a31d810ee5c5ba.json: expected an object with an 'entries' object",
        ),
        (
            '{"entries": {"1": {"question": {"text": "Q"}}}}',
            "003_77a31d810ee5c5ba.json: entries[1].question needs a text and the source_sha256",
        ),
        (
            '{"entries": {"1": {"also_asked": {"fr": ["x"]}}}}',
            "003_77a31d810ee5c5ba.json: entries[1].also_asked.fr: a list of non-empty texts",
        ),
    ],
)
def test_a_bad_translation_file_is_refused_and_changes_nothing(
    seeded, translations, content, message
):
    before = list(Entry.objects.order_by("pk").values_list("question_en", "answer_en"))
    (translations / "003_77a31d810ee5c5ba.json").write_text(content, encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(Exception, match="1 of 5 files failed to import"):
        call_command("import_seeds", stdout=out, stderr=err)
    assert f"English: ERROR {message}" in err.getvalue()
    assert list(Entry.objects.order_by("pk").values_list("question_en", "answer_en")) == before


def test_translation_status_reports_every_document(seeded):
    out = StringIO()
    call_command("translation_status", stdout=out)
    text = out.getvalue()
    assert (
        "000_a64cdc8e51d938e1.txt          31         31     0       0          279          217"
        in text
    )
    assert "English: 100 % of 210 entries translated and current, 0 stale, 0 missing" in text


def test_every_entry_has_english_and_phrasings_in_both_languages(seeded):
    for e in Entry.objects.prefetch_related("phrasings"):
        assert e.translation_status == Entry.Status.CURRENT, e
        has_text = any(getattr(e, f"{f}_zh_hans") for f in ("prompt", "answer", "example"))
        # Listed entries have colloquial phrasings on top of the first set (searched first);
        # folded duplicates and article closings keep only the first set.
        least = {"zh-hans": 9, "en": 7} if e.is_listed else {"zh-hans": 4, "en": 4}
        for language in ("zh-hans", "en"):
            count = sum(p.language == language for p in e.phrasings.all())
            expected = least[language] <= count <= 12 if has_text else count == 0
            assert expected, (e, language, count)


# Language choice ---------------------------------------------------------------------------


def test_first_visit_with_an_english_browser_lands_on_english(client, seeded):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    response = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 200 and '<html lang="zh-Hans"' in response.content.decode()


def test_a_chosen_language_beats_the_browser_and_a_shared_link_keeps_its_own(client, seeded):
    e = entry("000", "19")
    response = client.get(
        reverse("switch_language"), {"language": "zh-hans", "next": "/en" + e.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == e.get_absolute_url()
    assert response.cookies["django_language"].value == "zh-hans"
    english_browser = {"accept-language": "en"}
    assert client.get("/", headers=english_browser).status_code == 200
    client.get(reverse("switch_language"), {"language": "en", "next": "/"})
    assert client.get("/").headers["Location"] == "/en/"
    # A shared Chinese link opens in Chinese even for a reader who chose English.
    status, html = page(client, e.get_absolute_url())
    assert status == 200 and '<html lang="zh-Hans"' in html


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_switch_never_redirects_off_site(client, db, next_url):
    response = client.get(reverse("switch_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_switch_with_a_nul_in_next_is_refused(client):
    # kb.query_guard answers a NUL in any parameter before a view runs.
    response = client.get(reverse("switch_language"), {"language": "en", "next": "/x\x00y"})
    assert response.status_code == 400


# API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "headers"),
    [
        ("/en/api/entries/", {}, {}),
        ("/api/entries/", {"lang": "en"}, {}),
        ("/api/entries/", {}, {"accept-language": "en-GB,en;q=0.8"}),
    ],
)
def test_entries_api_answers_in_english_when_asked(client, seeded, path, params, headers):
    e = entry("000", "19")
    response = client.get(path, {"source": e.document.filename, **params}, headers=headers)
    assert response.status_code == 200
    item = next(r for r in json.loads(response.content)["results"] if r["id"] == e.pk)
    assert item["question"] == FUNDING_QUESTION_EN
    assert item["language"] == "en" and item["translation_status"] == "current"
    assert item["url"] == f"http://testserver/en/entries/{e.pk}/"


def test_entries_api_carries_both_languages_on_request(client, seeded):
    e = entry("000", "19")
    data = json.loads(
        client.get("/api/entries/", {"source": e.document.filename, "lang": "all"}).content
    )
    item = next(r for r in data["results"] if r["id"] == e.pk)
    assert item["translations"]["zh-hans"]["question"] == "AI大模型创业中的融资问题有哪些？"
    assert item["translations"]["en"]["question"] == FUNDING_QUESTION_EN
    assert item["translations"]["en"]["url"] == f"http://testserver/en/entries/{e.pk}/"


def test_api_rejects_an_unknown_language(client, seeded):
    for path in ("/api/entries/", "/api/search/"):
        response = client.get(path, {"lang": "fr", "q": "数据"})
        assert response.status_code == 400
        assert json.loads(response.content)["error"] == "未知的语言：请用 zh-hans、en 或 all。"


def test_search_api_answers_in_the_language_asked(client, seeded):
    e = entry("000", "19")
    data = json.loads(client.get("/api/search/", {"q": "runway", "lang": "en"}).content)
    assert data["results"][0]["id"] == e.pk
    assert data["results"][0]["question"] == FUNDING_QUESTION_EN
    data = json.loads(client.get("/api/search/", {"q": "runway", "lang": "all"}).content)
    assert data["results"][0]["question"] == {
        "zh-hans": "AI大模型创业中的融资问题有哪些？",
        "en": FUNDING_QUESTION_EN,
    }


# Admin -------------------------------------------------------------------------------------


def test_admin_form_has_chinese_and_english_side_by_side_and_phrasings_inline(admin_client, seeded):
    e = entry("000", "19")
    response = admin_client.get(reverse("admin:questions_entry_change", args=[e.pk]))
    html = response.content.decode()
    assert '<fieldset class="module aligned kb-lang kb-lang-zh"' in html
    assert '<fieldset class="module aligned kb-lang kb-lang-en"' in html
    assert 'name="answer_en"' in html and 'name="answer_zh_hans"' in html
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 16


def test_admin_adds_a_phrasing_inline_and_it_is_searchable(admin_client, seeded):
    from tests.test_search import found

    e = entry("000", "19")
    url, data = change_form_data(admin_client, e)
    n = int(data["phrasings-TOTAL_FORMS"])
    data.update(
        {
            "phrasings-TOTAL_FORMS": n + 1,
            f"phrasings-{n}-language": "en",
            f"phrasings-{n}-text": "bootstrapping versus outside capital",
            f"phrasings-{n}-position": 9,
            f"phrasings-{n}-entry": e.pk,
        }
    )
    assert admin_client.post(url, data).status_code == 302
    assert e.phrasings.filter(text="bootstrapping versus outside capital").exists()
    assert found("bootstrapping")[0] == e.pk


def test_admin_search_finds_english_and_phrasings(admin_client, seeded):
    changelist = reverse("admin:questions_entry_changelist")
    for term in (f'"{FUNDING_QUESTION_EN}"', '"angel vs VC"'):
        response = admin_client.get(changelist, {"q": term})
        assert [x.pk for x in response.context["cl"].result_list] == [entry("000", "19").pk]


def test_chinese_admin_shows_no_untranslated_django_strings(admin_client, seeded):
    html = admin_client.get("/admin/", headers={"accept-language": "zh-hans"}).content.decode()
    for english in ("Model name", "Add link", "Change or view list link"):
        assert english not in html
    assert "模型名称" in html
    js = admin_client.get("/admin/jsi18n/", headers={"accept-language": "zh-hans"}).content.decode()
    assert f'"Choose all %s": {json.dumps("选择全部%s")}' in js


def test_sitemap_lists_both_languages_with_alternates(client, seeded):
    pk = entry("000", "19").pk
    xml = client.get("/sitemap.xml").content.decode()
    block = (
        f'<xhtml:link rel="alternate" hreflang="zh-hans" href="http://testserver/entries/{pk}/"/>'
        f'<xhtml:link rel="alternate" hreflang="en" href="http://testserver/en/entries/{pk}/"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/entries/{pk}/"/>'
    )
    assert xml.count(block) == 2  # once under each language's <url>
    assert f"<loc>http://testserver/en/entries/{pk}/</loc>" in xml


def test_admin_labels_name_the_language_in_the_admins_language(admin_client, seeded):
    url = reverse("admin:questions_entry_change", args=[entry("000", "19").pk])
    html = admin_client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert '<label class="required" for="id_question_zh_hans">问题 (中文):</label>' in html
    assert '<label for="id_answer_en">答案 (英文):</label>' in html
    assert '<h2 id="fieldset-0-1-heading" class="fieldset-heading">英文</h2>' in html


def test_translation_status_lists_what_to_update(seeded):
    e = entry("003", "1")
    e.prompt_zh_hans = "在AI大模型创业中，怎样处理数据隐私与安全？"
    e.save()
    out = StringIO()
    call_command("translation_status", verbosity=2, stdout=out)
    assert (
        "  1: 英文可能过时\n"
        "    question: source_sha256 "
        + sha256("数据隐私和安全问题")
        + "\n    prompt: source_sha256 "
        + sha256("在AI大模型创业中，怎样处理数据隐私与安全？")
    ) in out.getvalue()
    with pytest.raises(SystemExit):
        call_command("translation_status", check=True, stdout=StringIO())


def test_reimport_keeps_an_admins_topic_names(seeded):
    from questions.models import Topic

    Topic.objects.filter(slug="compute").update(name_en="Computing power", position=9)
    run_import()
    topic = Topic.objects.get(slug="compute")
    assert (topic.name_en, topic.name_zh_hans, topic.position) == ("Computing power", "算力", 9)
