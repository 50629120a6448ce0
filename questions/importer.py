"""Import parsed seed documents into the database.

One transaction per file: a file that fails to parse leaves the database as it
was, and the other files still import. Re-importing an unchanged file writes
nothing. An entry whose text an admin changed since the last import keeps the
admin's text, and the conflict is reported.
"""

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Document, Entry, Topic, content_hash
from .seeds import SeedError, normalise_whitespace, parse_seed
from .topics import classify, load_topics

# Answers at least this similar (difflib ratio, whitespace-normalised) are near-duplicates.
SIMILAR_RATIO = 0.95

STRUCTURE_FIELDS = (
    "position", "section", "section_label", "heading_level", "kind", "marked", "incomplete",
)  # fmt: skip
TEXT_FIELDS = ("question", "prompt", "answer", "example")


@dataclass
class FileReport:
    path: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    conflicts: list[str] = field(default_factory=list)
    error: str = ""

    def summary(self):
        if self.error:
            return f"ERROR {self.error}"
        text = (
            f"{Path(self.path).name}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed, "
            f"{len(self.conflicts)} conflicts"
        )
        if not (self.created or self.updated or self.removed or self.conflicts):
            text += " (nothing changed)"
        return text


def default_seed_paths():
    return sorted(Path(settings.KB_SEEDS_DIR).glob("*.txt"))


def sync_topics():
    """Create or update the five topics from the fixture."""
    for position, data in enumerate(load_topics()):
        values = {k: data[k] for k in ("name_zh", "name_en", "description_zh", "description_en")}
        Topic.objects.update_or_create(slug=data["slug"], defaults={**values, "position": position})


def import_seeds(paths=None, progress=None):
    """Import seed files; returns one FileReport per file, in order."""
    paths = [Path(p) for p in (paths or default_seed_paths())]
    sync_topics()
    topics = {t.slug: t for t in Topic.objects.all()}
    reports = []
    for number, path in enumerate(paths, 1):
        if progress:
            progress(f"[{number}/{len(paths)}] {path.name}")
        report = FileReport(str(path))
        try:
            parsed = parse_seed(path)
            with transaction.atomic():
                _import_document(parsed, path, topics, report)
        except SeedError as exc:
            report.error = str(exc)
        reports.append(report)
    with transaction.atomic():
        link_duplicates()
    return reports


def _import_document(parsed, path, topics, report):
    sha = hashlib.sha256(parsed.text.encode()).hexdigest()
    document, _ = Document.objects.get_or_create(
        filename=parsed.filename, defaults={"original_text": parsed.text, "sha256": sha}
    )
    doc_values = {
        "title": parsed.title,
        "title_level": parsed.title_level,
        "keywords": parsed.keywords,
        "abstract": parsed.abstract,
        "intro": parsed.intro,
        "outro": parsed.outro,
        "original_text": parsed.text,
        "sha256": sha,
    }
    if any(getattr(document, k) != v for k, v in doc_values.items()):
        for k, v in doc_values.items():
            setattr(document, k, v)
        document.save()

    existing = {e.key: e for e in document.entries.prefetch_related("topics")}
    saved = {}
    for position, item in enumerate(parsed.entries):
        values = {name: getattr(item, name) for name in STRUCTURE_FIELDS if name != "position"}
        values["position"] = position
        texts = {name: getattr(item, name) for name in TEXT_FIELDS}
        new_hash = content_hash(*texts.values())
        parent = saved.get(item.parent_key)
        entry = existing.pop(item.key, None)
        if entry is None:
            entry = Entry(document=document, key=item.key, parent=parent, imported_hash=new_hash)
            for name, value in {**values, **texts}.items():
                setattr(entry, name, value)
            entry.save()
            entry.topics.set([topics[s] for s in classify(**texts)])
            report.created += 1
        else:
            changed = entry.parent_id != (parent.pk if parent else None)
            changed |= any(getattr(entry, k) != v for k, v in values.items())
            for name, value in values.items():
                setattr(entry, name, value)
            entry.parent = parent
            if new_hash != entry.imported_hash:
                if entry.edited_since_import:
                    report.conflicts.append(f"{item.key} {item.question}")
                else:
                    for name, value in texts.items():
                        setattr(entry, name, value)
                    changed = True
                entry.imported_hash = new_hash
            if changed:
                entry.save()
                report.updated += 1
            else:
                report.unchanged += 1
            if not entry.topics_locked:
                wanted = {s for s in classify(**{n: getattr(entry, n) for n in TEXT_FIELDS})}
                if wanted != {t.slug for t in entry.topics.all()}:
                    entry.topics.set([topics[s] for s in wanted])
        saved[item.key] = entry
    for entry in existing.values():
        entry.delete()
        report.removed += 1


def link_duplicates():
    """Link word-for-word repeats to their first occurrence, near-duplicates to theirs."""
    entries = list(Entry.objects.order_by("document__filename", "position"))
    by_pk = {entry.pk: entry for entry in entries}
    first_exact = {}
    canon_answers = []  # (entry, normalised answer) of canonical entries with an answer
    for entry in entries:
        answer = normalise_whitespace(entry.answer)
        key = (normalise_whitespace(entry.question), answer, entry.prompt, entry.example)
        duplicate_of = first_exact.setdefault(key, entry)
        duplicate_of = None if duplicate_of is entry else duplicate_of
        similar_to = None
        if duplicate_of is None and answer:
            similar_to = _first_similar(answer, canon_answers)
            similar_to = by_pk.get(getattr(similar_to, "similar_to_id", None), similar_to)
            canon_answers.append((entry, answer))
        new = (getattr(duplicate_of, "pk", None), getattr(similar_to, "pk", None))
        if new != (entry.duplicate_of_id, entry.similar_to_id):
            entry.duplicate_of_id, entry.similar_to_id = new
            entry.save(update_fields=["duplicate_of", "similar_to"])


def _first_similar(answer, candidates):
    for other, other_answer in candidates:
        if min(len(answer), len(other_answer)) < SIMILAR_RATIO * max(
            len(answer), len(other_answer)
        ):
            continue
        matcher = difflib.SequenceMatcher(None, answer, other_answer, autojunk=False)
        if matcher.quick_ratio() >= SIMILAR_RATIO and matcher.ratio() >= SIMILAR_RATIO:
            return other
    return None
