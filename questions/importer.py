"""Import parsed seed documents into the database.

One transaction per file: a file that fails to parse leaves the database as it
was, and the other files still import. Re-importing an unchanged file writes
nothing. An entry whose text an admin changed since the last import keeps the
admin's text, and the conflict is reported. The entries a file's transaction reads are
locked until it commits (SELECT … FOR UPDATE; SQLite locks the whole database for a
writer anyway), so an admin edit committed while the import runs is either seen by it or
waits for it, never overwritten. Every entry the import changes gets one history version
per transaction, by "import" (questions.history).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from search.signals import deferred_indexing

from . import versioning
from .duplicates import Answer, group
from .history import IMPORT, note_change, recording
from .markup import render_markdown
from .models import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    Document,
    Entry,
    Phrasing,
    Topic,
    content_hash,
    in_language,
    sha256,
)
from .seeds import SeedError, parse_seed
from .topic_classifier import trained
from .topics import load_topics, needs_classifier, topics_for
from .translation_files import TranslationFileError, read_translation_file, translation_path

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
    english: "TranslationReport" = None
    rerendered: int = 0

    def summary(self):
        if self.error:
            return f"ERROR {self.error}"
        text = (
            f"{Path(self.path).name}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed, "
            f"{len(self.conflicts)} conflicts"
        )
        quiet = not (self.created or self.updated or self.removed or self.conflicts)
        if self.rerendered:
            text += f", {self.rerendered} re-rendered"
            quiet = False
        if self.english:
            text += f"; {self.english.summary()}"
            quiet = quiet and self.english.quiet
        if quiet:
            text += " (nothing changed)"
        return text


@dataclass
class TranslationReport:
    """What importing one seed's English file did."""

    updated: int = 0
    unchanged: int = 0
    phrasings_updated: int = 0
    stale: int = 0
    missing: int = 0
    conflicts: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def quiet(self):
        return not (self.updated or self.phrasings_updated or self.conflicts or self.error)

    def summary(self):
        if self.error:
            return f"English: ERROR {self.error}"
        return (
            f"English: {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.phrasings_updated} phrasing lists updated, {len(self.conflicts)} conflicts, "
            f"{self.stale} stale, {self.missing} missing"
        )


def default_seed_paths():
    return sorted(Path(settings.KB_SEEDS_DIR).glob("*.txt"))


def sync_topics():
    """Create the five topics from the fixture; for existing ones fill only what is empty,
    so a name, description or order an admin edited is never overwritten."""
    for position, data in enumerate(load_topics()):
        values = {
            "name_zh_hans": data["name_zh"],
            "name_en": data["name_en"],
            "description_zh_hans": data["description_zh"],
            "description_en": data["description_en"],
            "position": position,
        }
        topic = Topic.objects.filter(slug=data["slug"]).first()
        if topic is None:
            Topic.objects.create(slug=data["slug"], **values)
            continue
        missing = {k: v for k, v in values.items() if k != "position" and not getattr(topic, k)}
        if missing:
            Topic.objects.filter(pk=topic.pk).update(**missing)
            versioning.bump()  # update() sends no signal


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
            try:
                english = read_translation_file(translation_path(parsed.filename))
            except TranslationFileError as exc:
                english = None
                report.english = TranslationReport(error=str(exc))
            if needs_classifier(parsed):
                trained()  # seconds of training: before the write transaction, not in it
            with transaction.atomic(), deferred_indexing(), recording(reason=IMPORT):
                document, entries = _import_document(parsed, path, topics, report)
                if report.english is None:
                    report.english = import_translation(document, entries, english)
                report.rerendered = rerender_stale_html(entries.values())
        except SeedError as exc:
            report.error = str(exc)
        reports.append(report)
    with transaction.atomic(), deferred_indexing(), recording(reason=IMPORT):
        link_duplicates(progress)
    return reports


