"""No lost edits: two editors on one entry, and an import running during an admin edit."""

import re
import shutil
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client

from questions.importer import default_seed_paths, import_seeds
from questions.models import Entry, Topic
from tests.conftest import change_form_data, entry

STALE = (
    "没有保存：你打开这个条目之后，别人保存了修改。你输入的内容都还在表单里；"
    "只有对方改过的字段已换成对方保存的内容。请对照下面列出的修改，合并后再保存。"
)


def editor(name):
    user = User.objects.create_user(name, password="s3cret-pass", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return user, client


def redisplayed_data(response):
    """What the re-displayed form would post again, as the browser shows it."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["topics"] = [getattr(t, "pk", t) for t in data.get("topics", [])]
    for flag in ("is_published", "topics_locked", "duplicate_locked"):
        if data.get(flag) is False:
            del data[flag]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key in formset.data:
            if key.startswith(formset.prefix + "-"):
                data[key] = formset.data[key]
    return data


def test_two_sessions_both_texts_preserved(seeded):
    alice, a = editor("alice")
    bob, b = editor("bob")
    e = entry("000", "19")
    url, data_a = change_form_data(a, e, answer_zh_hans="甲编辑的答案。")
    _, data_b = change_form_data(b, e, answer_zh_hans="乙编辑的答案。")
    assert data_a["opened_revision"] == data_b["opened_revision"] == e.revision

    assert a.post(url, data_a).status_code == 302
    refused = b.post(url, data_b)
    assert refused.status_code == 200
    assert Entry.objects.get(pk=e.pk).answer_zh_hans == "甲编辑的答案。"
    form = refused.context["adminform"].form
    assert form.non_field_errors() == [STALE]
    assert form["answer_zh_hans"].value() == "乙编辑的答案。"  # nothing bob typed is lost
    assert form["opened_revision"].value() == str(Entry.objects.get(pk=e.pk).revision)
    [field] = form.conflict.fields
    assert (field.name, field.both_changed, field.yours) == (
        "answer_zh_hans",
        True,
        "乙编辑的答案。",
    )
    theirs = "".join(p for row in field.theirs_diff.rows for p, _ in row.new or [])
    assert theirs == "甲编辑的答案。"
    assert [who for who, _ in form.conflict.editors] == ["alice"]
    page = refused.content.decode()
    panel = page[page.index('<section class="kb-conflict"') : page.index("</section>")]
    text = re.sub(r"<[^>]+>", "", panel)
    assert "别人在你编辑期间保存了这个条目" in text and "alice 于" in text
    assert "甲编辑的答案。" in text  # what alice saved, beside…
    assert '<pre class="kb-yours">乙编辑的答案。</pre>' in panel  # …what bob typed

    merged = redisplayed_data(refused)
    merged["answer_zh_hans"] = "乙编辑的答案。甲编辑的答案。"
    assert b.post(url, merged).status_code == 302
    assert Entry.objects.get(pk=e.pk).answer_zh_hans == "乙编辑的答案。甲编辑的答案。"
    history = Entry.history.filter(id=e.pk).order_by("history_date", "history_id")
    mine = [(v.history_user.username, v.answer_zh_hans) for v in history if v.history_user]
    assert mine == [("alice", "甲编辑的答案。"), ("bob", "乙编辑的答案。甲编辑的答案。")]


def test_disjoint_edits_are_merged_into_the_returned_form(seeded):
    _, a = editor("alice")
    _, b = editor("bob")
    e = entry("000", "19")
    url, data_a = change_form_data(a, e, answer_en="Alice's English.")
    _, data_b = change_form_data(b, e, answer_zh_hans="乙的中文。")
    assert a.post(url, data_a).status_code == 302
    refused = b.post(url, data_b)
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form["answer_zh_hans"].value() == "乙的中文。"
    assert form["answer_en"].value() == "Alice's English."  # only alice changed it: hers
    [field] = form.conflict.fields
    assert (field.name, field.both_changed, field.yours) == ("answer_en", False, "")
    assert b.post(url, redisplayed_data(refused)).status_code == 302
    saved = Entry.objects.get(pk=e.pk)
    assert (saved.answer_zh_hans, saved.answer_en) == ("乙的中文。", "Alice's English.")


def test_another_editors_primary_topic_is_kept_in_the_returned_form(seeded):
    """Alice files 10.37 under business; Bob, in a form opened before, edits its answer:
    his form comes back with her primary topic, and his save keeps it."""
    _, a = editor("alice")
    _, b = editor("bob")
    e = entry("001", "10.37")  # primary topic: risk
    business = Topic.objects.get(slug="business")
    url, data_a = change_form_data(a, e, primary_topic=business.pk)
    _, data_b = change_form_data(b, e, answer_zh_hans="乙的新答案。")
    assert a.post(url, data_a).status_code == 302
    refused = b.post(url, data_b)
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form["primary_topic"].value() == str(business.pk)  # only alice changed it
    # Her choice locked the topics too: both fields are hers, neither his.
    assert [(f.name, f.both_changed, f.yours) for f in form.conflict.fields] == [
        ("topics_locked", False, ""),
        ("primary_topic", False, ""),
    ]
    assert b.post(url, redisplayed_data(refused)).status_code == 302
    saved = Entry.objects.get(pk=e.pk)
    assert (saved.primary_topic, saved.topics_locked) == (business, True)
    assert saved.answer_zh_hans == "乙的新答案。"


@pytest.mark.parametrize("bad", ["abc", "-1", "", "999999"])
def test_malformed_revision_changes_nothing(seeded, admin_client, bad):
    e = entry("000", "19")
    url, data = change_form_data(admin_client, e, answer_zh_hans="不应保存。", opened_revision=bad)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.is_valid() is False
    saved = Entry.objects.get(pk=e.pk)
    assert (saved.answer_zh_hans, saved.revision) == (e.answer_zh_hans, e.revision)


def test_claim_fails_once_another_save_committed(seeded):
    e = entry("000", "19")
    other = Entry.objects.get(pk=e.pk)
    other.answer_zh_hans = "别人的保存。"
    other.save()
    assert e.claim() is False
    e.refresh_from_db()
    assert e.claim() is True


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two concurrent writers; SQLite allows one writer at a time",
)
def test_import_does_not_overwrite_an_edit_committed_while_it_runs(seeded_live, tmp_path):
    """The seed changes §19's answer while an editor's save of §19 is in flight: the
    import waits for it, sees the edit, keeps it and reports the conflict."""
    seed = next(p for p in default_seed_paths() if p.name.startswith("000_"))
    e = entry("000", "19")
    changed = tmp_path / seed.name
    text = seed.read_text(encoding="utf-8")
    first_line = e.answer_zh_hans.splitlines()[0]
    assert first_line in text
    changed.write_text(text.replace(first_line, "种子文件的新答案。", 1), encoding="utf-8")

    holding, done = threading.Event(), threading.Event()

    def admin_edit():
        try:
            with transaction.atomic():
                mine = Entry.objects.get(pk=e.pk)
                mine.answer_zh_hans = "管理员并发写入的答案。"
                mine.save()
                holding.set()
                time.sleep(1.5)  # the import starts meanwhile and must wait for this commit
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=admin_edit)
    worker.start()
    assert holding.wait(10)
    [report] = import_seeds([changed])
    worker.join(10)
    assert done.is_set()
    assert Entry.objects.get(pk=e.pk).answer_zh_hans == "管理员并发写入的答案。"
    assert [c.split()[0] for c in report.conflicts] == ["19"]
    shutil.rmtree(tmp_path, ignore_errors=True)


def phrasings(e):
    return sorted(Entry.objects.get(pk=e.pk).phrasings.values_list("language", "text"))


def test_both_editors_phrasing_edits_are_merged_and_none_lost(seeded):
    """Alice rewrites one phrasing, Bob another and adds one: Bob's save is refused, his
    form comes back holding both editors' phrasing changes, and saving it keeps them all."""
    _, a = editor("alice")
    _, b = editor("bob")
    e = entry("002", "1")
    before = phrasings(e)
    url, data_a = change_form_data(a, e)
    _, data_b = change_form_data(b, e)
    assert data_a["phrasings-0-text"] != data_a["phrasings-1-text"]
    first, second = data_a["phrasings-0-text"], data_b["phrasings-1-text"]
    data_a["phrasings-0-text"] = "甲改过的问法"
    data_b["phrasings-1-text"] = "乙改过的问法"
    data_b.update({"phrasings-TOTAL_FORMS": str(int(data_b["phrasings-TOTAL_FORMS"]) + 1)})
    n = int(data_b["phrasings-TOTAL_FORMS"]) - 1
    data_b.update({f"phrasings-{n}-language": "zh-hans", f"phrasings-{n}-text": "乙新加的问法",
                   f"phrasings-{n}-position": "0", f"phrasings-{n}-entry": str(e.pk)})  # fmt: skip
    assert a.post(url, data_a).status_code == 302
    refused = b.post(url, data_b)
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form.non_field_errors() == [STALE]
    [field] = form.conflict.fields
    assert (field.name, field.merged) == ("phrasings", True)
    assert b.post(url, redisplayed_data(refused)).status_code == 302
    expected = {row for row in before if row[1] not in (first, second)}
    language = next(lang for lang, text in before if text == first)
    other = next(lang for lang, text in before if text == second)
    expected |= {(language, "甲改过的问法"), (other, "乙改过的问法"), ("zh-hans", "乙新加的问法")}
    assert phrasings(e) == sorted(expected)


def add_phrasing(data, e, text):
    n = int(data["phrasings-TOTAL_FORMS"])
    data.update({"phrasings-TOTAL_FORMS": str(n + 1), f"phrasings-{n}-language": "zh-hans",
                 f"phrasings-{n}-text": text, f"phrasings-{n}-position": "0",
                 f"phrasings-{n}-entry": str(e.pk)})  # fmt: skip


@pytest.mark.parametrize("bob_adds_it_too", [False, True])
def test_phrasings_the_other_editor_changed_survive_a_refused_save(seeded, bob_adds_it_too):
    """Alice deletes a phrasing and adds one; Bob edits the answer (and adds the very same
    phrasing, or not): the returned form holds Alice's phrasings, and saving it is no error
    (no duplicate phrasing) and keeps them."""
    _, a = editor("alice")
    _, b = editor("bob")
    e = entry("002", "1")
    url, data_a = change_form_data(a, e)
    _, data_b = change_form_data(b, e, answer_zh_hans="乙的答案。")
    data_a["phrasings-0-DELETE"] = "on"
    add_phrasing(data_a, e, "同一个新问法")
    if bob_adds_it_too:
        add_phrasing(data_b, e, "同一个新问法")
    assert a.post(url, data_a).status_code == 302
    after_alice = phrasings(e)
    refused = b.post(url, data_b)
    assert refused.status_code == 200
    fields = {f.name: f for f in refused.context["adminform"].form.conflict.fields}
    assert fields["phrasings"].merged is bob_adds_it_too
    assert b.post(url, redisplayed_data(refused)).status_code == 302
    assert phrasings(e) == after_alice
    assert Entry.objects.get(pk=e.pk).answer_zh_hans == "乙的答案。"
