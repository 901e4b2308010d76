"""The size rules of docs/ARCHITECTURE.md, checked on the source: no function in `rep_video/`
or `ui/` takes more than 7 parameters, and no module there is over 400 lines.

How parameters count: every named parameter (positional-only, ordinary, keyword-only) counts
once, `self` / `cls` as the first parameter of a function defined in a class do not; `*args`
and `**kwargs` count one each (each is one more way in), a bare `*` (the keyword-only marker)
counts nothing. Lambdas count the same way. The fix for a long list is a small frozen dataclass
for the values that travel together, not a dict."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rep_video", "ui")
MAX_PARAMETERS = 7
MAX_LINES = 400

Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def parameter_count(node: Function, *, in_class: bool) -> int:
    args = node.args
    named = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if in_class and named and named[0] in ("self", "cls"):
        named = named[1:]
    return len(named) + (args.vararg is not None) + (args.kwarg is not None)


def functions(tree: ast.Module) -> list[tuple[Function, bool]]:
    """Every function and lambda, with whether it is defined directly in a class body."""
    found: list[tuple[Function, bool]] = []

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, Function):
                found.append((child, in_class))
            visit(child, isinstance(child, ast.ClassDef))

    visit(tree, False)
    return found


def too_many_parameters(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root).as_posix()
    return [
        f"{where}:{node.lineno} {getattr(node, 'name', 'lambda')} takes {n}"
        for node, in_class in functions(tree)
        if (n := parameter_count(node, in_class=in_class)) > MAX_PARAMETERS
    ]


def test_the_rules_see_the_whole_tree() -> None:
    assert len(sources()) > 150


def test_no_function_takes_more_than_seven_parameters() -> None:
    found = [line for path in sources() for line in too_many_parameters(path)]
    assert found == [], "\n".join(found)


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("def f(a, b, /, c, *, d): pass", 4),
        ("def f(*args, **kwargs): pass", 2),
        ("def f(a, *rest, k=1, **more): pass", 4),
        ("class C:\n    def m(self, a): pass\n    @classmethod\n    def n(cls, a, b): pass", 3),
        ("def self_is_a_name_here(self, a): pass", 2),  # outside a class it is a parameter
        ("g = lambda a, b, *c: a", 3),
    ],
)
def test_how_parameters_count(source: str, count: int) -> None:
    tree = ast.parse(source)
    assert sum(parameter_count(n, in_class=c) for n, c in functions(tree)) == count


def test_a_long_signature_is_found(tmp_path: Path) -> None:
    bad = tmp_path / "rep_video" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("class C:\n    def m(self, a, b, c, d, e, f, g, *h): pass\n", encoding="utf-8")
    assert too_many_parameters(bad, tmp_path) == ["rep_video/bad.py:2 m takes 8"]
