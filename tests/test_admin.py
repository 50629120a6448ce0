"""The admin: staff login, editing through the real forms, edits kept on re-import."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from questions.models import Topic
from tests.conftest import change_form_data, entry


def test_staff_login_through_the_login_form(seeded, client):
    User.objects.create_user("editor", password="s3cret-pass", is_staff=True, is_superuser=True)
    login = reverse("admin:login")
    response = client.post(
        login, {"username": "editor", "password": "s3cret-pass", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:questions_entry_changelist")).status_code == 200


def test_wrong_password_stays_on_login_page(seeded, client):
    User.objects.create_user("editor", password="s3cret-pass", is_staff=True)
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_non_staff_cannot_enter(seeded, client):
    User.objects.create_user("reader", password="s3cret-pass")
    client.login(username="reader", password="s3cret-pass")
    response = client.get(reverse("admin:questions_entry_changelist"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_admin_edit_through_form_survives_reimport(seeded, admin_client):
    e = entry("000", "19")
    url, data = change_form_data(admin_client, e, answer_zh_hans="管理员的新答案：先找天使投资。")
    assert admin_client.post(url, data).status_code == 302
    call_command("import_seeds", verbosity=0)
    assert entry("000", "19").answer == "管理员的新答案：先找天使投资。"
    page = admin_client.get(e.get_absolute_url()).content.decode()
    assert "管理员的新答案" in page


def test_admin_topic_choice_is_locked_and_survives_reimport(seeded, admin_client):
    e = entry("000", "19")
    ethics = Topic.objects.get(slug="ethics")
    url, data = change_form_data(admin_client, e, topics=[ethics.pk])
    assert admin_client.post(url, data).status_code == 302
    assert entry("000", "19").topics_locked is True
    call_command("import_seeds", verbosity=0)
    assert [t.slug for t in entry("000", "19").topics.all()] == ["ethics"]
    # Its primary topic (business) was taken off with the others: the one left is shown.
    assert entry("000", "19").primary_topic is None
    page = admin_client.get(e.get_absolute_url()).content.decode()
    assert '<li><a href="/topics/ethics/">伦理</a></li>' in page


def test_admin_primary_topic_files_the_entry_and_survives_reimport(seeded, admin_client):
    e = entry("001", "10.37")  # risk, business, data: risk first
    business = Topic.objects.get(slug="business")
    url, data = change_form_data(admin_client, e, primary_topic=business.pk)
    assert admin_client.post(url, data).status_code == 302
    assert entry("001", "10.37").topics_locked is True
    call_command("import_seeds", verbosity=0)
    assert entry("001", "10.37").primary_topic == business
    page = admin_client.get(e.get_absolute_url()).content.decode()
    assert '<li><a href="/topics/business/">商业模式</a></li>' in page


def test_admin_primary_topic_must_be_one_of_the_topics(seeded, admin_client):
    e = entry("001", "10.37")
    ethics = Topic.objects.get(slug="ethics")
    url, data = change_form_data(admin_client, e, primary_topic=ethics.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "主要主题“伦理”不在所选主题中：请先选择它，或换一个主要主题。" in html
    # A choice among the topics: no links to add, edit or delete a topic beside it.
    assert 'id="add_id_primary_topic"' not in html and 'id="delete_id_primary_topic"' not in html
    after = entry("001", "10.37")
    assert after.primary_topic.slug == "risk" and after.topics_locked is False


def test_admin_script_is_sanitised_on_the_page(seeded, admin_client):
    e = entry("000", "1")
    url, data = change_form_data(
        admin_client, e, answer_zh_hans="安全<script>alert(1)</script>文本"
    )
    assert admin_client.post(url, data).status_code == 302
    html = admin_client.get(e.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "安全" in html


def test_a_topics_english_name_is_edited_in_the_admin(seeded, admin_client):
    ethics = Topic.objects.get(slug="ethics")
    url = reverse("admin:questions_topic_change", args=[ethics.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["name_en"] = "Ethics & society"
    assert admin_client.post(url, data).status_code == 302
    assert Topic.objects.get(slug="ethics").name_en == "Ethics & society"
    assert "Ethics &amp; society" in admin_client.get("/en/topics/ethics/").content.decode()


def test_document_admin_is_read_only(seeded, admin_client):
    response = admin_client.get(reverse("admin:questions_document_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:questions_document_add")).status_code == 403


def test_one_admin_save_writes_the_index_once(seeded, admin_client, monkeypatch):
    from search.backends.database import DatabaseSearchBackend

    writes = []
    original = DatabaseSearchBackend.update

    def counting(self, index, iterable, commit=True):
        items = list(iterable)
        writes.extend(obj.pk for obj in items)
        return original(self, index, items, commit)

    monkeypatch.setattr(DatabaseSearchBackend, "update", counting)
    e = entry("000", "19")
    url, data = change_form_data(
        admin_client, e, answer_zh_hans="新的答案。", topics=[Topic.objects.get(slug="risk").pk]
    )
    data["phrasings-0-text"] = "改过的问法"
    assert admin_client.post(url, data).status_code == 302
    assert writes == [e.pk]  # the answer, the topics and a phrasing changed: one write


def test_a_browsers_line_breaks_change_no_text_the_editor_left_alone(seeded, admin_client):
    """A textarea comes back with "\\r\\n" line breaks: the texts not edited stay as they
    were, and a Chinese-only edit leaves the English marked out of date."""
    from questions.models import Entry

    e = entry("000", "19")
    assert e.translation_status == Entry.Status.CURRENT
    url, data = change_form_data(admin_client, e)
    crlf = {k: v.replace("\n", "\r\n") for k, v in data.items() if isinstance(v, str) and "\n" in v}
    assert "answer_en" in crlf and "answer_zh_hans" in crlf
    data.update(crlf)
    data["answer_zh_hans"] = crlf["answer_zh_hans"] + "\r\n\r\n补充：先做最小可行产品。"
    assert admin_client.post(url, data).status_code == 302
    saved = Entry.objects.get(pk=e.pk)
    assert saved.answer_en == e.answer_en
    assert saved.answer_zh_hans == e.answer_zh_hans + "\n\n补充：先做最小可行产品。"
    assert saved.translation_status == Entry.Status.STALE


def test_form_errors_say_what_is_wrong_in_the_editors_words(seeded, admin_client):
    from questions.models import Entry

    e = entry("000", "19")
    url, data = change_form_data(admin_client, e, answer_zh_hans="答案\x00里有空字符")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["answer_zh_hans"] == [
        "不能包含空字符（NUL）。"
    ]
    url, data = change_form_data(admin_client, e)
    same, language = data["phrasings-0-text"], data["phrasings-0-language"]
    n = int(data["phrasings-TOTAL_FORMS"])
    data.update({"phrasings-TOTAL_FORMS": str(n + 1), f"phrasings-{n}-language": language,
                 f"phrasings-{n}-text": same, f"phrasings-{n}-position": "0",
                 f"phrasings-{n}-entry": str(e.pk)})  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200
    [formset] = [f.formset for f in response.context["inline_admin_formsets"]]
    assert formset.non_form_errors() == ["同一种语言的问法不能重复。"]
    assert Entry.objects.get(pk=e.pk).answer_zh_hans == e.answer_zh_hans
