"""Tamper-evident records: the share server's audit log and the desktop client's journal of
sends both keep records in one SHA-256 hash chain (`chain`), exported as JSON lines or CSV
(`export`). The client's journal lives in `journal`."""
