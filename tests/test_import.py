"""The seed import: every line kept, entries parsed into parts, re-import safe, bad files refused."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from questions.importer import import_seeds
from questions.models import Document, Entry, Topic
from questions.seeds import normalise_whitespace, rebuild_text
from tests.conftest import entry

SEEDS = {
    "000_a64cdc8e51d938e1.txt": 31,
    "001_85f9168626f9a8f7.txt": 121,
    "002_c8cdab1b4559c3f2.txt": 20,
    "003_77a31d810ee5c5ba.txt": 8,
    "004_694f91207a916543.txt": 30,
}


def run_import(*files):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("filename", "count"), SEEDS.items())
def test_entry_count_per_seed(seeded, filename, count):
    assert Entry.objects.filter(document__filename=filename).count() == count


@pytest.mark.parametrize("filename", SEEDS)
def test_document_rebuilds_losslessly_from_the_database(seeded, filename, settings):
    document = Document.objects.get(filename=filename)
    entries = document.entries.order_by("position")
    original = (settings.KB_SEEDS_DIR / filename).read_text(encoding="utf-8")
    assert normalise_whitespace(rebuild_text(document, entries)) == normalise_whitespace(original)


def test_seed_000_plain_question_and_answer(seeded):
    e = entry("000", "19")
    assert e.question == "AI大模型创业中的融资问题有哪些？"
    assert e.kind == "question"
    assert e.prompt == "" and e.example == ""
    assert e.answer.startswith("AI大模型创业中的融资问题主要包括：")
    assert e.heading_level == 3
    assert e.document.title == "AI大模型创业：泡沫还是金矿？"


def test_seed_001_article_front_matter_and_outline(seeded):
    document = Document.objects.get(filename="001_85f9168626f9a8f7.txt")
    assert document.title == ""
    assert document.display_title == "AI大模型在创业过程中的技术挑战"
    assert document.keyword_list[:3] == ["AI大模型", "创业", "技术挑战"]
    assert document.abstract_text.startswith("本文将探讨AI大模型在创业过程中的技术挑战")
    chapter = entry("001", "10")
    assert chapter.question == "附录：常见问题与解答"
    assert chapter.kind == "section" and chapter.parent is None
    faq = entry("001", "10.36")
    assert faq.question == "AI大模型创业的未来趋势"
    assert faq.parent == chapter
    assert faq.kind == "question"
    assert entry("001", "3").children.count() == 4
    assert list(entry("001", "2").children.values_list("section", flat=True))[:3] == [
        "2.1", "2.2", "2.3",
    ]  # fmt: skip


def test_seed_001_unnumbered_subheadings_stay_in_body(seeded):
    e = entry("001", "3.1")
    assert "#### 深度学习" in e.answer and "#### 生成对抗网络（GAN）" in e.answer
    assert not Entry.objects.filter(question="深度学习").exists()


def test_seed_001_math_mermaid_and_code_survive(seeded):
    assert "\\begin{aligned}" in entry("001", "4.1").answer
    assert entry("001", "2").answer.count("```mermaid") == 1
    assert "```python" in entry("001", "5.2").answer


def test_seed_001_truncated_last_entry_is_flagged(seeded):
    last = entry("001", "10.66")
    assert last.incomplete is True
    assert last.answer.endswith("- **产品策略**：制定合理的")
    assert list(Entry.objects.filter(incomplete=True)) == [last]


def test_seed_002_prompt_answer_example_kept_apart(seeded):
    e = entry("002", "3")
    assert e.question == "大模型创业中的数据安全如何保障？"
    assert e.prompt == "请讨论AI大模型创业中数据安全的挑战和解决方案。"
    assert e.answer.startswith("AI大模型创业中数据安全的挑战包括：")
    assert "解决方案包括：" in e.answer
    assert e.example.startswith("在提供SaaS服务时")
    document = e.document
    assert document.intro.startswith("在AI大模型创业的浪潮中")
    assert document.outro.startswith("通过以上分析，AI大模型创业者")
    assert not entry("002", "20").example.endswith("创业成功的关键因素。")


def test_seed_003_closing_section_is_an_entry(seeded):
    closing = entry("003", "结语")
    assert closing.section == ""
    assert closing.kind == "closing"
    assert closing.answer.startswith("AI大模型创业面临着诸多挑战")
    first = entry("003", "1")
    assert first.question == "数据隐私和安全问题"
    assert first.heading_level == 4
    assert first.prompt == "在AI大模型创业过程中，如何处理数据隐私和安全问题？"
    assert first.answer.startswith("- **数据加密**")


def test_seed_004_intro_and_outro(seeded):
    e = entry("004", "30")
    assert e.question == "大模型在智能交通管理中的应用有哪些？"
    assert e.answer.rstrip().endswith("提高停车位利用率。")
    assert e.document.outro.startswith("通过以上典型的问题和面试题")
    assert e.document.intro.startswith("在当前的科技浪潮中")


# Same answer: reworded headings, reordered lists, one bullet added or replaced. The
# canonical entry is the one with the most items (the earliest among equals).
SAME_ANSWER = {
    "10.6": ["10.16", "10.30", "10.39", "10.45", "10.57", "10.61"],
    "10.17": ["10.46", "10.58"],
    "10.18": ["10.40", "10.60"],
    "10.20": ["10.47", "10.59"],
    "10.22": ["10.36", "10.53"],
    "10.23": ["10.49"],
    "10.27": ["10.52"],
    "10.28": ["10.48", "10.55", "10.62"],
    "10.33": ["10.41"],
    "10.34": ["10.63"],
    "10.35": ["10.43"],
    "10.37": ["10.44"],
    "10.51": ["10.26"],
    "10.64": ["10.12"],
}


def test_entries_with_the_same_answer_are_folded_into_one(seeded):
    folded = {}
    for e in Entry.objects.filter(duplicate_of__isnull=False).select_related("duplicate_of"):
        folded.setdefault(e.duplicate_of.section, []).append(e.section)
    assert {k: sorted(v, key=lambda s: float(s[3:])) for k, v in folded.items()} == SAME_ANSWER
    assert (
        Entry.objects.filter(document__filename__startswith="001_", kind="question")
        .exclude(duplicate_of=None)
        .count()
        == 25
    )


def test_import_prints_the_groups(seeded):
    out, _ = run_import()
    assert "  same answer: 001 §10.44 → 001 §10.37" in out
    assert "  same answer: 001 §10.40, 001 §10.60 → 001 §10.18" in out
    assert out.count("  same answer: ") == 14


def test_an_editors_split_and_merge_survive_reimport(seeded, admin_client):
    from tests.conftest import change_form_data

    split, merged = entry("001", "10.44"), entry("001", "10.38")
    url, data = change_form_data(admin_client, split)
    data.pop("duplicate_of")
    assert admin_client.post(url, data).status_code == 302
    url, data = change_form_data(admin_client, merged, duplicate_of=entry("001", "10.6").pk)
    assert admin_client.post(url, data).status_code == 302
    run_import()
    assert entry("001", "10.44").duplicate_of is None
    assert entry("001", "10.38").duplicate_of == entry("001", "10.6")
    assert entry("001", "10.44").duplicate_locked and entry("001", "10.38").duplicate_locked


def test_merging_into_a_folded_entry_is_refused(seeded, admin_client):
    from tests.conftest import change_form_data

    e = entry("001", "10.38")
    url, data = change_form_data(admin_client, e, duplicate_of=entry("001", "10.44").pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["duplicate_of"] == [
        "“10.44 AI大模型创业中的风险与挑战”本身已并入其他条目，请选择它所并入的条目。"
    ]
    assert entry("001", "10.38").duplicate_of is None


def test_empty_headings_and_closings_are_not_entries_of_their_own(client, seeded):
    heading, closing = entry("001", "3"), entry("003", "结语")
    assert not heading.has_body and closing.kind == "closing"
    assert client.get(heading.get_absolute_url()).status_code == 404
    assert client.get(closing.get_absolute_url()).status_code == 404
    html = client.get(heading.document.get_absolute_url()).content.decode()
    assert (
        '<section id="s-3" class="document-entry level-2" aria-labelledby="s-3-h" data-toc-target>'
        in html
    )
    assert f'href="{heading.get_absolute_url()}"' not in html  # a heading, not a link
    html = client.get(closing.document.get_absolute_url()).content.decode()
    assert "document-closing" in html and f'href="{closing.get_absolute_url()}"' not in html


def test_reimport_changes_nothing_and_says_so(seeded):
    before = list(Entry.objects.order_by("pk").values_list("pk", "updated_at"))
    out, _ = run_import()
    assert list(Entry.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert "000_a64cdc8e51d938e1.txt: 0 created, 0 updated, 31 unchanged" in out
    assert out.count("(nothing changed)") == 5


def _changed_seed(tmp_path, settings, replace):
    source = settings.KB_SEEDS_DIR / "000_a64cdc8e51d938e1.txt"
    target = tmp_path / source.name
    target.write_text(source.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    return target


def test_changed_seed_updates_its_entries(seeded, tmp_path, settings):
    seed = _changed_seed(tmp_path, settings, ("常见的AI大模型包括GPT-3、BERT等。", "例如GPT-4。"))
    pk = entry("000", "1").pk
    out, _ = run_import(seed)
    assert "1 updated, 30 unchanged" in out
    updated = entry("000", "1")
    assert updated.pk == pk
    assert updated.answer.endswith("例如GPT-4。")


def test_reimport_keeps_admin_edit_and_reports_conflict(seeded, tmp_path, settings):
    edited = entry("000", "1")
    edited.answer = "管理员改写的答案。"
    edited.save()
    seed = _changed_seed(tmp_path, settings, ("常见的AI大模型包括GPT-3、BERT等。", "例如GPT-4。"))
    out, _ = run_import(seed)
    assert "1 conflicts" in out
    assert "conflict: 1 什么是AI大模型？" in out
    assert entry("000", "1").answer == "管理员改写的答案。"
    # Unchanged seed text: the edit is still kept and nothing is reported again.
    out, _ = run_import(seed)
    assert entry("000", "1").answer == "管理员改写的答案。"


def test_reimport_keeps_admin_topic_choice(seeded):
    e = entry("000", "19")
    e.topics.set([Topic.objects.get(slug="ethics")])
    e.topics_locked = True
    e.save()
    run_import()
    assert [t.slug for t in entry("000", "19").topics.all()] == ["ethics"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x01binary\x00", "binary file"),
        ("### 1. 问题\n\n答案".encode("gbk"), "not valid UTF-8"),
        (b"", "file is empty"),
        (b"   \n\n  \n", "file is empty"),
        ("# 标题\n\n只有一段文字，没有编号的问题。\n".encode(), "no numbered headings"),
    ],
)
def test_bad_file_is_refused_and_changes_nothing(seeded, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    counts = (Document.objects.count(), Entry.objects.count())
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        run_import(bad)
    assert (Document.objects.count(), Entry.objects.count()) == counts
    reports = import_seeds([bad])
    assert reports[0].error.startswith("bad.txt")
    assert message in reports[0].error


def test_missing_file_is_named_and_other_files_still_import(seeded, tmp_path, settings):
    good = tmp_path / "005_new.txt"
    good.write_text("# 新文档\n\n### 1. 新问题？\n\n**答案：** 新答案。\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_seeds", str(tmp_path / "nope.txt"), str(good), stdout=StringIO(), stderr=err
        )
    assert "nope.txt: file does not exist" in err.getvalue()
    assert Entry.objects.get(document__filename="005_new.txt").answer == "新答案。"


def test_unclosed_fence_names_the_file(seeded, tmp_path):
    bad = tmp_path / "fence.txt"
    bad.write_text("### 1. 问题\n\n```python\nprint(1)\n", encoding="utf-8")
    assert "fence.txt: a ``` code fence is never closed" == import_seeds([bad])[0].error


def test_import_reports_progress(seeded):
    out, _ = run_import()
    assert "[1/5] 000_a64cdc8e51d938e1.txt" in out and "[5/5] 004_694f91207a916543.txt" in out


@pytest.mark.parametrize(
    ("source", "section", "expected"),
    [
        ("000", "19", {"business"}),  # 融资
        ("003", "1", {"data", "risk"}),  # 数据隐私和安全问题
        ("000", "13", {"ethics", "risk"}),  # 伦理问题 (privacy among them)
        ("002", "15", {"compute"}),  # 硬件需求
        ("002", "12", {"business"}),  # 风险投资 is fundraising, not risk
        ("001", "2.6", {"compute"}),  # 模型运维: operations count as compute
        ("001", "3", set()),  # an empty heading
        ("001", "10.20", {"business", "data"}),  # 最佳实践: 数据管理 is a point of its own
        ("001", "10.8", {"business", "ethics"}),  # 发展趋势: 多种类型的数据 only in passing
    ],
)
def test_seed_entries_have_their_editorial_topics(seeded, source, section, expected):
    assert {t.slug for t in entry(source, section).topics.all()} == expected


def test_every_seed_entry_has_the_topics_of_the_editorial_file(seeded):
    editorial = json.loads(settings.KB_EDITORIAL_TOPICS.read_text(encoding="utf-8"))
    for e in Entry.objects.select_related("document").prefetch_related("topics"):
        chosen = editorial[e.document.filename.removesuffix(".txt")][e.key]
        assert [t.slug for t in e.topics.order_by("position")] == sorted(
            chosen, key=["data", "compute", "business", "risk", "ethics"].index
        ), e


def test_entries_the_editorial_file_does_not_list_get_the_classifiers_suggestion(seeded, tmp_path):
    path = tmp_path / "900_new.txt"
    path.write_text("### 1. 如何降低GPU算力成本？\n\n用云计算和分布式训练。\n", encoding="utf-8")
    assert import_seeds([path])[0].error == ""
    e = entry("900", "1")
    # Filed as the editors filed the seeds' cost-control entries (002 §4: compute, business).
    assert [t.slug for t in e.topics.all()] == ["compute", "business"] and e.topics_suggested


def test_an_entry_no_topic_fits_gets_none_and_is_flagged(seeded, tmp_path, admin_client):
    path = tmp_path / "901_new.txt"
    path.write_text("### 1. 今天天气怎么样？\n\n晴，有风。\n", encoding="utf-8")
    assert import_seeds([path])[0].error == ""
    e = entry("901", "1")
    assert list(e.topics.all()) == [] and e.topics_suggested
    listing = admin_client.get(
        reverse("admin:questions_entry_changelist"), {"topics_from": "review"}
    )
    assert [x.pk for x in listing.context["cl"].result_list] == [e.pk]


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("风险投资如何获得？", "准备商业计划，联系投资人，争取融资。", ["business"]),  # not risk
        ("语音识别如何做到实时？", "实时识别需要部署在GPU服务器上，推理延迟要低。", ["compute"]),
        ("模型上线后怎么运维？", "监控、部署新版本、扩容服务器。", ["compute"]),
    ],
)
def test_classifier_suggests_topics_the_way_the_editors_chose_them(question, answer, expected):
    from questions.topics import classify

    assert classify(question, answer=answer) == expected


def test_copy_is_verbatim():
    """fixtures/seeds holds the product's data: byte-for-byte the shared seeds."""
    shared = settings.BASE_DIR.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    for name in SEEDS:
        assert (shared / name).read_bytes() == (settings.KB_SEEDS_DIR / name).read_bytes()


