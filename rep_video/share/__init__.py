"""Shares: the manifest, tokens, the share page, upload targets and the outbox."""
