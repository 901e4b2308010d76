"""The outbox: every send is first an entry in a SQLite file, then an upload.

- machine.py: the rules (states, leases, backoff) as a pure function of an entry and an event;
- store.py: the table, and every SQL statement on it;
- queue.py: `Outbox`, what callers ask (enqueue, find, retry, cancel);
- worker.py: `OutboxWorker`, which reserves, makes the media, uploads and publishes under a
  lease; background.py starts one as a detached process.

docs/ARCHITECTURE.md, "The outbox", draws the states."""

from rep_video.share.outbox.machine import STATES, OutboxEntry
from rep_video.share.outbox.queue import Outbox
from rep_video.share.outbox.worker import OutboxWorker, Watch

__all__ = ["STATES", "Outbox", "OutboxEntry", "OutboxWorker", "Watch"]
