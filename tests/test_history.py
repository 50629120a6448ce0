"""Entry history: who changed what and when (admin or import), diffs, revert through the admin."""

import re

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from questions import versioning
from questions.markup import render_markdown
from questions.models import Entry, Phrasing, Topic
from search.models import IndexEntry
from tests.conftest import change_form_data, entry


def history_url(e):
    return reverse("admin:questions_entry_history", args=[e.pk])


def revert_url(e, version_id):
    return reverse("admin:questions_entry_revert", args=[e.pk, version_id])


def versions(e):
    return list(Entry.history.filter(id=e.pk).order_by("history_date", "history_id"))


def test_history_table_has_the_translated_columns(db):
    model = Entry.history.model
    names = {f.name for f in model._meta.fields}
    for name in ("question", "prompt", "answer", "example", "answer_html"):
        assert {f"{name}_zh_hans", f"{name}_en"} <= names
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, model._meta.db_table)
    columns = {c.name for c in table}
    assert {"question_zh_hans", "question_en", "answer_zh_hans", "answer_en"} <= columns
    assert "phrasing_list" in columns and "revision" in columns


def test_import_records_each_entry_by_import_with_topics_and_phrasings(seeded):
    e = entry("000", "19")
    rows = versions(e)
    assert rows[0].history_type == "+"
    assert {v.history_change_reason for v in rows} == {"import"}
    assert {v.history_user_id for v in rows} == {None}
    last = rows[-1]
    assert last.answer_zh_hans == e.answer_zh_hans and last.answer_en == e.answer_en
    assert last.revision == e.revision
    assert sorted(last.topics.values_list("topic_id", flat=True)) == sorted(
        e.topics.values_list("pk", flat=True)
    )
    phrasings = [[p.language, p.text] for p in e.phrasings.order_by("language", "position")]
    assert phrasings and last.phrasing_list == phrasings


def test_admin_save_is_one_version_by_the_editor(seeded, admin_client, admin_user):
    e = entry("000", "19")
    before = len(versions(e))
    risk = Topic.objects.get(slug="risk")
    url, data = change_form_data(
        admin_client,
        e,
        answer_zh_hans="编辑改写的答案。",
        answer_en="The editor's answer.",
        topics=[risk.pk],
    )
    data["phrasings-0-text"] = "编辑改过的问法"
    assert admin_client.post(url, data).status_code == 302
    rows = versions(e)
    assert len(rows) == before + 1
    last = rows[-1]
    assert last.history_user == admin_user and last.history_type == "~"
    assert (last.answer_zh_hans, last.answer_en) == ("编辑改写的答案。", "The editor's answer.")
    assert list(last.topics.values_list("topic_id", flat=True)) == [risk.pk]
    assert [data["phrasings-0-language"], "编辑改过的问法"] in last.phrasing_list
    assert last.revision == Entry.objects.get(pk=e.pk).revision


def test_duplicate_grouping_by_the_admin_is_recorded(seeded, admin_client, admin_user):
    e, target = entry("000", "19"), entry("000", "1")
    url, data = change_form_data(admin_client, e, duplicate_of=target.pk)
    assert admin_client.post(url, data).status_code == 302
    last = versions(e)[-1]
    assert (last.duplicate_of_id, last.duplicate_locked) == (target.pk, True)
    assert last.history_user == admin_user


def test_history_page_lists_who_and_compare_shows_both_languages(seeded, admin_client):
    e = entry("000", "19")
    old_zh, old_en = e.answer_zh_hans, e.answer_en
    first = versions(e)[-1]
    url, data = change_form_data(
        admin_client, e, answer_zh_hans="全新的中文答案。", answer_en="A brand new answer."
    )
    assert admin_client.post(url, data).status_code == 302
    second = versions(e)[-1]
    page = admin_client.get(history_url(e))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>admin</td>" in html and "<td>导入</td>" in html
    assert f"?old={first.history_id}&amp;new={second.history_id}" in html
    compare = admin_client.get(
        reverse("admin:questions_entry_compare", args=[e.pk]),
        {"old": first.history_id, "new": second.history_id},
    )
    assert compare.status_code == 200
    diffs = compare.context["diffs"]
    assert [d.name for d in diffs] == ["answer"]
    assert [t.lang for t in diffs[0].languages] == ["zh-Hans", "en"]
    body = compare.content.decode()
    assert "<ins>全新的中文答案。</ins>" in body or "全新的中文答案。" in re.sub(
        "<[^>]+>", "", body
    )
    new_side = "".join(p for row in diffs[0].languages[1].rows for p, _ in row.new or [])
    old_side = "".join(p for row in diffs[0].languages[1].rows for p, _ in row.old or [])
    assert new_side == "A brand new answer."
    assert old_side == old_en.replace("\n", "")
    zh_old = "".join(p for row in diffs[0].languages[0].rows for p, _ in row.old or [])
    assert zh_old == old_zh.replace("\n", "")