def _import_document(parsed, path, topics, report):
    sha = sha256(parsed.text)
    document, _ = Document.objects.get_or_create(
        filename=parsed.filename, defaults={"original_text": parsed.text, "sha256": sha}
    )
    doc_values = {
        "title_zh_hans": parsed.title,
        "title_level": parsed.title_level,
        "keywords_zh_hans": parsed.keywords,
        "abstract_zh_hans": parsed.abstract,
        "intro_zh_hans": parsed.intro,
        "outro_zh_hans": parsed.outro,
        "original_text": parsed.text,
        "sha256": sha,
    }
    if any(getattr(document, k) != v for k, v in doc_values.items()):
        for k, v in doc_values.items():
            setattr(document, k, v)
        document.save()

    # Locked from this read to the commit: an editor's save cannot slip in between the
    # check below (edited_since_import) and the write that follows it.
    locked = document.entries.select_for_update().prefetch_related("topics")
    existing = {e.key: e for e in locked}
    saved = {}
    for position, item in enumerate(parsed.entries):
        values = {name: getattr(item, name) for name in STRUCTURE_FIELDS if name != "position"}
        values["position"] = position
        texts = {name: getattr(item, name) for name in TEXT_FIELDS}
        source_texts = {f"{name}_zh_hans": text for name, text in texts.items()}
        new_hash = content_hash(*texts.values())
        parent = saved.get(item.parent_key)
        entry = existing.pop(item.key, None)
        if entry is None:
            entry = Entry(document=document, key=item.key, parent=parent, imported_hash=new_hash)
            for name, value in {**values, **source_texts}.items():
                setattr(entry, name, value)
            slugs, suggested = topics_for(parsed.filename, item.key, **texts)
            entry.primary_topic = topics[slugs[0]] if slugs else None
            entry.topics_suggested = suggested
            entry.save()
            entry.topics.set([topics[s] for s in slugs])
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
                    for name, value in source_texts.items():
                        setattr(entry, name, value)
                    changed = True
                entry.imported_hash = new_hash
            if changed:
                entry.save()
                report.updated += 1
            else:
                report.unchanged += 1
            if not entry.topics_locked:
                current = {n: in_language(entry, n, SOURCE_LANGUAGE) for n in TEXT_FIELDS}
                slugs, suggested = topics_for(parsed.filename, item.key, **current)
                _file_under(entry, [topics[s] for s in slugs], suggested)
        saved[item.key] = entry
    for entry in existing.values():
        entry.delete()
        report.removed += 1
    return document, saved


def _file_under(entry, chosen, suggested):
    """Give an entry the topics chosen for it anew, the first of them as its primary topic
    (the editorial file lists an entry's main topic first; the classifier its best),
    writing only what differs."""
    if {t.pk for t in chosen} != {t.pk for t in entry.topics.all()}:
        entry.topics.set(chosen)
    changed = {}
    primary = chosen[0].pk if chosen else None
    if entry.primary_topic_id != primary:
        changed["primary_topic_id"] = primary
    if entry.topics_suggested != suggested:
        changed["topics_suggested"] = suggested
    if changed:
        for name, value in changed.items():
            setattr(entry, name, value)
        entry.save(update_fields=[name.removesuffix("_id") for name in changed])


def rerender_stale_html(entries):
    """Re-render entries whose stored HTML is not what the renderer makes of their Markdown
    now (after a renderer change); returns how many. Saving re-indexes them."""
    count = 0
    for entry in entries:
        fields = []
        for name in ("prompt", "answer", "example"):
            for language in (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE):
                html = render_markdown(in_language(entry, name, language))
                if html != in_language(entry, f"{name}_html", language):
                    fields.append(f"{name}_{language.replace('-', '_')}")
        if fields:
            entry.save(update_fields=fields)
            count += 1
    return count


EMPTY_ENGLISH = {
    Entry: content_hash(*[""] * len(Entry.translated_texts)),
    Document: content_hash(*[""] * len(Document.translated_texts)),
}


