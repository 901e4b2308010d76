"""Schema revisions, one file each (Alembic reads them by path; see the parent package)."""
