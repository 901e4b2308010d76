"""The parts that cannot be built here (macOS bundle, Windows installer) checked for what can
be checked: the spec is valid Python naming files that exist, the bundle's Info.plist carries
the camera and microphone usage strings (macOS kills the app without them), the signing
entitlements allow the devices, and the installer script agrees with the spec on names and
paths."""

from __future__ import annotations

import ast
import plistlib
import re

from tests.packaging.support import PACKAGING

SPEC = PACKAGING / "rep-video.spec"
ISS = PACKAGING / "windows" / "rep-video.iss"


def _spec_constant(name: str) -> str:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            assert isinstance(node.value, ast.Constant)
            return str(node.value.value)
    raise AssertionError(f"{name} not assigned in the spec")


def test_spec_is_python_and_names_files_that_exist() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text)
    for relative in re.findall(r'HERE / "([\w.-]+)"(?: / "([\w.-]+)")?', text):
        path = PACKAGING.joinpath(*[p for p in relative if p])
        assert path.exists(), path


def test_macos_bundle_declares_camera_and_microphone_use() -> None:
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    for key in ("NSCameraUsageDescription", "NSMicrophoneUsageDescription"):
        assert len(info[key]) > 40, key  # a real sentence: macOS shows it to the rep
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+){2,}", info["CFBundleIdentifier"])
    assert "CFBundleExecutable" not in info  # PyInstaller sets it to the windowed launcher


def test_macos_entitlements_allow_the_devices_under_the_hardened_runtime() -> None:
    ent = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert ent["com.apple.security.device.camera"] is True
    assert ent["com.apple.security.device.audio-input"] is True
    assert not ent.get("com.apple.security.cs.disable-library-validation")


def test_windows_installer_matches_the_spec() -> None:
    iss = ISS.read_text(encoding="utf-8")
    app_name = _spec_constant("APP_NAME")
    windowed = _spec_constant("WINDOWED_NAME")
    assert f'#define AppExe "{windowed}.exe"' in iss
    assert f'#define CliExe "{app_name}.exe"' in iss
    assert f'#define DistDir "..\\dist\\{app_name}"' in iss
    # icons.py writes the .ico into the spec's work folder: packaging/build/<spec name>/icons.
    assert f"SetupIconFile=..\\build\\{app_name}\\icons\\{app_name}.ico" in iss
    appid = re.search(r"^AppId=\{\{([0-9A-F-]{36})\}", iss, re.M)
    assert appid, "AppId must stay a fixed GUID: upgrades find the installed copy by it"
    assert appid.group(1) in (PACKAGING.parent / "docs" / "PACKAGING.md").read_text()
    assert "{commonappdata}\\{#AppName}" in iss and "admin.toml" in iss
