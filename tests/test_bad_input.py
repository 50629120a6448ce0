"""Bad input, everywhere: every public URL answers 200, 3xx, 400 or 404 with a message to
any query string (NUL, lone surrogates, broken percent-encoding, huge numbers, repeated
and very long parameters), never 500, on SQLite and PostgreSQL."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import entry

# Every public URL of kb/urls.py and questions/urls.py (and insights/urls.py), both
# languages where the URL has a prefix; ENTRY is replaced by a real entry's id.
ENDPOINTS = [
    "/",
    "/en/",
    "/topics/data/",
    "/en/topics/compute/",
    "/entries/ENTRY/",
    "/en/entries/ENTRY/",
    "/documents/000_a64cdc8e51d938e1/",
    "/search/",
    "/en/search/",
    "/api/search/",
    "/en/api/search/",
    "/api/entries/",
    "/en/api/entries/",
    "/api/topics/",
    "/sitemap.xml",
    "/robots.txt",
    "/favicon.ico",
    "/opensearch.xml",
    "/i18n/switch/",
    "/search/open/",
    "/en/search/open/",
    "/entries/ENTRY/feedback/",
    "/en/entries/ENTRY/feedback/",
]
ANSWERS = {200, 301, 302, 400, 404}
NAMES = ["q", "topic", "page", "source", "lang", "language", "next", "entry", "rank", "helpful",
         "p", "feedback", "x"]  # fmt: skip
NASTY = [
    "%00", "a%00b", "%ED%A0%80", "%ED%BF%BF", "%ff", "%fe%ff", "%C0%AF", "%E4%BD", "%", "%zz",
    "%%", "99999999999999999999", "9223372036854775808", "-1", "0", "1e9", "１", "NaN",
    "%E8%9E%8D%E8%B5%84", "javascript:alert(1)", "//evil.example/", "https://evil.example/",
    "%0d%0aSet-Cookie:%20x=1",
]  # fmt: skip


@pytest.fixture
def urls(seeded):
    pk = str(entry("000", "19").pk)
    return [url.replace("ENTRY", pk) for url in ENDPOINTS]


def check(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code in ANSWERS, (url, query, response.status_code)
    if response.status_code in (400, 404):
        assert response.content.strip(), (url, query)  # says what is wrong
    return response


def test_every_endpoint_answers_a_plain_request(client, urls):
    for url in urls:
        expected = {404} if url.endswith("/search/open/") else {200, 301, 302}  # no entry named
        assert client.get(url).status_code in expected, url


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_value_in_every_known_parameter(client, urls, value):
    for url in urls:
        check(client, url, f"q={value}")
        check(client, url, "&".join(f"{name}={value}" for name in NAMES))


def test_nul_in_source_or_topic_is_a_400_with_a_message(client, seeded):
    """The API answers a refused query string in JSON, as its other errors."""
    for query in ("source=%00", "topic=%00", "source=001%00.txt"):
        response = client.get(f"/api/entries/?{query}")
        assert response.status_code == 400
        assert response.json() == {"error": "查询参数不能包含 NUL 字符。"}
    english = client.get("/en/api/entries/?topic=%00")
    assert english.json() == {"error": "A query parameter cannot contain a NUL character."}
    assert client.get("/api/search/?q=%00").json() == {"error": "查询参数不能包含 NUL 字符。"}


def refusal(response):
    """The message of the site's own 400 page (header, search box, CSP and all)."""
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    assert 'id="site-search"' in html and 'value=""' in html  # nothing of the query echoed
    return re.search(r'<p class="notice notice-error" role="alert">(.*?)</p>', html)[1]


def test_undecodable_and_surrogate_values_are_a_400(client, seeded):
    for query in ("q=%ED%A0%80", "q=%ff", "topic=%E4%BD", "%ED%A0%80=1"):
        assert refusal(client.get(f"/search/?{query}")) == "查询参数不是有效的 UTF-8 编码。"


def test_a_nul_in_a_page_query_is_the_sites_400_page_in_the_pages_language(client, seeded):
    assert refusal(client.get("/search/?q=%00")) == "查询参数不能包含 NUL 字符。"
    english = client.get("/en/search/?q=a%00b")
    assert refusal(english) == "A query parameter cannot contain a NUL character."
    assert '<html lang="en"' in english.content.decode()


def test_a_huge_query_string_is_a_400(client, seeded):
    assert refusal(client.get("/search/?q=" + "a" * 70000)) == "查询字符串太长。"


def test_huge_numbers_in_paths_and_pages(client, seeded):
    assert client.get("/entries/99999999999999999999/").status_code == 404
    assert client.get("/entries/99999999999999999999/feedback/").status_code == 404
    assert client.get("/topics/data/?page=99999999999999999999").status_code == 404
    assert client.get("/sitemap.xml?p=99999999999999999999").status_code == 404
    api = client.get("/api/search/?q=融资&page=99999999999999999999")
    assert api.status_code == 400
    assert api.json() == {"error": "页码无效：99999999999999999999"}
    assert client.get("/search/?q=融资&page=99999999999999999999").status_code == 200


def test_repeated_parameters(client, urls):
    for url in urls:
        check(client, url, "q=a&q=%00b")
        check(client, url, "&".join(f"page={n}" for n in range(300)))
        check(client, url, "&".join(f"p{n}=1" for n in range(1001)))  # over Django's field limit


def _percent(data):
    return "".join(f"%{b:02X}" for b in data)


# A query string: parameters named from NAMES or at random, valued by any text, raw bytes
# percent-encoded (invalid UTF-8, surrogates), numbers of any size or long runs, repeated.
values = st.one_of(
    st.text(max_size=40).map(lambda s: _percent(s.encode("utf-8", "surrogatepass"))),
    st.binary(max_size=12).map(_percent),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(NASTY),
    st.integers(min_value=200, max_value=1500).map(lambda n: "x" * n),
)
names = st.one_of(st.sampled_from(NAMES), st.binary(min_size=1, max_size=6).map(_percent))
query_strings = st.lists(st.tuples(names, values), min_size=1, max_size=6).map(
    lambda pairs: "&".join(f"{n}={v}" for n, v in pairs)
)


@pytest.mark.parametrize("index", range(len(ENDPOINTS)), ids=ENDPOINTS)
def test_fuzzed_query_strings_never_fail(client, urls, index):
    url = urls[index]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(query=query_strings)
    def run(query):
        check(client, url, query)

    run()


def test_a_nul_among_too_many_fields_is_still_the_sites_400_page(client, seeded):
    query = "q=%00&" + "&".join(f"p{n}=1" for n in range(1001))
    assert refusal(client.get(f"/search/?{query}")) == "查询参数不能包含 NUL 字符。"
