"""The entries and topics JSON API."""

import json

from django.urls import reverse

from tests.conftest import entry

FIELDS = {
    "language",
    "id", "question", "section", "source", "kind", "topics", "prompt", "answer", "example",
    "incomplete", "duplicate_of", "url",
}  # fmt: skip


def get(client, name, **params):
    response = client.get(reverse(name), params)
    return response.status_code, json.loads(response.content)


def test_entries_of_one_source_in_document_order(seeded, client):
    status, data = get(client, "api-entries", source="003_77a31d810ee5c5ba.txt")
    assert status == 200
    assert data["count"] == 8
    assert [r["section"] for r in data["results"]] == ["1", "2", "3", "4", "5", "6", "7", ""]
    first = data["results"][0]
    assert set(first) == FIELDS
    assert first["question"] == "数据隐私和安全问题"
    assert first["prompt"] == "在AI大模型创业过程中，如何处理数据隐私和安全问题？"
    assert first["kind"] == "question"
    assert first["topics"] == ["risk", "data"]  # the primary topic first, as the editors listed
    assert first["url"] == f"http://testserver/entries/{entry('003', '1').pk}/"
    assert data["results"][-1]["kind"] == "closing"


def test_every_entry_url_in_the_api_is_a_page_that_shows_it(seeded, client):
    """An entry with a page links to it; a heading without a body and a document's closing
    text, which have none, link to their place on the document's page."""
    _, data = get(client, "api-entries")
    heading = entry("001", "3")
    assert not heading.has_body
    urls = {r["id"]: r["url"] for r in data["results"]}
    document = heading.document.get_absolute_url()
    assert urls[heading.pk] == f"http://testserver{document}#s-3"
    closing = next(r for r in data["results"] if r["kind"] == "closing")
    assert closing["url"].startswith("http://testserver/documents/") and "#e-" in closing["url"]
    for url in set(urls.values()):
        path, _, anchor = url.removeprefix("http://testserver").partition("#")
        response = client.get(path, follow=True)
        assert response.status_code == 200, url
        if anchor:
            assert f'id="{anchor}"' in response.content.decode(), url


def test_entries_show_incomplete_and_duplicate_links(seeded, client):
    status, data = get(client, "api-entries", source="001_85f9168626f9a8f7.txt")
    by_section = {r["section"]: r for r in data["results"]}
    assert by_section["10.66"]["incomplete"] is True
    assert by_section["10.44"]["duplicate_of"] == entry("001", "10.37").pk
    assert by_section["10.37"]["duplicate_of"] is None


def test_entries_filtered_by_topic_and_published_only(seeded, client):
    hidden = entry("000", "19")
    hidden.is_published = False
    hidden.save()
    status, data = get(client, "api-entries", topic="business")
    assert status == 200
    assert all("business" in r["topics"] for r in data["results"])
    assert hidden.pk not in [r["id"] for r in data["results"]]
    status, both = get(client, "api-entries", topic="risk", source="000_a64cdc8e51d938e1.txt")
    assert {r["source"] for r in both["results"]} == {"000_a64cdc8e51d938e1.txt"}


def test_unknown_source_or_topic_is_a_400(seeded, client):
    assert get(client, "api-entries", source="nope.txt") == (
        400,
        {"error": "未知的来源文档：nope.txt"},
    )
    assert get(client, "api-entries", topic="nope") == (400, {"error": "未知的主题：nope"})


def test_topics_with_both_names_and_counts(seeded, client):
    status, data = get(client, "api-topics")
    assert status == 200
    assert [t["slug"] for t in data["results"]] == ["data", "compute", "business", "risk", "ethics"]
    data_topic = data["results"][0]
    assert data_topic["name_zh"] == "数据" and data_topic["name_en"] == "Data"
    status, entries = get(client, "api-entries", topic="data")
    canonical = [r for r in entries["results"] if r["duplicate_of"] is None]
    assert data_topic["count"] == len(canonical)
