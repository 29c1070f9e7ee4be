"""Bulk inserts of plain rows, for loads of many thousand rows that nobody reads back as
instances: COPY on PostgreSQL (psycopg 3), executemany elsewhere. No model instances, no
signals, no primary keys returned; the caller gives values in `columns` order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

CHUNK = 50_000


def insert_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` into `model`'s table; `columns` are attnames (e.g. "line_id")."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3's own cursor: COPY is the fast path for many rows
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    fields = {f.attname: f for f in model._meta.concrete_fields}
    prep = [fields[c].get_db_prep_save for c in columns]
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    chunk: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([p(v, connection) for p, v in zip(prep, row, strict=True)])
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def update_by_ids(model, ids: Sequence[int], **values) -> int:
    """`model.objects.filter(pk__in=ids).update(**values)`, with the ids as one array
    parameter on PostgreSQL: for tens of thousands of ids, `IN (%s, %s, …)` costs more to
    build and plan than the update itself (measured: 17,000 cells, 400 ms → 150 ms)."""
    if connection.vendor != "postgresql" or not ids:
        return model.objects.filter(pk__in=ids).update(**values)
    fields = {f.name: f for f in model._meta.concrete_fields}
    assignments = ", ".join(f"{connection.ops.quote_name(fields[name].column)} = %s" for name in values)
    params = [fields[name].get_db_prep_save(value, connection) for name, value in values.items()]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = ANY(%s)", [*params, list(ids)])  # noqa: S608
        return cursor.rowcount
