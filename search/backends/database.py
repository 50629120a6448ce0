"""The haystack engine: index and search in the project's database.

The shared part (this module) speaks haystack: it turns a ``SearchQuerySet`` into
a parsed query plus filters, runs it as SQL, and builds ``SearchResult`` objects. Each
database vendor is a subclass of ``DatabaseSearchBackend`` with the SQL that differs
(``search.backends.sqlite``, ``search.backends.postgresql``); ``DatabaseEngine`` picks
the one for the index's database. The engine finds and roughly orders the candidates;
``search.ranking`` puts the best of them in their final order.
"""

import sys
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, log_query
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.inputs import BaseInput
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct

from questions import versioning
from search import pinyin, semantic, spelling
from search.expansion import signal_enabled, understand
from search.fields import column_texts, weighted_fields
from search.models import IndexEntry
from search.ranking import GENERIC_SHARE, Candidate, IndexedText, rank
from search.text import Query, simplified
from search.weights import CLASSES, COLUMNS

FILTER_FIELDS = ("topics", "source")
CONTENT_FIELDS = ("content", "text")
# The engine's best this many matches are ranked (search.ranking); deeper pages end there.
MAX_CANDIDATES = 200
MLT_RESULTS = 10
MLT_CANDIDATES = 4  # related entries: this many times the wanted number looked up
FACET_FIELDS = ("topics", "topics_exact")  # haystack facets a field through its _exact twin
# Index rows as ranking reads them, {pk: (ct, django_id, search.ranking.IndexedText)}, for
# each database and the current content version: filled as searches load candidates, up
# to ROWS_HELD rows (the seeds' 179 take 1.9 MB, tokens interned).
_rows = versioning.PerVersion(lambda database: {})
ROWS_HELD = 2000
# The columns whose matches are scored where there are too many to score them all.
TOP_TIER = ("A", "B")


@dataclass
class IndexStatistics:
    size: int | None = None  # entries in the index
    frequencies: dict = field(default_factory=dict)  # group → entries holding it


# The index's statistics for each database and the current content version, filled as
# searches ask: the size, and the document frequency of up to GROUPS_HELD query groups.
_statistics = versioning.PerVersion(lambda database: IndexStatistics())
GROUPS_HELD = 20_000


@dataclass
class Matches:
    """What the engine found for one query: its scored matches, best first (every match,
    or where there were too many to score, the best), and how many matches each
    combination of topics has (every match: what counts and facets read)."""

    scored: list  # (index row pk, engine score, topics)
    combinations: Counter  # an index row's topics ("data risk") → matches
    complete: bool  # ``scored`` holds every match
    match_text: str = ""

    def __bool__(self):
        return bool(self.combinations)

    def count(self, wanted=None):
        """How many matches there are in any of the ``wanted`` topics (all, if None)."""
        return sum(
            n for topics, n in self.combinations.items()
            if not wanted or not wanted.isdisjoint(topics.split())
        )  # fmt: skip


@dataclass
class CompiledQuery:
    """What a SearchQuerySet asks for, in terms this backend understands."""

    query: Query | None = None
    filters: dict = field(default_factory=dict)  # field → set of accepted values
    exclude_ids: set = field(default_factory=set)  # haystack ids ("questions.entry.12")

    def __str__(self):
        text = self.query.text if self.query else ""
        filters = {name: sorted(values) for name, values in sorted(self.filters.items())}
        return f"{text!r} {filters} -{sorted(self.exclude_ids)}"