def test_revert_restores_texts_topics_phrasings_and_is_recorded(seeded, admin_client, admin_user):
    e = entry("000", "19")
    original = versions(e)[-1]
    original_topics = sorted(e.topics.values_list("pk", flat=True))
    original_phrasings = list(e.phrasings.values_list("language", "text"))
    url, data = change_form_data(
        admin_client,
        e,
        answer_zh_hans="错误的修改 quokka",
        answer_en="A wrong edit.",
        topics=[Topic.objects.get(slug="ethics").pk],
    )
    data["phrasings-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert "quokka" in IndexEntry.objects.get(django_id=str(e.pk)).zh_c  # the Chinese answer
    version_before = versioning.current().token

    page = admin_client.get(history_url(e)).content.decode()
    assert f'action="{revert_url(e, original.history_id)}"' in page
    response = admin_client.post(revert_url(e, original.history_id))
    assert response.status_code == 302 and response["Location"] == history_url(e)

    reverted = Entry.objects.get(pk=e.pk)
    assert reverted.answer_zh_hans == original.answer_zh_hans
    assert reverted.answer_en == original.answer_en
    assert reverted.answer_html_zh_hans == render_markdown(original.answer_zh_hans)
    assert sorted(reverted.topics.values_list("pk", flat=True)) == original_topics
    assert reverted.primary_topic.slug == original.primary_topic.slug == "business"
    assert sorted(reverted.phrasings.values_list("language", "text")) == sorted(original_phrasings)
    assert "quokka" not in IndexEntry.objects.get(django_id=str(e.pk)).zh_c
    assert versioning.current().token != version_before
    last = versions(e)[-1]
    assert last.history_change_reason == f"revert:{original.history_id}"
    assert last.history_user == admin_user
    assert last.answer_zh_hans == original.answer_zh_hans
    public = admin_client.get(e.get_absolute_url()).content.decode()
    assert "quokka" not in public
    listing = admin_client.get(history_url(e)).content.decode()
    assert f"恢复到版本 {original.history_id}" in listing


def test_revert_to_an_unknown_version_changes_nothing(seeded, admin_client):
    e, other = entry("000", "19"), entry("000", "1")
    count = Entry.history.count()
    revision = e.revision
    for bad in ["999999999", str(versions(other)[-1].history_id), "abc"]:
        response = admin_client.post(revert_url(e, bad), follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(history_url(e), 302)]
        messages = [str(m) for m in response.context["messages"]]
        assert messages == [f"这个条目没有编号为 {bad} 的版本，没有做任何修改。"]
    assert Entry.history.count() == count
    assert Entry.objects.get(pk=e.pk).revision == revision
    assert admin_client.get(revert_url(e, versions(e)[-1].history_id)).status_code == 405


def test_compare_with_bad_versions_says_so(seeded, admin_client):
    e = entry("000", "19")
    url = reverse("admin:questions_entry_compare", args=[e.pk])
    for old in ("x", "99999999999999999999", "-1"):  # beyond any id, even SQLite's integers
        response = admin_client.get(url, {"old": old, "new": "999999999"}, follow=True)
        assert response.redirect_chain == [(history_url(e), 302)]
        assert [str(m) for m in response.context["messages"]] == [
            "请选择这个条目的两个版本来比较。"
        ]


def test_revert_needs_staff_and_csrf(seeded, admin_user):
    e = entry("000", "19")
    version = versions(e)[-1]
    User.objects.create_user("reader", password="s3cret-pass")
    reader = Client()
    reader.login(username="reader", password="s3cret-pass")
    response = reader.post(revert_url(e, version.history_id))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(revert_url(e, version.history_id)).status_code == 403
    assert strict.get(history_url(e)).status_code == 200
    assert Entry.history.filter(id=e.pk).count() == len(versions(e))
    assert Entry.history.filter(history_change_reason__startswith="revert:").count() == 0


def test_phrasing_deleted_in_a_shell_is_recorded(seeded):
    e = entry("000", "19")
    before = len(versions(e))
    Phrasing.objects.filter(entry=e).first().delete()
    rows = versions(e)
    assert len(rows) == before + 1
    assert rows[-1].phrasing_list == [
        [p.language, p.text] for p in e.phrasings.order_by("language", "position")
    ]
