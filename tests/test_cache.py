"""Cached pages and searches: fresh on the next request after a commit, never mixed, never a 500."""

import json

import pytest
from django.core.cache import caches
from django.db import transaction

from questions import versioning
from questions.models import Entry, Phrasing
from tests.conftest import change_form_data, entry


def get(client, path, params=None, **kwargs):
    response = client.get(path, params or {}, **kwargs)
    return response, response.content.decode()


def test_second_request_is_served_from_the_cache(client, seeded, page_cache):
    url = entry("000", "19").get_absolute_url()
    first, html = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    second, again = get(client, url)
    assert second["X-Page-Cache"] == "hit" and again == html
    assert second["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_save_shows_on_the_next_request_page_api_search_and_sitemap(
    client, seeded, page_cache, prefix
):
    e = entry("000", "19")
    page_url, api_url = prefix + e.get_absolute_url(), f"{prefix}/api/entries/"
    search = (f"{prefix}/search/", {"q": "蜂鸟"})
    api_search = (f"{prefix}/api/search/", {"q": "蜂鸟"})
    for path, params in [(page_url, {}), (api_url, {}), search, api_search, ("/sitemap.xml", {})]:
        client.get(path, params)  # warm the cache
    field = "answer_en" if prefix else "answer_zh_hans"
    setattr(e, field, "蜂鸟计划 hummingbird plan")
    e.save()
    _, html = get(client, page_url)
    assert "<p>蜂鸟计划 hummingbird plan</p>" in html
    _, body = get(client, api_url)
    assert any(r["answer"] == "蜂鸟计划 hummingbird plan" for r in json.loads(body)["results"])
    _, html = get(client, *search)
    # Result links count the open (insights) on their way to the entry.
    assert (
        f'<a href="{prefix}/search/open/?q=%E8%9C%82%E9%B8%9F&amp;entry={e.pk}&amp;rank=1">' in html
    )
    _, body = get(client, *api_search)
    assert [r["id"] for r in json.loads(body)["results"]] == [e.pk]
    Entry.objects.get(pk=e.pk).delete()
    _, xml = get(client, "/sitemap.xml")
    assert f"/entries/{e.pk}/</loc>" not in xml


def test_phrasing_topic_and_document_changes_move_the_version(seeded):
    e = entry("000", "19")
    seen = {versioning.current().token}
    Phrasing.objects.create(entry=e, language="en", text="runway math", position=9)
    seen.add(versioning.current().token)
    e.topics.clear()
    seen.add(versioning.current().token)
    e.document.save()
    seen.add(versioning.current().token)
    assert len(seen) == 4


@pytest.mark.parametrize("path", ["/api/search/", "/search/"])
def test_a_search_reads_the_content_version_once(client, seeded, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, {"q": "shuju yinsi"})  # per-version tables built
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {"q": "shuju yinsi"}).status_code == 200
    reads = [q for q in captured.captured_queries if "questions_contentversion" in q["sql"]]
    assert len(reads) == 1


def test_searches_with_the_same_words_but_other_meaning_are_cached_apart(seeded):
    from search.expansion import understand
    from search.views import _cache_key

    plain, asked = understand("融资"), understand("怎么融资")
    assert plain.groups == asked.groups  # 怎么 is a stop word…
    assert _cache_key(plain, None, 1) != _cache_key(asked, None, 1)  # …not to the encoder
    assert _cache_key(understand("融资 "), None, 1) == _cache_key(plain, None, 1)


def test_a_bump_inside_a_pinned_version_is_seen(seeded):
    with versioning.pinned() as version:
        assert versioning.current() is version
        bumped = versioning.bump()
        assert versioning.current() == bumped != version
    assert versioning.current() == bumped