class DatabaseSearchBackend(BaseSearchBackend):
    """What every vendor shares: writing the index rows, searching them, building results.

    A vendor's subclass supplies its full-text SQL, the attributes and methods under
    "The vendor's SQL" below, and overrides the defaults there that do not fit it.
    """

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.database = connection_options.get("DATABASE", "default")
        # Called with the number of objects each update() wrote (update_index's progress).
        self.progress = None

    @property
    def connection(self):
        return connections[self.database]

    # The vendor's SQL -----------------------------------------------------------------

    # Where the full text lives, its id column, and how to reach the index rows (``e``)
    # from there for SQL filters.
    text_table: str
    text_id: str
    filter_join = ""
    # What a match satisfies, and its engine score, higher for better matches; ``%s`` in
    # either is the compiled query, and score_uses_query says whether the score has one.
    match: str
    score: str
    score_uses_query = False
    # Past how many matches only those in the top tier of columns are scored (``_matches``),
    # or None for never: where counting the matches costs about as much as scoring them.
    tiered_above: int | None = 2000
    # An index row whose topics hold the slug in the parameter (given as " slug ").
    holds_topic: str
    # The query syntax's "and" and "or" between quoted tokens (compile_query).
    and_operator: str
    or_operator: str

    def quote(self, token):
        """``token`` as a literal of the vendor's query syntax, never as syntax."""
        raise NotImplementedError

    def compile_query(self, groups, all_groups, classes=CLASSES):
        """Query text for groups of alternatives: every group (``all_groups``) or any; a
        group matches through any of its alternatives, an alternative when it holds all
        its tokens, in a column of one of the weight ``classes``. Every token is quoted,
        never raw input."""
        and_, or_ = self.and_operator, self.or_operator

        def term(token):
            return self.term(token, classes)

        return (and_ if all_groups else or_).join(
            "(" + or_.join("(" + and_.join(map(term, alt)) + ")" for alt in group) + ")"
            for group in groups
        )

    def term(self, token, classes):
        """A quoted token matching in the columns of those weight classes. By default the
        classes are for compile_query() to apply to the whole query (SQLite's column
        filter); a vendor that labels each term (PostgreSQL's weights) does it here."""
        return self.quote(token)

    def ordering(self, cursor, match_text):
        """ORDER BY clause and its parameters: best score first."""
        return f"score DESC, {self.text_id}", []

    def index_size(self, cursor):
        """How many entries the index holds."""
        cursor.execute("SELECT COUNT(*) FROM search_indexentry")
        return cursor.fetchone()[0]

    def document_frequencies(self, cursor, groups, limit, size):
        """How many of the ``size`` entries hold each group, counted up to ``limit``."""
        return [self.count_matches(cursor, group, limit) for group in groups]

    def count_matches(self, cursor, group, limit):
        """How many entries hold ``group``, counted up to ``limit``."""
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.text_table} WHERE {self.match} "
            "LIMIT %s) AS m",
            [self.compile_query((group,), all_groups=True), limit],
        )
        return cursor.fetchone()[0]

    def write_text(self, cursor, pk, texts):
        """Replace the full text of index row ``pk``: ``texts`` is {column: tokens}."""
        raise NotImplementedError

    def delete_text(self, cursor, pks):
        """Delete the full text of these index rows, before the rows themselves. Nothing
        by default: where the full text lives on the index row, it goes with it."""

    def clear_text(self, cursor):
        """Delete every row's full text, before the rows. Nothing by default, as above."""

    def index_bytes(self):
        """The index's size on disk: its tables and their indexes, in bytes."""
        raise NotImplementedError

    # Writing ------------------------------------------------------------------------

    def update(self, index, iterable, commit=True):
        # Segment first, then write: the write transaction (one writer at a time on
        # SQLite) stays short, so rebuild_index workers segment in parallel.
        prepared = [index.full_prepare(obj) for obj in iterable]
        texts = [column_texts(index, data) for data in prepared]
        fields = weighted_fields(index)
        plain = [data.get(name) or "" for data in prepared for name in fields]
        vectors = [semantic.to_bytes(data.get("embedded") or []) for data in prepared]
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            for data, columns, entry_vectors in zip(prepared, texts, vectors, strict=True):
                row, _ = IndexEntry.objects.using(self.database).update_or_create(
                    doc_id=data[ID],
                    defaults={
                        "django_ct": data[DJANGO_CT],
                        "django_id": str(data[DJANGO_ID]),
                        **columns,
                        "topics": " ".join(data.get("topics") or []),
                        "source": data.get("source") or "",
                        "vectors": entry_vectors,
                    },
                )
                self.write_text(cursor, row.pk, columns)
            pinyin.remember(pinyin.words_of(texts), using=self.database)
            spelling.remember(spelling.words_of(plain), using=self.database)
            versioning.bump()
        if self.progress:
            self.progress(len(prepared))

    def remove(self, obj_or_string, commit=True):
        doc_id = get_identifier(obj_or_string)
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            rows = IndexEntry.objects.using(self.database).filter(doc_id=doc_id)
            self.delete_text(cursor, list(rows.values_list("pk", flat=True)))
            rows.delete()
            versioning.bump()

    def clear(self, models=None, commit=True):
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            rows = IndexEntry.objects.using(self.database).all()
            if models:
                rows = rows.filter(django_ct__in=[get_model_ct(m) for m in models])
                self.delete_text(cursor, list(rows.values_list("pk", flat=True)))
            else:
                self.clear_text(cursor)
            rows.delete()
            versioning.bump()

    # Searching ----------------------------------------------------------------------

    @log_query
    def search(self, query_string, **kwargs):
        unsupported = (
            "sort_by", "highlight", "date_facets", "query_facets", "within", "dwithin",
            "distance_point", "boost", "spelling_query", "fields",
        )  # fmt: skip
        used = sorted(k for k in unsupported if kwargs.get(k))
        if used:
            raise NotImplementedError(f"The database search backend does not support {used}.")
        if not isinstance(query_string, CompiledQuery):
            raise NotImplementedError("Raw query strings are not supported; use filter(content=…).")
        for narrow in kwargs.get("narrow_queries") or ():
            raise NotImplementedError(f"narrow() is not supported ({narrow!r}); use filter().")
        return self._run(
            query_string,
            start=kwargs.get("start_offset") or 0,
            end=kwargs.get("end_offset"),
            facets=kwargs.get("facets") or {},
            models=kwargs.get("models"),
            result_class=kwargs.get("result_class") or SearchResult,
        )

    def _run(self, compiled, start, end, facets, models=None, result_class=SearchResult):
        """One search: every lexical match (counted and faceted exactly), the entries
        nearest in meaning, the best MAX_CANDIDATES of the first and all of the second
        ranked together (search.ranking), the remaining matches after them in the
        engine's order (past ``tiered_above`` matches, unscored: see ``_matches``)."""
        for name in facets:
            if name not in FACET_FIELDS:
                raise NotImplementedError(f"Facets on {name!r} are not supported, only topics.")
        if not compiled.query:
            return {"results": [], "hits": 0, "facets": {"fields": {f: [] for f in facets}}}
        query = compiled.query
        groups = query.groups
        where, params = self._filters(compiled, models)
        indexed, df = self._statistics(groups)
        generic = int(GENERIC_SHARE * indexed)
        wanted = compiled.filters.get("topics")
        matches = Matches([], Counter(), complete=True)
        for used, all_groups, bound in self._candidate_queries(groups, df, generic):
            matches = self._matches(used, all_groups, bound, where, params, wanted)
            if matches:
                break
        engine_scores = {pk: score for pk, score, _ in matches.scored}
        topics_of = {pk: topics for pk, _, topics in matches.scored}
        # Pinyin means nothing to the encoder: it reads the Chinese the letters spell.
        meant = query.reading or query.text
        similarity = self._similarity(meant) if signal_enabled("semantic") else {}
        nearest = self._nearest(similarity, engine_scores, where, params)
        topics_of.update(nearest)
        # Where not every match was scored, a near entry may be a match (counted already).
        also = [] if matches.complete else self._among(matches.match_text, list(nearest))
        engine_scores.update(dict.fromkeys(also, 0.0))
        semantic_only = [pk for pk in nearest if pk not in engine_scores]
        facet_counts = Counter()
        for topics, n in matches.combinations.items():
            for slug in topics.split():
                facet_counts[slug] += n
        facet_counts.update(slug for pk in semantic_only for slug in topics_of[pk].split())

        def shown(pk):
            return not wanted or not wanted.isdisjoint(topics_of[pk].split())

        lexical = [pk for pk in [pk for pk, _, _ in matches.scored] + also if shown(pk)]
        pool = lexical[:MAX_CANDIDATES] + [pk for pk in semantic_only if shown(pk)]
        ranked = rank(self._load(pool, engine_scores), groups, indexed, df, similarity)
        # Past the ranked ones, the other matches in the engine's order (loaded for the page).
        rest_count = matches.count(wanted) - len(lexical[:MAX_CANDIDATES])
        page = ranked[start:end]
        if (end is None or end > len(ranked)) and rest_count:
            first = max(0, start - len(ranked))
            last = None if end is None else end - len(ranked)
            if matches.complete:
                rest = lexical[MAX_CANDIDATES:]
            else:
                rest = self._unscored(matches.match_text, where, params, wanted, set(pool))
            page += self._load(rest[first:last], engine_scores)
        # Each result carries its topics as the index holds them (written with the entry).
        results = [
            result_class(*c.ct.split("."), c.django_id, c.final_score, topics=c.topics)
            for c in page
        ]
        facet_list = sorted(facet_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "results": results,
            "hits": len(ranked) + rest_count,
            "facets": {"fields": {name: facet_list for name in facets}},
        }

    def _statistics(self, groups):
        """The number of indexed entries and how many hold each group (counted up to just
        past the generic share): the engine's figures, asked once per content version for
        the index and for each group, since only an index write changes them."""
        held = _statistics.get(self.database)
        with self.connection.cursor() as cursor:
            if held.size is None:
                held.size = self.index_size(cursor)
            known = {g: held.frequencies.get(g) for g in groups}
            unknown = [g for g, frequency in known.items() if frequency is None]
            if unknown:
                limit = int(GENERIC_SHARE * held.size) + 1
                counted = self.document_frequencies(cursor, unknown, limit, held.size)
                known.update(zip(unknown, counted, strict=True))
                if len(held.frequencies) + len(unknown) > GROUPS_HELD:
                    held.frequencies.clear()
                held.frequencies.update(zip(unknown, counted, strict=True))
        return held.size, [known[g] for g in groups]

    def frequencies(self, tokens):
        """How many indexed entries hold each token (counted up to just past the generic
        share; asked once per content version, as for a search's own words)."""
        return self._statistics([((token,),) for token in tokens])[1]

    def _similarity(self, text):
        """Every indexed entry's cosine to the query (a search.semantic.Similarities)."""
        vectors = semantic.vector_index.get(self.database)
        return vectors.similarities(semantic.embed([simplified(text)])[0])

    def _nearest(self, similarity, engine_scores, where, params):
        """{pk: topics} of the entries nearest in meaning that the lexical search missed,
        under the same filters."""
        if not similarity:  # the semantic signal is off, or nothing is indexed
            return {}
        pks = [pk for pk in similarity.nearest() if pk not in engine_scores]
        if not pks:
            return {}
        conditions = [f"e.id IN ({', '.join(['%s'] * len(pks))})", *where]
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, e.topics FROM search_indexentry e WHERE {' AND '.join(conditions)}",
                [*pks, *params],
            )
            topics = dict(cursor.fetchall())
        return {pk: topics[pk] for pk in pks if pk in topics}

    def _candidate_queries(self, groups, df, generic):
        """Engine queries that find the candidates, most selective first.

        An entry that holds none of the informative words cannot rank among those
        that do, so only they are looked up. When every word is generic ("数据" is in
        half the entries), the entries holding them all are the matches (all 98 listed
        entries holding 数据, counted), else those holding any; the same when the informative
        words turn out to match nothing.
        """
        found = [(g, d) for g, d in zip(groups, df, strict=True) if d]  # in no entry: none
        informative = [(g, d) for g, d in found if d <= generic]
        # Each with the most entries it can match, as far as the counts tell (they stop
        # just past the generic share): whether to count before scoring (``_matches``).
        if informative:
            yield [g for g, _ in informative], False, sum(d for _, d in informative)
        if found:
            yield [g for g, _ in found], True, min(d for _, d in found)
            yield [g for g, _ in found], False, sum(d for _, d in found)

    def _matches(self, groups, all_groups, bound, where, params, wanted=None):
        """The matches of the groups (all of them, or any): every one scored by the
        engine's bm25 / ts_rank, best first, in one engine run.

        Scoring every match is what a large index cannot afford (bm25 over the 55,656
        matches of 数据 at 100,000 entries: 67 ms; counting them by topics 35 ms, and
        scoring those holding it in the top tier 25, measured in SQLite). So where more than
        ``tiered_above`` entries may match, as in a tiered index, the matches are counted per
        combination of topics (exact counts and facets), and only the entries holding the
        words in the top tier of columns (TOP_TIER: the question, its phrasings, the
        prompt and titles) are scored, for the best MAX_CANDIDATES in the topics asked
        for, which is all the ranking reads; should the tier hold fewer, the best are
        taken from every column. The other matches are read only for a page past the
        ranked ones (``_unscored``)."""
        match_text = self.compile_query(groups, all_groups)
        tiered_above = self.tiered_above
        if tiered_above is not None and bound > tiered_above:
            combinations = self._combinations(match_text, where, params)
            if sum(combinations.values()) > tiered_above:
                if wanted:
                    where = [*where, "(" + " OR ".join([self.holds_topic] * len(wanted)) + ")"]
                    params = [*params, *(f" {slug} " for slug in sorted(wanted))]
                tier_text = self.compile_query(groups, all_groups, classes=TOP_TIER)
                best = self._scored(tier_text, where, params, limit=MAX_CANDIDATES)
                if len(best) < MAX_CANDIDATES:
                    best = self._scored(match_text, where, params, limit=MAX_CANDIDATES)
                return Matches(best, combinations, complete=False, match_text=match_text)
        scored = self._scored(match_text, where, params)
        combinations = Counter(topics for _, _, topics in scored)
        return Matches(scored, combinations, complete=True, match_text=match_text)

    def _scored(self, match_text, where, params, limit=None):
        """(pk, engine score, topics) of the matches, best first (the ``limit`` best)."""
        with self.connection.cursor() as cursor:
            order, order_params = self.ordering(cursor, match_text)
            sql = (
                f"SELECT {self.text_id}, {self.score} AS score, e.topics "
                f"FROM {self.text_table} {self.filter_join} "
                f"WHERE {' AND '.join([self.match, *where])} ORDER BY {order}"
            )
            score_params = [match_text] if self.score_uses_query else []
            limit_params = []
            if limit is not None:
                sql += " LIMIT %s"
                limit_params = [limit]
            cursor.execute(sql, [*score_params, match_text, *params, *order_params, *limit_params])
            return cursor.fetchall()

    def _combinations(self, match_text, where, params):
        """How many matches each combination of topics (an index row's ``topics``) has."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.topics, COUNT(*) FROM {self.text_table} {self.filter_join} "
                f"WHERE {' AND '.join([self.match, *where])} GROUP BY e.topics",
                [match_text, *params],
            )
            return Counter(dict(cursor.fetchall()))

    def _among(self, match_text, pks):
        """Those of the index rows ``pks`` that match."""
        if not pks:
            return []
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {self.text_id} FROM {self.text_table} WHERE {self.match} "
                f"AND {self.text_id} IN ({', '.join(['%s'] * len(pks))})",
                [match_text, *pks],
            )
            matching = {pk for (pk,) in cursor.fetchall()}
        return [pk for pk in pks if pk in matching]

    def _unscored(self, match_text, where, params, wanted, ranked):
        """The pks of the matches in the topics asked for, other than the ``ranked``, in
        index order: the pages past the ranked ones of a search that scored the best."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {self.text_id}, e.topics FROM {self.text_table} {self.filter_join} "
                f"WHERE {' AND '.join([self.match, *where])} ORDER BY {self.text_id}",
                [match_text, *params],
            )
            rows = cursor.fetchall()
        return [
            pk
            for pk, topics in rows
            if pk not in ranked and (not wanted or not wanted.isdisjoint(topics.split()))
        ]

    def _load(self, pks, engine_scores):
        """Candidates with their indexed tokens, in the order of ``pks``. Each row is read
        and its tokens split once per content version (``_rows``), not on every search."""
        held = _rows.get(self.database)
        loaded = {pk: held[pk] for pk in pks if pk in held}
        missing = [pk for pk in pks if pk not in loaded]
        if missing:
            rows = (
                IndexEntry.objects.using(self.database)
                .filter(pk__in=missing)
                .values_list("pk", "django_ct", "django_id", "topics", *COLUMNS)
            )
            for pk, ct, django_id, topics, *texts in rows:
                tokens = [frozenset(map(sys.intern, text.split())) for text in texts]
                text = IndexedText(dict(zip(COLUMNS, tokens, strict=True)))
                loaded[pk] = (ct, django_id, tuple(topics.split()), text)
                if len(held) < ROWS_HELD:
                    held[pk] = loaded[pk]
        candidates = []
        for pk in pks:
            if pk in loaded:
                ct, django_id, topics, text = loaded[pk]
                score = engine_scores.get(pk, 0.0)
                candidates.append(Candidate(pk, ct, django_id, score, text, topics))
        return candidates

    def _filters(self, compiled, models):
        """SQL conditions on the index rows. Topics are not among them: every match is
        counted per topic (the facets), then those of other topics are dropped, from the
        index row's ``topics`` read with the matches."""
        where, params = [], []
        for name, values in compiled.filters.items():
            if name != "topics":
                where.append(f"e.{name} IN ({', '.join(['%s'] * len(values))})")
                params += sorted(values)
        if compiled.exclude_ids:
            where.append(f"e.doc_id NOT IN ({', '.join(['%s'] * len(compiled.exclude_ids))})")
            params += sorted(compiled.exclude_ids)
        if models:
            cts = sorted(get_model_ct(m) for m in models)
            where.append(f"e.django_ct IN ({', '.join(['%s'] * len(cts))})")
            params += cts
        return where, params

    def more_like_this(
        self,
        model_instance,
        additional_query_string=None,
        start_offset=0,
        end_offset=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        """Entries nearest in meaning to ``model_instance``: the best cosine between any of
        its embedded sentences and any of theirs (search.semantic), under the filters."""
        identifier = get_identifier(model_instance)
        compiled = CompiledQuery(exclude_ids={identifier})
        if isinstance(additional_query_string, CompiledQuery):
            compiled.filters = additional_query_string.filters
            compiled.exclude_ids |= additional_query_string.exclude_ids
        # haystack's run_mlt passes no offsets and loads every result it gets: keep it short.
        limit = end_offset if end_offset is not None else MLT_RESULTS
        row = IndexEntry.objects.using(self.database).filter(doc_id=identifier).first()
        if row is None:
            return {"results": [], "hits": 0}
        similar = semantic.vector_index.get(self.database).related(row.pk)
        # A few times as many as wanted, so that filters can drop some.
        ordered = similar.nearest(k=MLT_CANDIDATES * limit) if similar else []
        if not ordered:
            return {"results": [], "hits": 0}
        where, params = self._filters(compiled, models)
        wanted = {slug for slug in compiled.filters.get("topics", ())}
        conditions = [f"e.id IN ({', '.join(['%s'] * len(ordered))})", *where]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.django_ct, e.django_id, e.topics FROM search_indexentry e "
                f"WHERE {' AND '.join(conditions)}",
                [*ordered, *params],
            )
            found = {
                pk: (ct, django_id)
                for pk, ct, django_id, topics in cursor.fetchall()
                if not wanted or wanted & set(topics.split())
            }
        kept = [pk for pk in ordered if pk in found][start_offset:limit]
        result_class = result_class or SearchResult
        results = [
            result_class(*found[pk][0].split("."), found[pk][1], similar.get(pk)) for pk in kept
        ]
        return {"results": results, "hits": len(results)}


