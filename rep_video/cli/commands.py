"""How a command module declares its subcommands: a name, a one-line help, the function that
carries it out, and at most one positional argument — what most of them are."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

# Only for the type checker: argparse's class is not subscriptable when the module runs.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Run = Callable[[argparse.Namespace], int]


def command(
    sub: Subcommands,
    name: str,
    help_text: str,
    run: Run,
    takes: tuple[str, str] | None = None,
    *,
    optional: bool = False,
) -> argparse.ArgumentParser:
    """The parser of subcommand `name`, run by `run`. `takes` is its positional argument as
    (dest, metavar); `optional` lets it be left out."""
    parser = sub.add_parser(name, help=help_text)
    if takes is not None:
        dest, metavar = takes
        if optional:
            parser.add_argument(dest, metavar=metavar, nargs="?")
        else:
            parser.add_argument(dest, metavar=metavar)
    parser.set_defaults(func=run)
    return parser
