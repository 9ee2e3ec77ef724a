"""Queries compiled to SQL once per process, for the hot paths where building a query with the ORM costs more CPU
than running it (on the signed-in pages, most of each query's cost; in a join storm, twice what SQLite takes).

The query is built once with stand-in ids (large negative numbers no row has) and compiled; each call runs the same
SQL with the stand-ins swapped for the real values, through the connection's cursor (its execute wrappers still
count it in the request log). Three forms:

- ``rows(name, build, ids, key)``: any read, its rows made by Django's own iterables (model instances,
  ``select_related`` objects, annotations, ``values()`` and ``prefetch_related`` as usual). A query whose SQL depends
  on more than the ids (today's date in a membership filter, whether the person is a site administrator) names those
  in ``key``. The queryset is iterated here, whole: never chain it (a ``filter`` or a slice after compiling would be
  ignored), so ``build`` includes any slice itself.
- ``CompiledSelect``: one model's row, made into an instance here (converters applied, annotations set) without a
  queryset per call: the join storm's read (``webinars.selectors.webinar_with_standing``).
- ``CompiledInsert``: one row's INSERT that skips a row a unique constraint already holds, outside any transaction
  (the join's attendance, ``webinars.services``).

In accounts, the lowest layer, so that every app may use it; it knows no model of its own.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable, Sequence

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

# Stand-ins for ids while a query is compiled: no row has a negative id.
STAND_IN_1, STAND_IN_2, STAND_IN_3 = -7_340_101, -7_340_102, -7_340_103

_compiled: dict[tuple, tuple] = {}
_lock = threading.Lock()
MAX_ENTRIES = 512  # keys carry the date: yesterday's entries are dropped when this fills


def _no_compiler_arguments(compiler):
    def get_compiler(using=None, connection=None, elide_empty=True):
        return compiler

    return get_compiler


def _swap(value, ids: dict):
    """The real value for a stand-in. PostgreSQL's parameters may be int subclasses (psycopg's ``Int4`` for an
    integer field): matched as ints, and given back in the same type."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value not in ids:
        return value
    real = ids[value]
    return type(value)(real) if type(value) not in (int, str) else real


def rows(name: str, build: Callable[[], QuerySet], ids: dict, key: tuple[Hashable, ...] = ()) -> list:
    """``list(build())`` with each stand-in of ``ids`` (stand-in -> real value: ids, or a string parameter as the
    SQL receives it) replaced, the SQL compiled once per ``name`` and ``key``. ``build`` is called with no
    arguments and uses the stand-ins in place of the values."""
    full_key = (name, connections["default"].vendor, *key)
    entry = _compiled.get(full_key)
    if entry is None:
        template = build()
        compiler = template.query.get_compiler(using=template.db)
        sql, params = compiler.as_sql()
        entry = (template, compiler, sql, tuple(params))
        with _lock:
            if len(_compiled) >= MAX_ENTRIES:
                _compiled.clear()
            _compiled[full_key] = entry
    template, compiled, sql, params = entry
    swapped = tuple(_swap(value, ids) for value in params)
    compiler = copy.copy(compiled)
    compiler.connection = connections[template.db]  # this thread's: Django's connections are per thread
    compiler.as_sql = lambda *args, **kwargs: (sql, swapped)
    queryset = template._chain()
    queryset.query.get_compiler = _no_compiler_arguments(compiler)
    return list(queryset)


# ---------------------------------------------------------------------------------- one row, leaner


class CompiledSelect:
    """``queryset.first()`` compiled once: ``select.first(*values)`` runs it with ``values`` in place of the
    ``stand_ins`` (in the same order). The queryset reads one model's columns and annotations (no
    ``select_related``, no ``values()``), and every stand-in must reach the SQL as a parameter."""

    def __init__(self, queryset: QuerySet, stand_ins: Sequence[int]):
        compiler = queryset[:1].query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if compiler.klass_info is None or compiler.klass_info.get("related_klass_infos"):
            raise ValueError("CompiledSelect reads one model's own columns (no values(), no select_related()).")
        self.alias, self.model, self.sql, self.params = queryset.db, queryset.model, sql, list(params)
        self.slots = [
            (position, stand_ins.index(value))
            for position, value in enumerate(self.params)
            if isinstance(value, int) and not isinstance(value, bool) and value in stand_ins
        ]
        if {which for _position, which in self.slots} != set(range(len(stand_ins))):
            raise ValueError("Every stand-in must appear among the compiled query's parameters.")
        columns = [column for column, _sql, _alias in compiler.select]
        fields = compiler.klass_info["select_fields"]
        self.model_columns = slice(fields[0], fields[-1] + 1)
        self.attnames = [column.target.attname for column in columns[self.model_columns]]
        self.annotations = dict(compiler.annotation_col_map)
        self.converters = list(compiler.get_converters(columns).items())

    def first(self, *values) -> Model | None:
        params = self.params.copy()
        for position, which in self.slots:
            stand_in = params[position]  # an int, or an int subclass a driver asked for (psycopg's Int4): kept
            params[position] = values[which] if type(stand_in) is int else type(stand_in)(values[which])
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = list(row)
            for position, (functions, expression) in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        instance = self.model.from_db(self.alias, self.attnames, row[self.model_columns])
        for name, position in self.annotations.items():
            setattr(instance, name, row[position])
        return instance


class CompiledInsert:
    """One row's INSERT that skips a row a unique constraint already holds: the SQL of
    ``bulk_create([obj], ignore_conflicts=True)``, compiled once. ``insert.run(**values)`` (every field named)
    runs it alone, without the transaction ``bulk_create`` opens: a single statement is atomic by itself."""

    def __init__(self, model: type[Model], field_names: Sequence[str], *, using: str = "default"):
        self.alias = using
        self.fields = [model._meta.get_field(name) for name in field_names]
        query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
        query.insert_values(self.fields, [model()])
        statements = query.get_compiler(using=using).as_sql()
        if len(statements) != 1:
            raise ValueError("CompiledInsert needs one INSERT statement for one row.")
        self.sql = statements[0][0]

    def run(self, **values) -> None:
        connection = connections[self.alias]
        params = [field.get_db_prep_save(values[field.name], connection) for field in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
