"""Every setting and target parameter is documented in docs/ADMIN.md (Datasette's
test_docs.py idea): adding a key without documenting it fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video import config

ADMIN_MD = Path(__file__).resolve().parents[3] / "docs" / "ADMIN.md"
PARAMS = sorted({p for params in config.TARGET_PARAMS.values() for p in params} | {"kind"})


@pytest.mark.parametrize("key", [s.key for s in config.SETTINGS])
def test_every_setting_is_in_the_reference_table(key: str) -> None:
    assert f"| `{key}` |" in ADMIN_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize("param", PARAMS)
def test_every_target_parameter_is_documented(param: str) -> None:
    assert f"| `{param}` |" in ADMIN_MD.read_text(encoding="utf-8")


def test_documented_defaults_match_the_code() -> None:
    text = ADMIN_MD.read_text(encoding="utf-8")
    for spec in config.SETTINGS:
        if isinstance(spec.default, int) and not isinstance(spec.default, bool):
            assert f"| `{spec.key}` | whole number | `{spec.default}` |" in text
