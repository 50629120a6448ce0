"""A haystack backend that keeps the search index in the project's own database.

``database`` speaks haystack (engine, backend, query) and holds what the vendors share;
``sqlite`` (``SQLiteSearchBackend``) and ``postgresql`` (``PostgresSearchBackend``)
subclass its backend with the SQL that differs. The engine picks the subclass from the
database's vendor.
"""
