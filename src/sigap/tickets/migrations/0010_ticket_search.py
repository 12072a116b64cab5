"""The desk's full-text search of ticket titles and descriptions: a stored document
with a GIN index.

PostgreSQL only: SQLite has no tsvector, and search falls back to containment there.
The document is a generated column, computed once per write: ranking the matches of
a common word by a document rebuilt per row cost 150-215 ms at 100,000 tickets,
reading the stored one 25 ms (docs/benchmarks.md, "Desk pages"). Django does not
know the column; `sigap.tickets.search` reads it by name.
"""

from __future__ import annotations

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('simple'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(description, '')), 'B')
"""

CREATE = [
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS ticket_search_document_idx ON tickets_ticket "
    "USING gin (search_document)",
]
DROP = [
    "DROP INDEX IF EXISTS ticket_search_document_idx",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_document",
]


def _on_postgresql(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_sweep_indexes_of_running_clocks"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
