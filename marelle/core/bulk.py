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
