"""A haystack backend that keeps the search index in the project's own database.

``database`` speaks haystack (engine, backend, query); ``sqlite`` and
``postgresql`` hold the SQL that differs between vendors.
"""

from importlib import import_module

from django.core.exceptions import ImproperlyConfigured

VENDORS = {"sqlite": "search.backends.sqlite", "postgresql": "search.backends.postgresql"}


def vendor_module(connection):
    try:
        return import_module(VENDORS[connection.vendor])
    except KeyError:
        raise ImproperlyConfigured(
            f"The database search backend supports SQLite and PostgreSQL, not {connection.vendor}."
        ) from None
