"""haystack's ``update_index`` (and so ``rebuild_index``), with progress and a rate.

Each batch written prints how many entries are indexed so far and the rate (with ``-k``
worker processes, haystack's own ``-v 2`` lines show the batches instead); the end prints
the total time and entries per second, sentence vectors included. This app is listed
before haystack in INSTALLED_APPS so that this command replaces haystack's own.
"""

import time

from haystack import connections
from haystack.exceptions import NotHandled
from haystack.management.commands import update_index
from haystack.utils.app_loading import haystack_get_models


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
        if self.workers > 0:  # the batches were written by other processes
            done = self._total(label, using)
        if done and self.verbosity >= 1:
            self.stdout.write(
                f"Indexed {done} in {elapsed:.1f} s: {done / elapsed:.1f} entries per second, "
                "sentence vectors included"
            )

    def _total(self, label, using):
        """How many objects haystack indexed for ``label``, counted as haystack counts."""
        unified_index, total = connections[using].get_unified_index(), 0
        for model in haystack_get_models(label):
            try:
                index = unified_index.get_index(model)
            except NotHandled:
                continue
            queryset = index.build_queryset(
                using=using, start_date=self.start_date, end_date=self.end_date
            )
            total += queryset.count()
        return total
