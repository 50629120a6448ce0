"""The index's shape: a backend for each database vendor, columns by language and weight
class, fields that say where they go, no topic tokens in the full-text half, migrations
that carry their own SQL."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from haystack import connections
from haystack.constants import DEFAULT_ALIAS
from haystack.inputs import Raw
from haystack.query import SearchQuerySet

from questions.markup import plain_text
from questions.models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Entry, Phrasing
from search.backends.database import DatabaseEngine
from search.backends.postgresql import PostgresSearchBackend
from search.backends.sqlite import SQLiteSearchBackend
from search.fields import WeightedField
from search.models import IndexEntry
from search.search_indexes import EntryIndex
from search.text import index_tokens
from search.weights import COLUMNS
from tests.conftest import entry

ZH_COLUMNS = [c for c in COLUMNS if c.startswith("zh_")]
EN_COLUMNS = [c for c in COLUMNS if c.startswith("en_")]


@pytest.fixture
def lexical_only(settings):
    """Only the words select and rank: no entry comes in by meaning alone."""
    settings.KB_SEARCH_SIGNALS = settings.KB_SEARCH_SIGNALS - {"semantic"}


def found(query, **filters):
    """Every result, best first (all pages)."""
    return [int(r.pk) for r in SearchQuerySet().filter(content=Raw(query), **filters)]


def columns_holding(row, token):
    return [c for c in COLUMNS if token in getattr(row, c).split()]


def row_of(e):
    return IndexEntry.objects.get(django_id=str(e.pk))


class IndexWithMoreTexts(EntryIndex):
    """EntryIndex plus two texts: a Chinese one of class A, an English one of class D."""

    nickname_zh = WeightedField(weight_class="A", language=SOURCE_LANGUAGE)
    aside_en = WeightedField(weight_class="D", language=TRANSLATION_LANGUAGE)
    texts = {}  # entry pk → {field name: text}, set by the test

    def prepare_nickname_zh(self, obj):
        return self.texts.get(obj.pk, {}).get("nickname_zh", "")

    def prepare_aside_en(self, obj):
        return self.texts.get(obj.pk, {}).get("aside_en", "")


@pytest.fixture
def entry_index():
    """Index entries with another SearchIndex class for one test; the project's after."""
    unified = connections["default"].get_unified_index()
    yield lambda index_class: unified.build(indexes=[index_class()])
    unified.build()


def test_a_new_weighted_field_is_a_declaration_and_rebuild_index(seeded, entry_index, lexical_only):
    funding, hardware = entry("000", "19"), entry("002", "15")
    IndexWithMoreTexts.texts = {
        funding.pk: {"nickname_zh": "zebracorn"},
        hardware.pk: {"aside_en": "zebracorn"},
    }
    entry_index(IndexWithMoreTexts)
    call_command("rebuild_index", interactive=False, verbosity=0)

    assert columns_holding(row_of(funding), "zebracorn") == ["zh_a"]
    assert columns_holding(row_of(hardware), "zebracorn") == ["en_d"]
    # Found, and weighed by its class: the class-A text ranks above the class-D one.
    assert found("zebracorn") == [funding.pk, hardware.pk]
    # No model changed, so no migration is wanted.
    call_command("makemigrations", "search", check=True, dry_run=True, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.django_id, u.weights FROM search_indexentry e, unnest(e.vector) u "
                "WHERE u.lexeme = 'zebracorn' ORDER BY e.django_id"
            )
            labels = {int(pk): weights for pk, weights in cursor.fetchall()}
        assert labels == {funding.pk: ["A"], hardware.pk: ["D"]}


