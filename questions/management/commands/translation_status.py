from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from questions.models import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    Document,
    TranslationState,
    in_language,
    sha256,
)

Status = TranslationState.Status


class Command(BaseCommand):
    help = (
        "Per document: entries, English translated / stale / missing, and the phrasings in "
        "each language; -v 2 lists what is stale or missing with the SHA-256 of its current "
        "Chinese, for the translation file. Exits non-zero with --check when anything is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail when a translation is stale or missing."
        )

    def handle(self, *args, check=False, **options):
        header = (
            f"{'document':<28} {'entries':>7} {'translated':>10} {'stale':>5} {'missing':>7} "
            f"{'phrasings zh':>12} {'phrasings en':>12}"
        )
        self.stdout.write(header)
        totals = [0] * 6
        for document in Document.objects.order_by("filename"):
            entries = list(
                document.entries.annotate(
                    zh=Count("phrasings", filter=Q(phrasings__language=SOURCE_LANGUAGE)),
                    en=Count("phrasings", filter=Q(phrasings__language=TRANSLATION_LANGUAGE)),
                )
            )
            statuses = [e.translation_status for e in entries] + [document.translation_status]
            row = [
                len(entries),
                sum(s == Status.CURRENT for s in statuses[:-1]),
                sum(s == Status.STALE for s in statuses),
                sum(s == Status.MISSING for s in statuses),
                sum(e.zh for e in entries),
                sum(e.en for e in entries),
            ]
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            self._row(document.filename, row)
            if options["verbosity"] >= 2:
                for obj, label in [(document, "document"), *((e, e.key) for e in entries)]:
                    if obj.translation_status != Status.CURRENT:
                        self._detail(obj, label)
        self._row("all", totals)
        entries = totals[0]
        share = 100 * totals[1] / entries if entries else 100
        self.stdout.write(
            f"English: {share:.0f} % of {entries} entries translated and current, "
            f"{totals[2]} stale, {totals[3]} missing (documents included)"
        )
        if check and (totals[2] or totals[3]):
            raise SystemExit(1)

    def _detail(self, obj, label):
        self.stdout.write(f"  {label}: {obj.translation_status.label}")
        for name in obj.translated_texts:
            chinese = in_language(obj, name, SOURCE_LANGUAGE)
            if chinese:
                self.stdout.write(f"    {name}: source_sha256 {sha256(chinese)}")

    def _row(self, name, row):
        entries, translated, stale, missing, zh, en = row
        self.stdout.write(
            f"{name:<28} {entries:>7} {translated:>10} {stale:>5} {missing:>7} {zh:>12} {en:>12}"
        )
