"""The app's own words in the rep's language: Qt translators for the OS locale.

Every user-visible string in ui/ goes through `translate(context, text)` with a literal context
per module (PySide6's `self.tr` takes its context from the Python class at run time, which
lupdate cannot see, and differs in subclasses). `python3 scripts/app_translations.py` runs
pyside6-lupdate into resources/i18n/rep_video_<lang>.ts and pyside6-lrelease into the .qm the
app loads; both are committed, so a source checkout, a wheel and the frozen build load the
same file. Qt's own dialogs (file picker, standard buttons) use the qtbase catalog PySide6
ships, when it has one for the language.

Boundary: the core (rep_video/) never imports Qt and writes its messages (a server's refusal, a
file it cannot read) in English, as the CLI and the logs show them; the app shows those inside
a translated sentence ("Could not send: {reason}"), so the rep always reads what to do in
their language and the exact reason as support will see it in the logs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from rep_video.resources import resource_path

translate = QCoreApplication.translate

# The languages the app ships besides its source language, English.
APP_LANGUAGES = ("de",)
CATALOG_PREFIX = "rep_video_"


def catalog_dir() -> str:
    return str(resource_path("i18n"))


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Load the app's and Qt's catalogs for `locale` (the OS locale by default) into `app`.
    English, or a language without a catalog, installs nothing: the source strings show."""
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(locale, "rep_video", "_", catalog_dir()):
        installed.append(ours)
        # Qt's own words only with ours: a German Qt file dialog in an English app reads wrong.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load(locale, "qtbase", "_", qt_dir):
            installed.append(qtbase)
    for translator in installed:
        app.installTranslator(translator)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks a module-level constant for lupdate; translated where it is shown, with
    `translate(context, CONSTANT)` (at import time no translator is installed yet)."""
    return text
