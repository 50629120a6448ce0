"""haystack's ``update_index`` (and so ``rebuild_index``), with progress and a rate.

Each batch written prints how many entries are indexed so far and the rate; the end prints
the total time and entries per second, sentence vectors included. This app is listed
before haystack in INSTALLED_APPS so that this command replaces haystack's own.
"""

import time

from haystack import connections
from haystack.management.commands import update_index


class Command(update_index.Command):
    def update_backend(self, label, using):
        backend = connections[using].get_backend()
        started, done = time.perf_counter(), 0

        def progress(count):
            nonlocal done
            done += count
            if self.verbosity >= 1:
                rate = done / max(time.perf_counter() - started, 1e-9)
                self.stdout.write(f"  {done} indexed ({rate:.0f} per second)")

        backend.progress = progress
        try:
            super().update_backend(label, using)
        finally:
            backend.progress = None
        elapsed = time.perf_counter() - started
        if done and self.verbosity >= 1:
            self.stdout.write(
                f"Indexed {done} in {elapsed:.1f} s: {done / elapsed:.1f} entries per second, "
                "sentence vectors included"
            )
