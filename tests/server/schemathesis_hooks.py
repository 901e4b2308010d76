"""Loaded by the schemathesis CLI (SCHEMATHESIS_HOOKS) in test_schemathesis.py: a tus PATCH
body is raw bytes, as application/octet-stream is."""

from __future__ import annotations

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
