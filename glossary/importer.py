"""Import the reviewed glossary file (fixtures/glossary.json) under the seeds' rules:
idempotent, one transaction, and a term an admin added or edited since the last import
keeps the admin's text (an edit is reported as a conflict). A malformed file changes
nothing."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from .models import Term, toned_pinyin

FIELDS = ("en", "pinyin", "zh_aliases", "en_aliases", "definition_zh", "definition_en")


class GlossaryFileError(ValueError):
    pass


@dataclass
class GlossaryReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    conflicts: list = field(default_factory=list)

    def summary(self):
        return (
            f"glossary: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed, {len(self.conflicts)} conflicts"
        )


def read_glossary(path=None):
    """{zh: field values} from the file; GlossaryFileError names what is wrong."""
    path = path or settings.KB_GLOSSARY_FILE
    try:
        records = json.loads(path.read_text(encoding="utf-8"))["terms"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GlossaryFileError(f"{path.name}: not a glossary file ({exc})") from None
    terms = {}
    for number, record in enumerate(records, 1):
        try:
            zh, en = record["zh"].strip(), record["en"].strip()
            values = {
                "en": en,
                "pinyin": (record.get("pinyin") or toned_pinyin(zh)).strip(),
                "zh_aliases": "\n".join(a.strip() for a in record.get("zh_aliases", [])),
                "en_aliases": "\n".join(a.strip() for a in record.get("en_aliases", [])),
                "definition_zh": record["definition_zh"].strip(),
                "definition_en": record["definition_en"].strip(),
            }
        except (KeyError, AttributeError, TypeError) as exc:
            raise GlossaryFileError(f"{path.name}: term {number} is incomplete ({exc})") from None
        if not zh or not en or zh in terms:
            raise GlossaryFileError(f"{path.name}: term {number} ({zh!r}) is empty or repeated")
        terms[zh] = values
    return terms


def import_glossary(path=None):
    terms = read_glossary(path)
    report = GlossaryReport()
    with transaction.atomic():
        existing = {t.zh: t for t in Term.objects.select_for_update()}
        for zh, values in terms.items():
            term = existing.get(zh)
            if term is None:
                term = Term(zh=zh, **values)
                term.imported_hash = term.content_hash
                term.save()
                report.created += 1
                continue
            if term.imported_hash and term.content_hash != term.imported_hash:
                report.conflicts.append(zh)  # an admin's edit: kept
                continue
            if all(getattr(term, name) == value for name, value in values.items()):
                report.unchanged += 1
                continue
            for name, value in values.items():
                setattr(term, name, value)
            term.imported_hash = term.content_hash
            term.save()
            report.updated += 1
        # Terms the file no longer lists go, unless an admin added or edited them.
        for zh, term in existing.items():
            if zh not in terms and term.imported_hash == term.content_hash:
                term.delete()
                report.removed += 1
    return report
