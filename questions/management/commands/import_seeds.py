from django.core.management.base import BaseCommand, CommandError

from glossary.importer import GlossaryFileError, import_glossary
from questions.importer import import_seeds
from search.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Import seed documents (default: fixtures/seeds/*.txt) and their English files "
        "(fixtures/translations/en/), and the glossary (fixtures/glossary.json), into the "
        "knowledge base."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Seed files to import.")

    def handle(self, *args, files, **options):
        progress = self.stdout.write if options["verbosity"] >= 1 else None
        reports = import_seeds(files or None, progress=progress)
        failed = [r for r in reports if r.error or (r.english and r.english.error)]
        for report in reports:
            if report.error or (report.english and report.english.error):
                self.stderr.write(self.style.ERROR(report.summary()))
                if report.error:
                    continue
            if options["verbosity"] < 1:
                continue
            self.stdout.write(self.style.SUCCESS(report.summary()))
            for conflict in report.conflicts:
                self.stdout.write(
                    self.style.WARNING(f"  conflict: {conflict} — kept the admin's edit")
                )
            english = report.english
            for conflict in english.conflicts if english else ():
                self.stdout.write(
                    self.style.WARNING(f"  English conflict: {conflict} — kept the admin's edit")
                )
            for key in english.orphans if english else ():
                self.stdout.write(
                    self.style.WARNING(f"  English file has key {key!r}, which the seed lacks")
                )
        try:
            glossary = import_glossary()
        except GlossaryFileError as exc:
            raise CommandError(f"The glossary failed to import: {exc}") from None
        else:
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.SUCCESS(glossary.summary()))
                for zh in glossary.conflicts:
                    self.stdout.write(
                        self.style.WARNING(f"  conflict: {zh} — kept the admin's edit")
                    )
        added, removed = reconcile()
        if (added or removed) and options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"search index: {added} entries added, {removed} removed")
            )
        if failed:
            raise CommandError(f"{len(failed)} of {len(reports)} files failed to import.")
