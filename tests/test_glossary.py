import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from glossary.importer import GlossaryFileError, import_glossary, read_glossary
from glossary.models import Term
from search.expansion import understand
from tests.conftest import entry

GLOSSARY_SIZE = 369


def test_the_glossary_is_imported_with_the_seeds(seeded):
    assert Term.objects.count() == GLOSSARY_SIZE
    term = Term.objects.get(zh="数据隐私")
    assert (term.en, term.pinyin) == ("data privacy", "shù jù yǐn sī")
    # A pinyin the file corrects where pypinyin reads the character wrong.
    assert Term.objects.get(zh="微调").pinyin == "wēi tiáo"


def test_reimport_changes_nothing_and_keeps_an_admin_edit(seeded):
    term = Term.objects.get(zh="数据隐私")
    term.definition_en = "An editor's own wording."
    term.save()
    report = import_glossary()
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged == GLOSSARY_SIZE - 1
    assert report.conflicts == ["数据隐私"]
    assert Term.objects.get(zh="数据隐私").definition_en == "An editor's own wording."


def test_a_term_added_in_the_admin_survives_the_import(seeded):
    Term.objects.create(
        zh="蜂鸟模型", en="hummingbird model", definition_zh="测试。", definition_en="A test."
    )
    report = import_glossary()
    assert report.removed == 0
    assert Term.objects.filter(zh="蜂鸟模型").exists()


def test_a_malformed_glossary_changes_nothing(seeded, tmp_path):
    bad = tmp_path / "glossary.json"
    bad.write_text(json.dumps({"terms": [{"zh": "数据隐私", "en": "data privacy"}]}), "utf-8")
    with pytest.raises(GlossaryFileError, match="term 1 is incomplete"):
        import_glossary(bad)
    bad.write_text("{not json", "utf-8")
    with pytest.raises(GlossaryFileError, match="not a glossary file"):
        read_glossary(bad)
    assert Term.objects.count() == GLOSSARY_SIZE


def test_import_seeds_reports_the_glossary(seeded, capsys):
    call_command("import_seeds")
    assert f"glossary: 0 created, 0 updated, {GLOSSARY_SIZE} unchanged, 0 removed, 0 conflicts" in (
        capsys.readouterr().out
    )


def test_glossary_page_in_chinese_is_by_pinyin(seeded, client):
    response = client.get(reverse("glossary"))
    assert response.status_code == 200
    html = response.content.decode()
    sections = [letter for letter, _ in response.context["sections"]]
    assert sections == sorted(sections)
    assert '<span lang="zh-Hans">数据隐私</span> <span class="pinyin">shù jù yǐn sī</span>' in html
    keys = [t.sort_key for _, terms in response.context["sections"] for t in terms]
    assert keys == sorted(keys)
    assert "数据隐私" in [t.zh for t in dict(response.context["sections"])["S"]]


def test_glossary_page_in_english_is_a_to_z(seeded, client):
    response = client.get("/en/glossary/")
    assert response.status_code == 200
    names = [t.en.casefold() for _, terms in response.context["sections"] for t in terms]
    assert names == sorted(names)
    assert '<span lang="en">data privacy</span>' in response.content.decode()


def test_the_glossary_page_shows_an_edit_and_its_counts_at_once(seeded, client):
    """The sorted sections are built once per content version: a term saved moves the
    version, so both languages show it, filed by its new name, on the next request."""
    term = Term.objects.get(zh="差分隐私")
    for path, count in [("/glossary/", "3 个条目"), ("/en/glossary/", "3 entries")]:
        link = f'<a class="term-entries" href="{path}{term.pk}/">{count}</a>'
        assert link in client.get(path).content.decode()  # built for this version
    term.zh, term.pinyin, term.en, term.en_aliases = "阿尔法隐私", "", "alpha privacy", ""
    term.save()  # a name no entry uses: the count and its link go
    response = client.get("/glossary/")
    assert term.pk in [t.pk for t in dict(response.context["sections"])["A"]]
    assert '<span lang="zh-Hans">阿尔法隐私</span> <span class="pinyin">ā ěr fǎ yǐn sī</span>' in (
        response.content.decode()
    )
    assert f'href="/glossary/{term.pk}/"' not in response.content.decode()
    response = client.get("/en/glossary/")
    assert term.pk in [t.pk for t in dict(response.context["sections"])["A"]]
    assert '<span lang="en">alpha privacy</span>' in response.content.decode()


def test_a_term_page_lists_the_entries_using_it(seeded, client):
    term = Term.objects.get(zh="差分隐私")
    response = client.get(term.get_absolute_url())
    assert response.status_code == 200
    # The three entries whose Chinese writes 差分隐私 (or English "differential privacy").
    expected = [entry("000", "12").pk, entry("000", "23").pk, entry("002", "3").pk]
    assert [e.pk for e in response.context["entries"]] == expected
    assert "3 个条目使用这个术语" in response.content.decode()
    assert client.get(reverse("glossary-term", args=[999999])).status_code == 404


def test_term_usage_follows_an_edit_at_once(seeded, client):
    term = Term.objects.get(zh="差分隐私")
    e = entry("001", "2.7")
    e.answer_zh_hans += "\n\n也可以采用差分隐私。"
    e.save()
    pks = [x.pk for x in client.get(term.get_absolute_url()).context["entries"]]
    assert e.pk in pks and len(pks) == 4


def test_an_english_term_also_searches_its_chinese_and_the_reverse(seeded, settings):
    english = understand("data privacy").groups
    assert english[0][:2] == (("data", "privaci"), ("数据隐私",))
    chinese = understand("数据隐私").groups
    assert ("data", "privaci") in chinese[0]
    settings.KB_SEARCH_SIGNALS = settings.KB_SEARCH_SIGNALS - {"glossary"}
    assert understand("data privacy").groups == ((("data",),), (("privaci",),))


def test_a_glossary_edit_widens_searches_at_once(seeded):
    term = Term.objects.get(zh="数据隐私")
    term.en_aliases += "\nuser secrets"
    term.save()
    assert ("数据隐私",) in understand("user secrets").groups[0]


def test_a_term_written_alike_in_both_languages_shows_once(seeded, client):
    saas = Term.objects.get(zh="SaaS")
    for path in (reverse("glossary"), "/en/glossary/"):
        html = client.get(path).content.decode()
        dt = re.search(rf'<dt id="term-{saas.pk}">(.*?)</dt>', html)[1]
        assert dt.count("SaaS") == 1
    page = client.get(saas.get_absolute_url()).content.decode()
    assert '<h1><span lang="zh-Hans">SaaS</span></h1>' in page
    assert '<p class="pinyin">' not in page
