"""Queries built with the ORM once and run many times, for the few hot paths where building a query costs more
than running it: a join storm's hundreds of requests in a minute (``webinars.selectors.webinar_with_standing``,
``webinars.services.attendance_seen``).

The ORM builds and compiles its SQL anew on every call: for a one-row read with seven subqueries that is about
0.3 ms of CPU, twice what SQLite takes to run it. Here a queryset is compiled once with stand-in values (negative
ids no real row has), and each call runs the same SQL with the real values put in their place. Rows become model
instances as the ORM makes them (the database's converters applied, annotations set as attributes), and every
statement still goes through the connection's cursor (its execute wrappers count it in the request log).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


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
            if type(value) is int and value in stand_ins
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
            params[position] = values[which]
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
