"""The recorder tests' `record` fixture, for the tests that assemble real recordings."""

from tests.unit.media.capture.conftest import record  # noqa: F401 - a fixture
