"""Read queries compiled to SQL once per process instead of on every request.

Building a query with the ORM (filters, annotations, subqueries, joins) often costs more CPU than running it: on
the signed-in pages it was most of each query's cost. ``rows`` builds the queryset once with stand-in ids (large
negative numbers no row has), compiles it, and then on each call runs the same SQL with the stand-ins swapped for
the real ids, through Django's own iterables (model instances, ``select_related`` objects, annotations, values and
``prefetch_related`` all as usual). ``webinars.selectors._join_query`` does the same by hand for the join storm.

A query whose SQL depends on more than the ids (today's date in a membership filter, whether the person is a site
administrator) names those in ``key``. The queryset is iterated here, whole: never chain it (a ``filter`` or a
slice after compiling would be ignored), so ``build`` includes any slice itself.
"""

import copy
import threading
from collections.abc import Callable, Hashable

from django.db import connections
from django.db.models import QuerySet

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
