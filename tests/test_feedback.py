"""What readers think: "was this helpful?" on entry pages, without script, one vote per
session and entry, rate-limited, never a CSRF token in a cached page."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from insights.models import FeedbackVote
from tests.conftest import entry


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()


def feedback_url(e):
    return reverse("insights:feedback", args=[e.pk])


def vote(client, e, helpful="no", comment="", **extra):
    client.get(feedback_url(e), {"helpful": helpful})
    return client.post(feedback_url(e), {"helpful": helpful, "comment": comment}, **extra)


def test_entry_page_asks_in_its_language_with_plain_links(client, seeded):
    e = entry("000", "19")
    zh = client.get(e.get_absolute_url())
    html = zh.content.decode()
    assert '<h2 id="feedback-heading">这个回答有帮助吗？</h2>' in html
    assert f'href="/entries/{e.pk}/feedback/?helpful=yes">有帮助</a>' in html
    assert f'href="/entries/{e.pk}/feedback/?helpful=no">没有帮助</a>' in html
    assert "csrfmiddlewaretoken" not in html and not zh.cookies
    en = client.get(f"/en/entries/{e.pk}/").content.decode()
    assert '<h2 id="feedback-heading">Was this helpful?</h2>' in en
    assert f'href="/en/entries/{e.pk}/feedback/?helpful=no">Not helpful</a>' in en


def test_the_entry_page_stays_cached_and_token_free(client, seeded, page_cache):
    e = entry("000", "19")
    client.get(e.get_absolute_url())
    hit = client.get(e.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit" and "csrfmiddlewaretoken" not in hit.content.decode()


def test_the_form_is_never_cached(client, seeded, page_cache):
    e = entry("000", "19")
    first = client.get(feedback_url(e), {"helpful": "no"})
    assert first.status_code == 200 and "X-Page-Cache" not in first
    assert first["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert 'name="csrfmiddlewaretoken"' in first.content.decode()
    assert "sessionid" in first.cookies  # only the feedback flow starts a session
    assert 'value="no" id="id_helpful_1" required checked' in first.content.decode()
    stranger = Client()
    stranger.cookies["csrftoken"] = "x" * 32  # has a CSRF cookie but no session
    again = stranger.get(feedback_url(e), {"helpful": "no"})
    assert "X-Page-Cache" not in again


def test_a_vote_is_recorded_and_the_entry_thanks(client, seeded):
    e = entry("000", "19")
    response = vote(client, e, "no", "没讲到天使轮的估值。")
    assert response.status_code == 302
    assert response["Location"] == f"/entries/{e.pk}/?feedback=thanks#feedback"
    assert list(FeedbackVote.objects.values_list("entry", "helpful", "comment")) == [
        (e.pk, False, "没讲到天使轮的估值。")
    ]
    thanks = client.get(response["Location"]).content.decode()
    assert '<p class="notice notice-success" role="status">谢谢你的反馈！</p>' in thanks
    # The thanks is for this visit only: not in the canonical URL nor the English link.
    assert f'<link rel="canonical" href="http://testserver/entries/{e.pk}/">' in thanks
    assert f'hreflang="en" href="http://testserver/en/entries/{e.pk}/">' in thanks
    assert "feedback=thanks" not in thanks


def test_second_vote_of_a_session_replaces_the_first(client, seeded):
    e = entry("000", "19")
    vote(client, e, "no", "太短")
    vote(client, e, "yes")
    assert list(FeedbackVote.objects.values_list("helpful", "comment")) == [(True, "")]
    form = client.get(feedback_url(e)).content.decode()
    assert "你已经对这个回答投过票；再次提交会替换之前的投票。" in form
    # Another session votes separately.
    vote(Client(), e, "no")
    assert sorted(FeedbackVote.objects.values_list("helpful", flat=True)) == [False, True]


def test_a_post_without_csrf_token_is_refused(seeded):
    client = Client(enforce_csrf_checks=True)
    e = entry("000", "19")
    client.get(feedback_url(e), {"helpful": "yes"})
    response = client.post(feedback_url(e), {"helpful": "yes"})
    assert response.status_code == 403
    assert not FeedbackVote.objects.exists()


def test_a_post_with_the_forms_token_is_accepted(seeded):
    client = Client(enforce_csrf_checks=True)
    e = entry("000", "19")
    form = client.get(feedback_url(e), {"helpful": "yes"})
    token = form.context["csrf_token"]
    response = client.post(feedback_url(e), {"helpful": "yes", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302 and FeedbackVote.objects.count() == 1


def test_a_post_without_the_forms_session_is_refused(client, seeded):
    e = entry("000", "19")
    response = client.post(feedback_url(e), {"helpful": "yes"})
    assert response.status_code == 400
    assert "请先打开反馈表单再提交。" in response.content.decode()
    assert not FeedbackVote.objects.exists()


def test_votes_are_rate_limited_per_session(client, seeded, settings):
    settings.FEEDBACK_VOTES_PER_HOUR = 3
    entries = [entry("000", key) for key in ("19", "20", "21", "22")]
    statuses = [vote(client, e, "yes").status_code for e in entries]
    assert statuses == [302, 302, 302, 429]
    assert FeedbackVote.objects.count() == 3
    # A new session has its own allowance.
    assert vote(Client(), entries[3], "yes").status_code == 302


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"helpful": "maybe"}, "选择一个有效的选项。 maybe 不在可用的选项中。"),
        (
            {"helpful": "yes", "comment": "长" * 501},
            "确保该变量包含不超过 500 字符 (目前字符数 501)。",
        ),
        ({"helpful": "yes", "comment": "a\x00b"}, "不能包含空字符（NUL）。"),
        ({}, "这个字段是必填项。"),
    ],
)
def test_bad_votes_are_refused_with_the_forms_message(client, seeded, data, error):
    e = entry("000", "19")
    client.get(feedback_url(e))
    response = client.post(feedback_url(e), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert error in [message for messages in form.errors.values() for message in messages]
    assert not FeedbackVote.objects.exists()


def test_unknown_unpublished_and_folded_entries_have_no_form(client, seeded):
    assert client.get("/entries/999999/feedback/").status_code == 404
    e = entry("000", "19")
    type(e).objects.filter(pk=e.pk).update(is_published=False)
    assert client.get(feedback_url(e)).status_code == 404


def test_editors_see_entries_by_unhelpful_votes_with_comments(admin_client, seeded):
    a, b, c = entry("000", "19"), entry("000", "20"), entry("000", "21")
    vote(Client(), a, "no", "缺少例子")
    vote(Client(), b, "no", "过时了")
    vote(Client(), b, "no")
    vote(Client(), b, "yes", "很清楚")
    vote(Client(), c, "yes")
    response = admin_client.get(reverse("admin:insights_entryfeedback_changelist"))
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [(r.pk, r.unhelpful_votes, r.helpful_votes) for r in rows] == [
        (b.pk, 2, 1),
        (a.pk, 1, 0),
        (c.pk, 0, 1),
    ]
    html = response.content.decode()
    assert "<ul><li>－ 过时了</li><li>＋ 很清楚</li></ul>" in html
    assert "<ul><li>－ 缺少例子</li></ul>" in html


def test_feedback_admin_is_staff_only(client, seeded):
    url = reverse("admin:insights_entryfeedback_changelist")
    assert client.get(url)["Location"].startswith("/admin/login/")