def test_languages_never_mix_in_the_cache(client, seeded, page_cache):
    url = entry("000", "19").get_absolute_url()
    _, chinese = get(client, url)
    _, english = get(client, "/en" + url)
    assert '<html lang="zh-Hans"' in chinese and '<html lang="en"' in english
    _, again = get(client, url)
    assert again == chinese
    # The API answers in the language asked for by Accept-Language on one and the same URL.
    params = {"source": "003_77a31d810ee5c5ba.txt"}
    zh = json.loads(client.get("/api/entries/", params).content)["results"][0]["question"]
    en = json.loads(client.get("/api/entries/", params, headers={"accept-language": "en"}).content)[
        "results"
    ][0]["question"]
    zh_again = json.loads(client.get("/api/entries/", params).content)["results"][0]["question"]
    assert (zh, en, zh_again) == (
        "数据隐私和安全问题",
        "Data privacy and security",
        "数据隐私和安全问题",
    )


def test_staff_always_see_fresh_pages(admin_client, client, seeded, page_cache):
    e = entry("000", "19")
    url = e.get_absolute_url()
    get(client, url)
    response, _ = get(admin_client, url)
    assert "X-Page-Cache" not in response and response["Cache-Control"] == "private, no-cache"
    form_url, data = change_form_data(admin_client, e, answer_zh_hans="编辑后的答案")
    assert admin_client.post(form_url, data).status_code == 302
    _, html = get(admin_client, url)
    assert "<p>编辑后的答案</p>" in html
    _, html = get(client, url)
    assert "<p>编辑后的答案</p>" in html


def test_conditional_get_answers_304_until_the_content_changes(client, seeded):
    e = entry("000", "19")
    url = e.get_absolute_url()
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/en" + url, headers={"if-none-match": etag}).status_code == 200
    e.answer_zh_hans = "新的答案"
    e.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "<p>新的答案</p>" in changed.content.decode()


def test_a_rolled_back_save_is_never_seen(client, seeded, page_cache):
    e = entry("000", "19")
    url = e.get_absolute_url()
    _, before = get(client, url)
    with pytest.raises(RuntimeError), transaction.atomic():
        e.answer_zh_hans = "不会提交的答案"
        e.save()
        raise RuntimeError("roll back")
    response, html = get(client, url)
    assert html == before and "不会提交的答案" not in html


@pytest.fixture
def redis_down(settings):
    settings.KB_PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_pages_and_searches_render_when_redis_is_down(client, seeded, redis_down):
    url = entry("000", "19").get_absolute_url()
    for path, params in [(url, {}), ("/search/", {"q": "融资"}), ("/api/search/", {"q": "融资"})]:
        response = client.get(path, params)
        assert response.status_code == 200 and response["X-Page-Cache"] == "miss"


def test_shared_redis_cache_serves_pages(client, seeded, settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.KB_PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",  # a database of the tests' own
        }
    }
    caches["default"].clear()
    url = entry("000", "19").get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    caches["default"].clear()


def test_a_cached_page_costs_one_query(client, seeded, page_cache):
    """A hit reads the content version and nothing else from the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = entry("000", "19").get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert [q["sql"] for q in captured.captured_queries] == [versioning._select_sql() % 1]


def _terminate(connection):
    """End the server side of Django's connection, as a database restart would."""
    import psycopg

    settings = connection.settings_dict
    pid = connection.connection.info.backend_pid
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or None, autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_reopened_by_the_next_request(client, seeded_live):
    """No CONN_HEALTH_CHECKS round trip: the content version, each request's first query,
    reconnects when the server has closed the connection (PostgreSQL restarted)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a server that can drop the connection: PostgreSQL")
    url = entry("000", "19").get_absolute_url()
    assert client.get(url).status_code == 200
    dropped = _terminate(connection)
    response = client.get(url)
    assert response.status_code == 200
    assert "融资问题" in response.content.decode()
    assert connection.connection.info.backend_pid != dropped
    client.force_login(_editor())  # the admin, which the page cache bypasses, too
    dropped = _terminate(connection)
    assert client.get("/admin/questions/entry/").status_code == 200
    assert connection.connection.info.backend_pid != dropped


def _editor():
    from django.contrib.auth.models import User

    return User.objects.create_superuser("editor", "editor@example.com", "pw")
