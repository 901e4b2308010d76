"""`rep-video` with no command: the desktop app. Qt is imported only here, lazily, and from
the `ui` package, so the core never imports PySide6 (docs/ARCHITECTURE.md, rule 1)."""

from __future__ import annotations

import argparse
import importlib


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("app", help="launch the desktop app (the default)")
    p.set_defaults(func=launch_app)


def launch_app(args: argparse.Namespace) -> int:
    ui_main = importlib.import_module("ui.main")
    return int(ui_main.run(demo_devices=bool(getattr(args, "demo_devices", False))))