def _apply_english(obj, translation, report, label):
    """Write ``obj``'s English from the file unless an editor changed it since the import.

    Returns True when ``obj`` needs saving."""
    fields = obj.translated_texts
    texts = {name: translation.texts.get(name, "") for name in fields}
    new_hash = content_hash(*texts.values())
    new_source = content_hash(*(translation.source_hashes.get(name, sha256("")) for name in fields))
    if new_hash == obj.en_imported_hash and new_source == obj.en_source_hash:
        report.unchanged += 1
        return False
    edited = obj.english_digest() != (obj.en_imported_hash or EMPTY_ENGLISH[type(obj)])
    if edited and new_hash != obj.en_imported_hash:
        report.conflicts.append(label)
        obj.en_imported_hash = new_hash  # this version of the file has been seen
        return True
    if edited:
        report.unchanged += 1
        return False
    for name, text in texts.items():
        setattr(obj, f"{name}_en", text)
    obj.en_imported_hash, obj.en_source_hash = new_hash, new_source
    report.updated += 1
    return True


def _apply_phrasings(entry, translation, report, label):
    wanted = [
        (language, position, text)
        for language in sorted(translation.phrasings)
        for position, text in enumerate(translation.phrasings[language])
    ]
    new_hash = content_hash(*(f"{language}:{text}" for language, _, text in wanted))
    if new_hash == entry.phrasings_imported_hash:
        return False
    current = entry.phrasings_digest()
    if current != (entry.phrasings_imported_hash or content_hash()):
        report.conflicts.append(f"{label} (phrasings)")
    else:
        entry.phrasings.all().delete()
        Phrasing.objects.bulk_create(
            Phrasing(entry=entry, language=language, text=text, position=position)
            for language, position, text in wanted
        )
        note_change(entry)  # bulk_create sends no signal: the entry's version notes them
        report.phrasings_updated += 1
    entry.phrasings_imported_hash = new_hash
    return True


def import_translation(document, entries, translation):
    """Apply one seed's English file (None: the seed has none) to its document and entries."""
    report = TranslationReport()
    if translation is not None:
        if _apply_english(document, translation.document, report, document.filename):
            document.save()
        report.orphans = sorted(set(translation.entries) - set(entries))
    for key, entry in entries.items():
        item = translation.entries.get(key) if translation else None
        if item is None:
            report.missing += entry.translation_status == entry.Status.MISSING
            continue
        label = f"{key} {in_language(entry, 'question', SOURCE_LANGUAGE)}"
        changed = _apply_english(entry, item, report, label)
        changed |= _apply_phrasings(entry, item, report, label)
        if changed:
            entry.save()
        status = entry.translation_status
        report.stale += status == entry.Status.STALE
        report.missing += status == entry.Status.MISSING
    return report


def link_duplicates(progress=None):
    """Fold every group of entries with the same answer (questions.duplicates) into its
    canonical entry; an entry whose grouping an editor chose (duplicate_locked) keeps it
    and takes no part in the grouping. Reports each group through ``progress``."""
    entries = list(
        Entry.objects.select_for_update(of=("self",))
        .select_related("document")
        .order_by("document__filename", "position")
    )
    free = [e for e in entries if not e.duplicate_locked]
    answers = [
        Answer.of(e, order, *(in_language(e, f, SOURCE_LANGUAGE) for f in TEXT_FIELDS[1:]))
        for order, e in enumerate(free)
    ]
    wanted = {e.pk: None for e in free}
    groups = group(answers)
    for canonical, others in groups:
        for other in others:
            wanted[other.key.pk] = canonical.key.pk
        if progress:
            names = ", ".join(_label(o.key) for o in others)
            progress(f"  same answer: {names} → {_label(canonical.key)}")
    for e in free:
        if wanted[e.pk] != e.duplicate_of_id:
            e.duplicate_of_id = wanted[e.pk]
            e.save(update_fields=["duplicate_of"])
    return groups


def _label(entry):
    return f"{entry.document.filename[:3]} §{entry.section or entry.key}"
