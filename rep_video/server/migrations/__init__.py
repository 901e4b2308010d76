"""The share server's schema migrations (Alembic). `rep_video.server.migrate` runs them; this
package holds the Alembic environment (`env.py`), the template for new revisions and the
revisions themselves (`versions/`, one file each, applied in order).

Changing a table (docs/SERVER.md, "Upgrade", has the admin's side):

1. Change the model in `rep_video/server/db.py`.
2. `python -m rep_video.server.migrate revision "add audit log"` writes
   `versions/NNNN_add_audit_log.py` with what Alembic's autogenerate finds (it builds a
   scratch SQLite database at the current head and compares it with the models). Read it and
   fix what autogenerate cannot know (renames, data moves, server defaults for existing rows).
3. `tests/server/test_migrations.py` fails until models and migrations agree on SQLite and on
   PostgreSQL, and while two revisions claim the same parent (rebase: point yours at the new
   head and renumber it).

Revisions never import the models: a model changes over time, a revision must keep creating
what it created the day it was written.
"""
