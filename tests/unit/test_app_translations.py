"""The app's translation files are current and complete: resources/i18n/rep_video_de.ts is what
pyside6-lupdate makes of ui/ today (a new, changed or removed string fails until
scripts/app_translations.py is run), every entry is translated with the same {fields}, the
committed .qm is the compiled .ts, and no user-visible text in ui/ skips translate()."""

from __future__ import annotations

import ast
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator

from ui.i18n import APP_LANGUAGES, CATALOG_PREFIX

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
sys.path.insert(0, str(ROOT / "scripts"))
import app_translations  # noqa: E402


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()  # noqa: S314 (our own file)
    return [
        (ctx.findtext("name", ""), msg.findtext("source", ""), msg.find("translation"))  # type: ignore[misc]
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


def _fields(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}|%\d", text))


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_ts_is_what_lupdate_makes_of_the_source_today(lang: str, tmp_path: Path) -> None:
    committed = I18N / f"{CATALOG_PREFIX}{lang}.ts"
    fresh = tmp_path / committed.name
    shutil.copy2(committed, fresh)
    app_translations.lupdate(fresh)
    assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "ui/ strings changed: run scripts/app_translations.py and translate what is new"
    )


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_every_string_is_translated_with_its_fields(lang: str) -> None:
    messages = _messages(I18N / f"{CATALOG_PREFIX}{lang}.ts")
    assert len(messages) > 300
    for ctx, source, translation in messages:
        assert translation is not None and translation.get("type") is None, (ctx, source)
        assert (translation.text or "").strip(), (ctx, source)
        assert _fields(translation.text or "") == _fields(source), (ctx, source)


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_qm_is_the_compiled_ts_and_loads(lang: str, tmp_path: Path) -> None:
    ts = I18N / f"{CATALOG_PREFIX}{lang}.ts"
    qm = tmp_path / "fresh.qm"
    app_translations.lrelease(ts, qm)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run scripts/app_translations.py"
    translator = QTranslator()
    assert translator.load(QLocale(lang), "rep_video", "_", str(I18N))
    ctx, source, translation = _messages(ts)[0]
    assert translator.translate(ctx, source) == translation.text


# Calls whose string arguments a rep sees (Qt setters and ui.layouts' helpers).
SHOWN = {
    "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setAccessibleName",
    "setAccessibleDescription", "setTitle", "setSuffix", "setPrefix", "addItem", "addRow",
    "addButton", "setHeaderLabels", "QLabel", "QPushButton", "QCheckBox", "QGroupBox",
    "QRadioButton", "label", "button", "line_edit", "named", "set_headline", "emit",
    "UserError", "Problem", "ask",
}  # fmt: skip
# Strings in those calls that are not words: formats, names of things, keys.
NOT_WORDS = re.compile(
    r"^[\W\d_]*$|^(RepVideo|https?://.*|/path/.*|my-bucket|Ctrl\+\w|[a-z0-9._]+)$"
)


def _untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    translated = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "translate"
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SHOWN:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            for part in ast.walk(arg) if isinstance(arg, ast.JoinedStr | ast.BinOp) else [arg]:
                text = part.value if isinstance(part, ast.Constant) else None
                if id(part) in translated:
                    continue
                if isinstance(text, str) and text.strip() and not NOT_WORDS.match(text.strip()):
                    found.append(f"{path.name}:{node.lineno}: {text!r}")
    return found


def test_no_shown_text_in_ui_skips_translate() -> None:
    found = [hit for path in sorted((ROOT / "ui").glob("*.py")) for hit in _untranslated(path)]
    assert not found, "wrap in translate(context, text):\n" + "\n".join(found)


def test_contexts_and_marked_texts_are_literals() -> None:
    """lupdate reads only literals: a context in a variable, or QT_TRANSLATE_NOOP over a
    loop's variable, leaves the text out of the catalog (and English on screen)."""
    bad = []
    for path in sorted((ROOT / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", "") if isinstance(node, ast.Call) else ""
            if name not in ("translate", "QT_TRANSLATE_NOOP") or path.name == "i18n.py":
                continue
            assert isinstance(node, ast.Call)
            literal = [isinstance(a, ast.Constant) for a in node.args[:2]]
            if not literal[0] or (name == "QT_TRANSLATE_NOOP" and not literal[1]):
                bad.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert not bad, "\n".join(bad)
