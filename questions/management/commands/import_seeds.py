from django.core.management.base import BaseCommand, CommandError

from questions.importer import import_seeds


class Command(BaseCommand):
    help = "Import seed documents (default: fixtures/seeds/*.txt) into the knowledge base."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Seed files to import.")

    def handle(self, *args, files, **options):
        progress = self.stdout.write if options["verbosity"] >= 1 else None
        reports = import_seeds(files or None, progress=progress)
        failed = [r for r in reports if r.error]
        for report in reports:
            if report.error:
                self.stderr.write(self.style.ERROR(report.summary()))
                continue
            if options["verbosity"] < 1:
                continue
            self.stdout.write(self.style.SUCCESS(report.summary()))
            for conflict in report.conflicts:
                self.stdout.write(
                    self.style.WARNING(f"  conflict: {conflict} — kept the admin's edit")
                )
        if failed:
            raise CommandError(f"{len(failed)} of {len(reports)} files failed to import.")
