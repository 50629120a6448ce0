"""Misspelt English words are corrected to the words the index holds (search.spelling)."""

import json

import pytest
from django.urls import reverse

from search.expansion import understand
from search.models import SpellingWord

from .conftest import entry
from .test_search import found


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fundrasing sources", "fundraising sources"),  # a letter left out
        ("patnets", "patents"),  # two letters swapped
        ("reinforcemnt lerning", "reinforcement learning"),  # two words
        ("cross-vlidation", "cross-validation"),  # a word of a compound
        ("Hyperparamter Tuning", "hyperparameter tuning"),  # two edits in a long word
    ],
)
def test_a_misspelt_word_finds_what_the_word_finds(seeded, typed, meant):
    assert understand(typed).reading == meant
    assert found(typed) == found(meant)
    assert found(meant)


def test_the_typo_alone_finds_the_entry_the_word_finds(seeded):
    assert found("fundrasing")[:2] == found("fundraising")[:2]
    assert entry("002", "8").pk in found("fundrasing")[:3]  # 资金筹措渠道


def test_the_page_and_the_api_say_what_was_searched(seeded, client):
    page = client.get(reverse("search"), {"q": "fundrasing"}).content.decode()
    assert "显示「fundraising」的结果" in page
    english = client.get("/en" + reverse("search"), {"q": "fundrasing"}).content.decode()
    assert "Showing results for fundraising" in english
    data = json.loads(client.get(reverse("api-search"), {"q": "patnets"}).content)
    assert data["reading"] == "patents"
    assert json.loads(client.get(reverse("api-search"), {"q": "patents"}).content)["reading"] == ""


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("treating", ""),  # an English word, though no entry holds it: never made "creating"
        ("patents", ""),  # a word the index holds
        ("fundraisers", ""),  # not itself indexed, but its stem is
        ("llm", ""),  # too short to guess at
        ("数据隐私", ""),  # Chinese
        ("rongzi", "融资"),  # pinyin, read as such, not a misspelling
        ("rong zi", "融资"),  # pinyin spaced: "rong" alone is no word, the two spell 融资
        ("róng zī", "融资"),
    ],
)
def test_words_that_are_no_misspelling_stay_as_typed(seeded, typed, reading):
    query = understand(typed)
    assert query.reading == reading
    assert query.text == typed


def test_a_word_holding_digits_is_left_alone(seeded):
    """A model name (gpt-3, h100) or pinyin with tone numbers (rong2 zi1) is no word to
    correct: "rong2" never becomes "long2"."""
    assert understand("rong2 zi1").reading == ""
    assert understand("gpt-3 h100").reading == ""


def test_spelling_is_off_with_its_signal(seeded, settings):
    settings.KB_SEARCH_SIGNALS = settings.KB_SEARCH_SIGNALS - {"spelling"}
    assert understand("fundrasing").reading == ""
    assert found("fundrasing") != found("fundraising")


def test_a_word_an_edit_brings_is_corrected_to_at_once_and_not_once_it_is_gone(seeded):
    e = entry("000", "19")
    original = e.answer_en
    e.answer_en = original + "\n\nSome founders turn to crowdsourcing platforms."
    e.save()
    assert SpellingWord.objects.filter(word="crowdsourcing", stem="crowdsourc").exists()
    assert understand("crowdsorcing").reading == "crowdsourcing"
    assert found("crowdsorcing") == found("crowdsourcing")
    assert found("crowdsorcing")[0] == e.pk
    e.answer_en = original
    e.save()
    # The word stays known to the table, but no entry holds it: nothing to correct to.
    assert understand("crowdsorcing").reading == ""
