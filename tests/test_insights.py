"""What readers ask: searches and opened results counted per day without personal data, on
page-cache hits too; editors' weekly reports and CSV; the retention command."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from insights.models import SearchCount, SearchOpen
from insights.searches import normalise_query
from tests.conftest import entry


def counts():
    return list(
        SearchCount.objects.values_list("day", "query", "language", "topic", "searches", "results")
    )


def all_values(model):
    return [str(v) for row in model.objects.values_list() for v in row]


def test_a_search_is_counted_with_no_personal_data(client, seeded):
    response = client.get(
        "/search/", {"q": "  融資 "}, REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Agent/1.0"
    )
    assert response.status_code == 200
    found = response.context["outcome"].count
    assert found > 0
    assert counts() == [(timezone.localdate(), "融资", "zh-hans", "", 1, found)]
    assert not any("203.0.113.5" in v or "Agent" in v for v in all_values(SearchCount))
    assert [f.name for f in SearchCount._meta.get_fields()] == [
        "id", "day", "query", "language", "topic", "searches", "results",
    ]  # fmt: skip
    assert "sessionid" not in response.cookies


def test_a_search_served_from_the_page_cache_is_counted_too(client, seeded, page_cache):
    first = client.get("/en/search/", {"q": "fundraising", "topic": "business"})
    second = client.get("/en/search/", {"q": "fundraising", "topic": "business"})
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    found = first.context["outcome"].count
    assert counts() == [(timezone.localdate(), "fundraising", "en", "business", 2, found)]


def test_counts_are_written_in_batches(client, seeded, settings):
    from insights import counters

    counters.flush()
    settings.SEARCH_LOG_FLUSH_SECONDS = 3600  # no write during the requests
    for _ in range(3):
        assert client.get("/search/", {"q": "融资"}).status_code == 200
    client.get(reverse("insights:open"), {"q": "融资", "entry": entry("002", "8").pk, "rank": 1})
    assert (SearchCount.objects.count(), SearchOpen.objects.count()) == (0, 0)
    counters.flush()
    assert [(q, n) for _, q, _, _, n, _ in counts()] == [("融资", 3)]
    assert list(SearchOpen.objects.values_list("query", "rank", "opens")) == [("融资", 1, 1)]
    counters.flush()  # nothing pending: nothing added
    assert [n for *_, n, _ in counts()] == [3]


def test_further_pages_empty_queries_and_bad_topics_are_not_counted(client, seeded):
    assert client.get("/search/", {"q": "融资", "page": "2"}).status_code == 200
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": "融资", "topic": "nope"}).status_code == 400
    assert client.get("/api/search/", {"q": "融资"}).status_code == 200
    assert counts() == []


def test_a_search_with_no_results_is_counted_with_zero(client, seeded):
    client.get("/search/", {"q": "量子火锅"})
    assert counts() == [(timezone.localdate(), "量子火锅", "zh-hans", "", 1, 0)]


def test_emails_and_long_numbers_are_masked():
    assert normalise_query("联系 Li.Ming@Example.com 电话 138 0013 8000") == (
        "联系 [email] 电话 [number]"
    )
    assert normalise_query("GPT-4 2024 年 融资") == "gpt-4 2024 年 融资"


def test_result_links_open_through_the_counter(client, seeded):
    html = client.get("/search/", {"q": "融资"}).content.decode()
    first = client.get("/search/", {"q": "融资"}).context["outcome"].results[0]["entry"]
    link = f'/search/open/?q=%E8%9E%8D%E8%B5%84&amp;entry={first.pk}&amp;rank=1"'
    assert link in html
    response = client.get("/search/open/", {"q": "融资", "entry": first.pk, "rank": 1})
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    assert list(
        SearchOpen.objects.values_list("query", "language", "topic", "entry", "rank", "opens")
    ) == [("融资", "zh-hans", "", first.pk, 1, 1)]
    client.get(
        "/search/open/", {"q": "融资", "entry": first.pk, "rank": 1}, REMOTE_ADDR="198.51.100.1"
    )
    assert SearchOpen.objects.get().opens == 2
    assert not any("198.51.100.1" in v or "127.0.0.1" in v for v in all_values(SearchOpen))
    assert "sessionid" not in response.cookies


def test_a_click_on_a_cached_search_page_is_counted(client, seeded, page_cache):
    client.get("/en/search/", {"q": "compute"})
    cached = client.get("/en/search/", {"q": "compute"})
    assert cached["X-Page-Cache"] == "hit"
    e = entry("000", "19")
    response = client.get("/en/search/open/", {"q": "compute", "entry": e.pk, "rank": 12})
    assert response.status_code == 302 and response["Location"] == f"/en/entries/{e.pk}/"
    assert SearchCount.objects.get().searches == 2
    assert list(SearchOpen.objects.values_list("query", "language", "rank", "opens")) == [
        ("compute", "en", 12, 1)
    ]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "融资", "entry": "abc", "rank": "1"}, 404),
        ({"q": "融资", "entry": "99999999999999999999", "rank": "1"}, 404),
        ({"q": "融资", "entry": "0", "rank": "1"}, 404),
        ({"q": "融资", "rank": "1"}, 404),
        ({"q": "融资", "entry": "ENTRY", "rank": "0"}, 400),
        ({"q": "融资", "entry": "ENTRY", "rank": "1001"}, 400),
        ({"q": "融资", "entry": "ENTRY", "rank": "１"}, 400),  # full-width digit
        ({"q": "融资", "entry": "ENTRY", "rank": "-1"}, 400),
        ({"q": "   ", "entry": "ENTRY", "rank": "1"}, 400),
        ({"q": "融资", "entry": "ENTRY", "rank": "1", "topic": "nope"}, 400),
        ({"q": "融资", "entry": "ENTRY", "rank": "1", "next": "https://evil.example/"}, 302),
    ],
)
def test_forged_open_links_never_count_wrongly_or_leave_the_site(client, seeded, params, status):
    e = entry("000", "19")
    params = {k: str(e.pk) if v == "ENTRY" else v for k, v in params.items()}
    response = client.get("/search/open/", params)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == e.get_absolute_url()
    else:
        assert not SearchOpen.objects.exists()


def test_open_link_error_messages(client, seeded):
    e = entry("000", "19")
    bad = client.get("/search/open/", {"q": "融资", "entry": e.pk, "rank": "x"})
    assert bad.content.decode() == "排名无效：应为 1 到 1000 之间的整数。"
    bad = client.get("/en/search/open/", {"q": "", "entry": e.pk, "rank": "1"})
    assert bad.content.decode() == "The query is missing."


# Reports ---------------------------------------------------------------------------------

MONDAY = date(2026, 3, 2)


def seed_week(e1, e2):
    rows = [
        # day offset, query, language, topic, searches, results
        (0, "融资", "zh-hans", "", 5, 12),
        (3, "融资", "zh-hans", "", 4, 12),
        (1, "量子火锅", "zh-hans", "", 3, 0),
        (2, "fundraising", "en", "business", 6, 8),
        (2, "数据隐私", "zh-hans", "", 2, 5),
        (7, "下周的查询", "zh-hans", "", 9, 1),  # the following week
    ]
    for offset, query, language, topic, searches, results in rows:
        SearchCount.objects.create(
            day=MONDAY + timedelta(days=offset), query=query, language=language,
            topic=topic, searches=searches, results=results,
        )  # fmt: skip
    SearchOpen.objects.create(
        day=MONDAY, query="融资", language="zh-hans", entry=e1, rank=1, opens=4
    )
    SearchOpen.objects.create(
        day=MONDAY, query="融资", language="zh-hans", entry=e2, rank=3, opens=1
    )
    SearchOpen.objects.create(
        day=MONDAY, query="fundraising", language="en", topic="business", entry=e1, rank=2, opens=1
    )


@pytest.fixture
def week(seeded):
    seed_week(entry("000", "19"), entry("000", "20"))


def test_weekly_report_for_editors(admin_client, week):
    url = reverse("admin:insights_searchcount_changelist")
    response = admin_client.get(url, {"week": "2026-03-04"})  # any day picks its week
    assert response.status_code == 200
    reports = {name: rows for name, _title, rows in response.context["reports"]}
    assert [(s.query, s.searches, s.results, s.opens) for s in reports["top"]] == [
        ("融资", 9, 12, 5),
        ("fundraising", 6, 8, 1),
        ("量子火锅", 3, 0, 0),
        ("数据隐私", 2, 5, 0),
    ]
    assert [s.query for s in reports["no-results"]] == ["量子火锅"]
    assert [s.query for s in reports["rarely-opened"]] == ["fundraising"]  # 1 open in 6
    html = response.content.decode()
    assert '<a href="/en/search/?q=fundraising&amp;topic=business">fundraising</a>' in html
    assert '<a href="/search/?q=%E9%87%8F%E5%AD%90%E7%81%AB%E9%94%85">量子火锅</a>' in html


def test_report_csv_export(admin_client, week):
    url = reverse("admin:insights_searchcount_changelist")
    response = admin_client.get(url, {"week": "2026-03-02", "export": "top"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="searches-top-2026-03-02.csv"'
    assert response.content.decode() == (
        "week,query,language,topic,searches,results,opens,url\n"
        "2026-03-02,融资,zh-hans,,9,12,5,http://testserver/search/?q=%E8%9E%8D%E8%B5%84\n"
        "2026-03-02,fundraising,en,business,6,8,1,"
        "http://testserver/en/search/?q=fundraising&topic=business\n"
        "2026-03-02,量子火锅,zh-hans,,3,0,0,"
        "http://testserver/search/?q=%E9%87%8F%E5%AD%90%E7%81%AB%E9%94%85\n"
        "2026-03-02,数据隐私,zh-hans,,2,5,0,"
        "http://testserver/search/?q=%E6%95%B0%E6%8D%AE%E9%9A%90%E7%A7%81\n"
    )
    no_results = admin_client.get(url, {"week": "2026-03-02", "export": "no-results"})
    assert no_results.content.decode() == (
        "week,query,language,topic,searches,results,opens,url\n"
        "2026-03-02,量子火锅,zh-hans,,3,0,0,"
        "http://testserver/search/?q=%E9%87%8F%E5%AD%90%E7%81%AB%E9%94%85\n"
    )


def test_reports_are_for_staff_only(client, week, django_user_model):
    url = reverse("admin:insights_searchcount_changelist")
    assert client.get(url)["Location"].startswith("/admin/login/")
    django_user_model.objects.create_user("reader", password="x-long-pass-1", is_staff=False)
    client.login(username="reader", password="x-long-pass-1")
    assert client.get(url, {"export": "top"})["Location"].startswith("/admin/login/")
    staff = django_user_model.objects.create_user("staff", password="x-long-pass-2", is_staff=True)
    client.force_login(staff)  # staff without the view permission
    assert client.get(url).status_code == 403


def test_a_bad_week_shows_the_current_week(admin_client, week):
    url = reverse("admin:insights_searchcount_changelist")
    response = admin_client.get(url, {"week": "2026-13-45"})
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["week"] == today - timedelta(days=today.weekday())


# Retention -------------------------------------------------------------------------------


def test_purge_search_log_keeps_the_retention_window(seeded, settings):
    e = entry("000", "19")
    today = timezone.localdate()
    for age in (0, 180, 181, 400):
        day = today - timedelta(days=age)
        SearchCount.objects.create(day=day, query=f"q{age}", language="zh-hans", searches=1)
        SearchOpen.objects.create(day=day, query=f"q{age}", language="zh-hans", entry=e, rank=1)
    from io import StringIO

    out = StringIO()
    call_command("purge_search_log", stdout=out)
    cutoff = today - timedelta(days=180)
    assert out.getvalue() == f"Deleted 2 search counts and 2 opened results from before {cutoff}.\n"
    assert sorted(SearchCount.objects.values_list("query", flat=True)) == ["q0", "q180"]
    assert sorted(SearchOpen.objects.values_list("query", flat=True)) == ["q0", "q180"]
    settings.SEARCH_LOG_RETENTION_DAYS = 0
    call_command("purge_search_log", stdout=StringIO())
    assert list(SearchCount.objects.values_list("query", flat=True)) == ["q0"]