class DatabaseSearchQuery(BaseSearchQuery):
    """Compiles haystack's SQ tree into a CompiledQuery (never into raw engine syntax)."""

    def build_query(self):
        compiled = CompiledQuery()
        self._compile(self.query_filter, compiled)
        return compiled

    def __str__(self):
        """What the query asks for, readably (haystack's str() of a query)."""
        return str(self.build_query())

    def _compile(self, node, compiled):
        if node.connector != "AND" and len(node.children) > 1:
            raise NotImplementedError("OR between search filters is not supported.")
        for child in node.children:
            if not isinstance(child, tuple):
                if child.negated:
                    self._compile_negated(child, compiled)
                else:
                    self._compile(child, compiled)
                continue
            expression, value = child
            name, _, filter_type = expression.partition("__")
            filter_type = filter_type or "content"
            if name in CONTENT_FIELDS and isinstance(value, Query) and compiled.query is None:
                compiled.query = value  # understood already (search.expansion.understand)
            elif name in CONTENT_FIELDS:
                text = value.query_string if isinstance(value, BaseInput) else str(value)
                if compiled.query is not None:
                    text = f"{compiled.query.text} {text}"
                compiled.query = understand(text)
            elif name in FILTER_FIELDS and filter_type in {"content", "exact", "in"}:
                values = {str(v) for v in value} if filter_type == "in" else {str(value)}
                existing = compiled.filters.get(name)
                compiled.filters[name] = values if existing is None else existing & values
            else:
                raise NotImplementedError(f"Filtering on {expression!r} is not supported.")

    def _compile_negated(self, node, compiled):
        for child in node.children:
            if isinstance(child, tuple) and child[0] in {ID, f"{ID}__exact", f"{ID}__in"}:
                values = child[1] if child[0].endswith("__in") else [child[1]]
                compiled.exclude_ids |= {str(v) for v in values}
            else:
                raise NotImplementedError("Only exclude(id=…) is supported.")

    def build_query_fragment(self, field, filter_type, value):
        raise NotImplementedError("This backend compiles the whole query in build_query().")


class DatabaseEngine(BaseEngine):
    """haystack's engine. Its backend is the subclass for the vendor of the database that
    holds the index (the connection's ``DATABASE`` option, ``default`` unless set)."""

    query = DatabaseSearchQuery

    @property
    def backend(self):
        # Imported here: the vendor modules build on this one.
        from .postgresql import PostgresSearchBackend
        from .sqlite import SQLiteSearchBackend

        backends = {"sqlite": SQLiteSearchBackend, "postgresql": PostgresSearchBackend}
        database = self.options.get("DATABASE", "default")
        vendor = connections[database].vendor
        if vendor not in backends:
            raise ImproperlyConfigured(
                f"The database search backend supports SQLite and PostgreSQL, not {vendor} "
                f"(the search index's database {database!r})."
            )
        return backends[vendor]
