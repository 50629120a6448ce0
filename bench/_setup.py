"""Shared set-up for benchmark scripts: Django on a fresh, throw-away test database.

DATABASE_URL picks the vendor as for the site; the benchmark creates its own
``test_…`` database (or a temporary SQLite file) and removes it afterwards.
"""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.test_settings")


def setup():
    import django

    django.setup()


@contextmanager
def fresh_database(seeds=True):
    """A new empty database (migrated), with the seeds imported unless ``seeds`` is False."""
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # On disk, as the site runs, and shared with rebuild_index's worker processes.
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.mkdtemp(prefix="kb-bench-")) / "bench.sqlite3"
        )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if seeds:
            call_command("import_seeds", verbosity=0)
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
