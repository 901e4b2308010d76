"""Helpers shared by the test suites: generated clips, free ports, server processes."""
