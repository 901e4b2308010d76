"""Alembic's environment. `rep_video.server.migrate` runs it through `alembic.command` with a
connection it opened and locked (`config.attributes["connection"]`), or with a URL when it only
prints the SQL (`--sql`, for a DBA who applies it by hand)."""

from __future__ import annotations

from typing import Any

from alembic import context

from rep_video.server.db import Base, UTCDateTime


def _render_item(kind: str, obj: Any, _autogen: Any) -> str | bool:
    # A revision must not import the models (they change later): the column type it writes
    # is the plain SQL type UTCDateTime stands for.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run() -> None:
    config = context.config
    options: dict[str, Any] = {
        "target_metadata": Base.metadata,
        "compare_type": True,
        "render_item": _render_item,
    }
    if context.is_offline_mode():
        url = config.get_main_option("sqlalchemy.url")
        context.configure(
            url=url,
            literal_binds=True,
            render_as_batch=str(url).startswith("sqlite"),
            **options,
        )
    else:
        connection = config.attributes["connection"]
        # SQLite cannot ALTER most things: Alembic's batch mode copies the table instead.
        context.configure(
            connection=connection, render_as_batch=connection.dialect.name == "sqlite", **options
        )
    with context.begin_transaction():
        context.run_migrations()


# Alembic executes this file under a name of its own; imported as a module (a test that
# imports every module, a type checker) it must do nothing.
if __name__ != "rep_video.server.migrations.env":
    run()
