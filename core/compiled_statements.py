"""Statements compiled once per process and database alias.

Django compiles a queryset to SQL on every evaluation; for a statement whose SQL never changes but for
one parameter (a ticket's id) the compiling costs more CPU than running it on PostgreSQL (a ticket
page's thread, history and attachments; the inbox's rows). ``compiled_once(key, queryset)`` keeps the
SQL, the parameters and what building the rows needs per database alias; ``fetch_values`` / ``fetch_models``
run it with one parameter replaced (the queryset is built with ``SENTINEL`` in that place) and build
the rows as Django's ValuesListIterable / ModelIterable would (same converters, the same
select_related populators, instances equal to ``from_db``'s). The statements must not depend on
anything but code: a manager or filter that changes per request must not be compiled once.
tests/helpdesk/test_selectors_inbox_rows.py and test_selectors_thread.py compare SQL and rows with
Django's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


@dataclass(frozen=True)
class Compiled:
    """A statement compiled once per process and database alias: its SQL and parameters, and what
    building its rows needs (the compiler's select and converters; for model rows, where the model's
    columns sit, how an instance is made and the select_related populators)."""

    sql: str
    params: tuple
    compiler: object  # the SQLCompiler that compiled it: select, col_count, converters, connection
    fields_start: int
    fields_end: int
    annotation_col_map: dict
    make: Callable  # (db, values) -> the instance model.from_db(db, init_list, values) builds
    related: tuple  # (RelatedPopulator, its make, its related) for each select_related model


# {database alias: {key: Compiled}}. Per alias, not per connection object: under ASGI every request
# gets its own DatabaseWrapper, and a cache keyed by them grew by a copy of every statement per request
# (each Compiled holds its compiler, which holds its connection: a weak key never died; daphne grew
# ~570 MiB over 10,000 desk requests in bench/memory.py). The SQL depends only on the alias's backend.
_COMPILED: dict[str, dict[str, Compiled]] = {}
SENTINEL = -987_654_321  # the parameter a statement is compiled with, replaced by each call's value


def compiled_once(key: str, queryset: Callable[[], QuerySet], db: str = "default") -> Compiled:
    """`queryset()` compiled once per process and database alias (`key` names it). Django's compiler
    gives the same SQL for the same queryset every time; compiling it costs more CPU than running it."""
    statements = _COMPILED.setdefault(db, {})
    compiled = statements.get(key)
    if compiled is None:
        compiler = queryset().query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        klass_info, select = compiler.klass_info, compiler.select
        start, end, make, related = 0, 0, None, ()
        if klass_info is not None:
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [column[0].target.attname for column in select[start:end]]
            make = instance_maker(klass_info["model"], init_list)
            related = _related(get_related_populators(klass_info, select, db))
        compiled = Compiled(
            sql=sql,
            params=tuple(params),
            compiler=compiler,
            fields_start=start,
            fields_end=end,
            annotation_col_map=compiler.annotation_col_map or {},
            make=make,
            related=related,
        )
        statements[key] = compiled
    return compiled


def execute(sql: str, params: tuple, db: str) -> list:
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


NO_VALUE = object()  # for a statement compiled without the SENTINEL: its parameters as compiled


def _with_value(compiled: Compiled, value) -> tuple:
    if value is NO_VALUE:
        if SENTINEL in compiled.params:
            raise RuntimeError("this compiled-once statement takes a value")
        return compiled.params
    positions = [i for i, param in enumerate(compiled.params) if param == SENTINEL]
    if len(positions) != 1:
        raise RuntimeError("a compiled-once statement takes its value in exactly one parameter")
    params = list(compiled.params)
    params[positions[0]] = value
    return tuple(params)


def fetch_values(compiled: Compiled, value=NO_VALUE, db: str = "default") -> list:
    """The rows of a compiled values_list() statement (fields only, in their order) for `value`
    (the SENTINEL parameter's replacement), converted as ValuesListIterable converts them."""
    results = execute(compiled.sql, _with_value(compiled, value), db)
    return list(compiled.compiler.results_iter([results], tuple_expected=True))


def fetch_models(compiled: Compiled, value=NO_VALUE, db: str = "default") -> list:
    """The model instances of a compiled model statement for `value`, built as ModelIterable builds them."""
    return build_models(compiled, execute(compiled.sql, _with_value(compiled, value), db), db)


def build_models(compiled: Compiled, results: list, db: str) -> list:
    """Model instances for `results` as ModelIterable builds them (the instance, then its select_related
    objects as RelatedPopulator.populate sets them, then the annotations)."""
    start, end, make = compiled.fields_start, compiled.fields_end, compiled.make
    related, annotations = compiled.related, compiled.annotation_col_map.items()
    objects = []
    for row in compiled.compiler.results_iter([results]):
        obj = make(db, row[start:end])
        for populator in related:
            _populate(populator, row, obj, db)
        for name, position in annotations:
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def _related(populators: list) -> tuple:
    return tuple(
        (p, instance_maker(p.model_cls, p.init_list), _related(p.related_populators)) for p in populators
    )


def _populate(populator: tuple, row, from_obj, db: str) -> None:
    """RelatedPopulator.populate with the instance built by `make`."""
    p, make, related = populator
    data = p.reorder_for_init(row) if p.reorder_for_init else row[p.cols_start : p.cols_end]
    if data[p.pk_idx] is None:
        obj = None
    else:
        obj = make(db, data)
        for child in related:
            _populate(child, row, obj, db)
    p.local_setter(from_obj, obj)
    if obj is not None:
        p.remote_setter(obj, from_obj)


PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def instance_maker(model: type[Model], init_list: list) -> Callable:
    """(db, values) -> what model.from_db(db, init_list, values) returns. Model.__init__ stores each
    loaded value with setattr (no signal receivers, plain field attributes: a dict entry each, in field
    order) in a new ModelState: done here directly, ~3x cheaper for the ~150 instances of an inbox
    page. Anything else (a receiver, a custom from_db or descriptor) goes through from_db itself."""
    fields = [f for f in model._meta.concrete_fields if f.attname in init_list]
    plain = (
        model.from_db.__func__ is Model.from_db.__func__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
        and len(fields) == len(init_list)
        and all(type(inspect.getattr_static(model, f.attname, None)) in PLAIN_ATTRIBUTES for f in fields)
    )
    if not plain:
        return lambda db, values: model.from_db(db, init_list, values)
    names = [f.attname for f in fields]
    order = [init_list.index(name) for name in names]
    in_order = order == list(range(len(order)))
    new = Model.__new__

    def make(db, values):
        obj = new(model)
        state = obj._state = ModelState()
        obj.__dict__.update(zip(names, values if in_order else [values[i] for i in order], strict=True))
        state.adding = False
        state.db = db
        return obj

    return make
