"""Sub-commands declared as data: a command's name, help, the function it runs and its
arguments in one call, with the options that say where its server is added last, as every
`admin` command takes them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeAlias

Arg = tuple[tuple[str, ...], dict[str, Any]]
# A string: the class is not subscriptable at run time.
Parsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def arg(*flags: str, **options: Any) -> Arg:
    """One `add_argument` call, kept until the command is made."""
    return flags, options


def group(sub: Parsers, name: str, help: str, dest: str, metavar: str = "ACTION") -> Parsers:
    """Command `name`, whose own sub-commands (`dest` says which one was given) follow it."""
    parser = sub.add_parser(name, help=help)
    return parser.add_subparsers(dest=dest, metavar=metavar, required=True)


def command(
    sub: Parsers,
    name: str,
    help: str,
    func: Callable[[argparse.Namespace], int],
    *args: Arg,
    where: Callable[[argparse.ArgumentParser], None],
) -> argparse.ArgumentParser:
    """Command `name` running `func`, with `args` in order, then the options `where` adds
    (which server: a target's name, or the server's own --data and --config)."""
    parser = sub.add_parser(name, help=help)
    for flags, options in args:
        parser.add_argument(*flags, **options)
    where(parser)
    parser.set_defaults(func=func)
    return parser
