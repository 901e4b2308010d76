"""A test's window is destroyed in that test's teardown (tests/ui/conftest.py), not later
inside the next test's event loop while its capture threads run."""

from __future__ import annotations

import shiboken6

from ui.window import MainWindow

_SEEN: list[MainWindow] = []


def test_a_window_is_made(window: MainWindow) -> None:
    _SEEN.append(window)
    assert shiboken6.isValid(window)


def test_the_previous_window_is_gone_before_this_test_starts() -> None:
    [previous] = _SEEN
    assert not shiboken6.isValid(previous)  # its C++ object was deleted in its own teardown
