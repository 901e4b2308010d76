"""A throwaway schema in the real PostgreSQL named by REP_VIDEO_TEST_PG_DSN (.ci/run starts
it): `pg_url` is a SQLAlchemy URL whose search_path is that schema, dropped afterwards.

    from tests.support.postgres import pg_url  # noqa: F401 - fixture
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy


@pytest.fixture
def pg_url() -> Iterator[str]:
    dsn = os.environ.get("REP_VIDEO_TEST_PG_DSN")
    if not dsn:
        if os.environ.get("CI"):
            pytest.fail("REP_VIDEO_TEST_PG_DSN is not set on CI (.ci/run sets it)")
        pytest.skip("REP_VIDEO_TEST_PG_DSN is not set (start PostgreSQL as in .ci/run)")
    schema = f"rv_test_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(dsn)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
