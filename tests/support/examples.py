"""How many examples the property tests (Hypothesis) try: the count a test names in the whole
suite (CI, `python3 dev.py test`), a fifth of it in the fast tier (`python3 dev.py test
--fast`, which sets REP_VIDEO_TEST_TIER=fast): that tier is a quick check before a commit, so it
runs every property on fewer inputs and leaves the search for rare ones to the full run."""

from __future__ import annotations

import os

FAST_TIER = os.environ.get("REP_VIDEO_TEST_TIER") == "fast"
FAST_SHARE = 5  # the fast tier tries 1 in this many
FAST_DEFAULT = 20  # examples of a property that names no count (Hypothesis tries 100)


def examples(count: int) -> int:
    """`count` examples, or a fifth of them (at least 10) in the fast tier."""
    return max(10, count // FAST_SHARE) if FAST_TIER else count