def test_import_refills_an_index_a_migration_emptied(seeded):
    """Migration search 0005 empties the index of a database built before it; the next
    import_seeds (both README commands run it) indexes every listed entry again."""
    from haystack import connections
    from haystack.inputs import Raw
    from haystack.query import SearchQuerySet

    from search.models import IndexEntry

    connections["default"].get_backend().clear()
    assert not SearchQuerySet().filter(content=Raw("融资"))
    out = StringIO()
    call_command("import_seeds", stdout=out)
    listed = Entry.objects.listed().count()
    assert f"search index: {listed} entries added, 0 removed" in out.getvalue()
    assert IndexEntry.objects.count() == listed == 179
    first = SearchQuerySet().filter(content=Raw("融资问题"))[0]
    assert int(first.pk) == entry("000", "19").pk


def test_import_removes_index_rows_of_entries_no_longer_listed(seeded):
    """A row whose entry left the listing without its save being indexed (a crash, a bulk
    update) is taken out; an index that is complete is left alone and nothing printed."""
    from search.models import IndexEntry

    gone = entry("000", "19")
    Entry.objects.filter(pk=gone.pk).update(is_published=False)  # no signal, no index write
    assert IndexEntry.objects.filter(doc_id=f"questions.entry.{gone.pk}").exists()
    out = StringIO()
    call_command("import_seeds", stdout=out)
    assert "search index: 0 entries added, 1 removed" in out.getvalue()
    assert not IndexEntry.objects.filter(doc_id=f"questions.entry.{gone.pk}").exists()
    out = StringIO()
    call_command("import_seeds", stdout=out)
    assert "search index:" not in out.getvalue()
