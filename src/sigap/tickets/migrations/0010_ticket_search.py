"""A GIN index for the desk's full-text search of ticket titles and descriptions.

PostgreSQL only: SQLite has no tsvector, and search falls back to containment there.
The expression must stay, character for character in meaning, the one that
`sigap.tickets.search.SEARCH_VECTOR` compiles to, or the planner will not use it.
"""

from __future__ import annotations

from django.db import migrations

INDEX = "ticket_search_idx"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket USING gin ((
    setweight(to_tsvector('simple'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(description, '')), 'B')
))
"""

DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_sweep_indexes_of_running_clocks"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