def test_chinese_and_english_texts_land_in_their_own_columns(seeded, lexical_only):
    e = entry("000", "19")
    e.question_zh_hans = "短尾矮袋鼠怎么融资"
    e.question_en = "How do quokkas raise funds"
    e.answer_en = "Quokkas sell selfies."
    e.save()
    Phrasing.objects.create(entry=e, language=TRANSLATION_LANGUAGE, text="quokka money")
    Phrasing.objects.create(entry=e, language=SOURCE_LANGUAGE, text="袋鼠缺钱")
    row = row_of(e)

    # The question comes first in its language's class-A column.
    assert row.zh_a.startswith(index_tokens("短尾矮袋鼠怎么融资") + " ")
    assert row.en_a.startswith(index_tokens("How do quokkas raise funds") + " ")
    assert row.en_c == index_tokens("Quokkas sell selfies.")
    assert row.zh_c == index_tokens(plain_text(e.answer_zh_hans))
    # Each phrasing goes to the class-A column of its own language.
    assert set(index_tokens("quokka money").split()) <= set(row.en_a.split())
    assert set(index_tokens("袋鼠缺钱").split()) <= set(row.zh_a.split())
    assert columns_holding(row, "quokka") == ["en_a", "en_c"]
    assert columns_holding(row, "袋鼠") == ["zh_a"]
    assert found("quokka") == found("袋鼠") == [e.pk]


def test_the_engine_gives_the_backend_of_the_database_vendor():
    expected = {"sqlite": SQLiteSearchBackend, "postgresql": PostgresSearchBackend}
    backend = connections[DEFAULT_ALIAS].get_backend()
    assert type(backend) is expected[connection.vendor]
    assert type(DatabaseEngine(DEFAULT_ALIAS).get_backend()) is expected[connection.vendor]


def test_the_engine_refuses_an_unsupported_database_vendor(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "mysql")
    with pytest.raises(ImproperlyConfigured) as refused:
        DatabaseEngine(DEFAULT_ALIAS).get_backend()
    assert str(refused.value) == (
        "The database search backend supports SQLite and PostgreSQL, not mysql "
        "(the search index's database 'default')."
    )


def test_an_article_section_is_body_text_not_an_answer(seeded):
    section = Entry.objects.listed().filter(kind=Entry.Kind.SECTION).exclude(answer_zh_hans="")
    row = row_of(section.first())
    assert row.zh_c == row.en_c == ""
    assert row.zh_d == index_tokens(plain_text(section.first().answer_zh_hans))


def test_the_full_text_half_has_the_text_columns_and_no_topics(seeded):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # bm25() weighs columns by position: the table's order is COLUMNS' order.
            cursor.execute("SELECT name FROM pragma_table_info('search_fts') ORDER BY cid")
            assert [name for (name,) in cursor.fetchall()] == list(COLUMNS)
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM search_indexentry e, unnest(e.vector) u "
                "WHERE u.lexeme LIKE '%%:%%'"
            )
            assert cursor.fetchone()[0] == 0


def test_topic_filter_selects_exactly_the_topic_entries_among_the_matches(seeded, settings):
    """Topics filter on the index rows' ``topics``, not on tokens of the full-text half."""
    ethics = set(Entry.objects.filter(topics__slug="ethics").values_list("pk", flat=True))
    holding = {int(r.django_id) for r in IndexEntry.objects.all() if columns_holding(r, "数据")}
    wanted = holding & ethics  # 15 of the 98 with the editorial topics of this writing
    assert len(holding) == 98 and 0 < len(wanted) < len(holding)
    signals = settings.KB_SEARCH_SIGNALS
    settings.KB_SEARCH_SIGNALS = signals - {"semantic"}
    assert sorted(found("数据", topics="ethics")) == sorted(wanted)
    sqs = SearchQuerySet().filter(content=Raw("数据")).facet("topics")
    assert dict(sqs.facet_counts()["fields"]["topics"])["ethics"] == len(wanted)
    # With meaning on, its candidates are filtered alike: the topic's share of all matches.
    settings.KB_SEARCH_SIGNALS = signals
    expected = [pk for pk in found("数据") if pk in ethics]
    assert sorted(found("数据", topics="ethics")) == sorted(expected)


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield "." * node.level + (node.module or "")


@pytest.mark.parametrize(
    "path",
    sorted((Path(settings.BASE_DIR) / "search" / "migrations").glob("0*.py")),
    ids=lambda p: p.stem,
)
def test_migrations_carry_their_sql_and_import_no_project_code(path):
    project = {p.parent.name for p in Path(settings.BASE_DIR).glob("*/__init__.py")}
    imported = set(_imported_modules(path))
    assert {m for m in imported if m.startswith(".") or m.split(".")[0] in project} == set()
    assert {m.split(".")[0] for m in imported} <= {"django", "sys"}
