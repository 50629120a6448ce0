"""The English edition's data files: ``fixtures/translations/en/<seed>.json``.

One file per seed, keyed by the entry's import key. Every English text carries the
SHA-256 of the Chinese it translates, so a changed seed (or an editor's change of the
Chinese) shows the English as stale. Each entry also carries its "also asked as"
phrasings in both languages::

    {
      "source": "000_a64cdc8e51d938e1.txt",
      "document": {"title": {"source_sha256": "…", "text": "…"}},
      "entries": {
        "2": {
          "question": {"source_sha256": "…", "text": "What are the core problems …?"},
          "answer": {"source_sha256": "…", "text": "…"},
          "also_asked": {"zh-hans": ["…"], "en": ["…"]}
        }
      }
    }

``read_translation_file`` checks the shape and raises ``TranslationFileError`` naming the
file; the importer applies a valid file with the seed rules (idempotent, an editor's
English and phrasings are kept).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .models import SOURCE_LANGUAGE, TRANSLATION_LANGUAGE, Document, Entry

LANGUAGES = (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)
MAX_PHRASING = 200


class TranslationFileError(Exception):
    def __init__(self, path, message):
        super().__init__(f"{Path(path).name}: {message}")


@dataclass
class Texts:
    """English texts by field, each with the SHA-256 of the Chinese it translates."""

    texts: dict[str, str] = field(default_factory=dict)
    source_hashes: dict[str, str] = field(default_factory=dict)


@dataclass
class EntryTranslation(Texts):
    phrasings: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TranslationFile:
    path: Path
    document: Texts
    entries: dict[str, EntryTranslation]


def translation_path(seed_filename, language=TRANSLATION_LANGUAGE):
    return Path(settings.KB_TRANSLATIONS_DIR) / language / f"{Path(seed_filename).stem}.json"


def _texts(path, where, data, allowed, into):
    if not isinstance(data, dict):
        raise TranslationFileError(path, f"{where} must be an object")
    for name, value in data.items():
        if name not in allowed:
            continue
        if not (
            isinstance(value, dict)
            and isinstance(value.get("text"), str)
            and isinstance(value.get("source_sha256"), str)
            and len(value["source_sha256"]) == 64
        ):
            raise TranslationFileError(
                path, f"{where}.{name} needs a text and the source_sha256 of its Chinese"
            )
        if "\x00" in value["text"]:
            raise TranslationFileError(path, f"{where}.{name} contains a NUL character")
        into.texts[name] = value["text"]
        into.source_hashes[name] = value["source_sha256"]
    return into


def read_translation_file(path):
    """The parsed file, or None when the seed has none; TranslationFileError if malformed."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranslationFileError(path, f"not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise TranslationFileError(path, "expected an object with an 'entries' object")
    document = _texts(
        path, "document", data.get("document", {}), Document.translated_texts, Texts()
    )
    entries = {}
    for key, item in data["entries"].items():
        entry = _texts(path, f"entries[{key}]", item, Entry.translated_texts, EntryTranslation())
        phrasings = item.get("also_asked", {})
        if not isinstance(phrasings, dict):
            raise TranslationFileError(path, f"entries[{key}].also_asked must be an object")
        for language, texts in phrasings.items():
            valid = isinstance(texts, list) and all(
                isinstance(t, str) and t.strip() and len(t) <= MAX_PHRASING and "\x00" not in t
                for t in texts
            )
            if language not in LANGUAGES or not valid:
                raise TranslationFileError(
                    path,
                    f"entries[{key}].also_asked.{language}: a list of non-empty texts of at most "
                    f"{MAX_PHRASING} characters, for languages {', '.join(LANGUAGES)}",
                )
            entry.phrasings[language] = list(dict.fromkeys(t.strip() for t in texts))
        entries[key] = entry
    return TranslationFile(path, document, entries)
