from django.core.management.base import BaseCommand, CommandError

from insights.retention import purge_search_log


class Command(BaseCommand):
    help = "Delete search records older than SEARCH_LOG_RETENTION_DAYS (default 180) days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep this many days instead")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        cutoff, searches, opens = purge_search_log(days)
        self.stdout.write(
            f"Deleted {searches} search counts and {opens} opened results from before {cutoff}."
        )
