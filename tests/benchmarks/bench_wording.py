#!/usr/bin/env python3
"""Restricted-word check benchmark (run by hand, not collected by pytest):

    python tests/benchmarks/bench_wording.py [--terms N] [--regexes N] [--runs N]

A list of 1 000 entries (950 word terms of one to three words, 50 regular expressions)
checks a 2 000-character message, mixed ASCII and accented, with some matches in it. Target:
≤ 10 ms per check (the check runs after each pause in typing, and again at send and on the
server). Measured in the same run:
  - the matcher (rep_video/content/restricted.py), list compiled once, as the app keeps it;
  - compiling the list (once per catalog load);
  - baseline: a naive loop, one case-insensitive `\\bterm` regular expression per word term
    (no accent or ending tolerance) plus the 50 regexes, i.e. what the check costs written
    the obvious way.
Prints Markdown for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rep_video.content.restricted import RestrictedList, RestrictedTerm  # noqa: E402

SYLLABLES = ("ca", "re", "mo", "ti", "lu", "sa", "ne", "fo", "ri", "da", "pé", "xo", "vi", "ké")
FILLER = (
    "Thank you for your time today, Dr. Müller. As promised, here is the short summary of the "
    "study we discussed, with the approved material below the video. Café tomorrow? "
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def build(n_terms: int, n_regexes: int, seed: int = 7) -> tuple[list[RestrictedTerm], str]:
    rng = random.Random(seed)

    def words() -> str:
        return " ".join(_word(rng) for _ in range(rng.randint(1, 3)))

    terms = [
        RestrictedTerm(words(), rng.choice(("block", "warn")), "a reason")
        for _ in range(n_terms - n_regexes)
    ]
    terms += [
        RestrictedTerm(rf"\b{_word(rng)}\s+(?:{_word(rng)}|{_word(rng)})\b", "warn", "r", True)
        for _ in range(n_regexes)
    ]
    parts: list[str] = []
    while sum(map(len, parts)) < 2000:
        parts.append(FILLER if rng.random() < 0.6 else rng.choice(terms[:50]).term.upper() + ". ")
    return terms, "".join(parts)[:2000]


def naive(terms: list[RestrictedTerm]) -> Callable[[str], int]:
    patterns = [
        re.compile(t.term if t.regex else rf"\b{re.escape(t.term)}", re.IGNORECASE) for t in terms
    ]

    def check(text: str) -> int:
        return sum(1 for p in patterns for _ in p.finditer(text))

    return check


def best_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(best wall ms, median wall ms, median CPU ms of this process). On a machine shared
    with other work the wall median includes waiting for a core; the CPU time does not."""
    wall, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return min(wall), statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--regexes", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    terms, text = build(args.terms, args.regexes)
    matcher = RestrictedList(terms)
    found = len(matcher.find(text))
    fresh = "x" + text[1:]  # not the same string object: no cache helps across runs
    compile_ms = best_ms(lambda: RestrictedList(terms), 20)
    ours = best_ms(lambda: matcher.find(fresh), args.runs)
    check = naive(terms)
    base = best_ms(lambda: check(fresh), max(20, args.runs // 10))
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Run of {datetime.now():%Y-%m-%d %H:%M}, load average {load}; "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{len(terms)} entries ({args.regexes} regexes), {len(text)}-character message, "
          f"{found} matches:\n")  # fmt: skip
    print("| step | best ms | median ms | median CPU ms | × the naive loop (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (best, median, cpu) in (
        ("naive loop, one regex per term (baseline)", base),
        ("**matcher.find (the check)**", ours),
        ("compiling the list (once per catalog)", compile_ms),
    ):
        print(f"| {name} | {best:.2f} | {median:.2f} | {cpu:.2f} | {cpu / base[2]:.2f} |")
    ok = ours[2] <= 10.0
    print(f"\nTarget ≤ 10 ms: {'met' if ok else 'NOT met'} ({ours[2]:.2f} ms CPU median, "
          f"{ours[1]:.2f} ms wall median, {ours[0]:.2f} ms best).")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
