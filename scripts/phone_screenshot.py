"""Screenshot of the share page as a physician's phone shows it, for the README.

    .venv/bin/python scripts/phone_screenshot.py [OUT.png]

Sends a generated clip with approved attachments to a folder target through the real
`rep-video send` (the sample policy's safety information on the page), serves the folder on
127.0.0.1 and photographs the page in Debian's headless Chromium at 390×844 (iPhone 12-14
size). Writes docs/screenshots/phone-page.png by default.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE_VIEWPORT  # noqa: E402
from tests.support.clips import make_clip  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/screenshots/phone-page.png"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clip = make_clip(tmp / "clip.mp4", duration=6, size=(1280, 720))
        env = dict(os.environ, REP_VIDEO_HOME=str(tmp / "home"))
        # The sample policy's safety information and adverse-event line, as IT would set them.
        config = tmp / "home" / "config" / "config.toml"
        config.parent.mkdir(parents=True)
        policy = ROOT / "resources" / "catalog" / "sample-policy.toml"
        config.write_text(f"[policy]\nfile = {str(policy)!r}\n", encoding="utf-8")
        sent = subprocess.run(
            [sys.executable, "-m", "rep_video", "send", str(clip),
             "--to", "Dr. Ana Alvarez", "--from-name", "Rita Rep",
             "--from-role", "Medical Science Liaison", "--from-email", "rita.rep@acme.example",
             "--from-phone", "+1 555 0100",
             "--message", "Thank you for your time today, Dr. Alvarez. As promised, here is "
             "the dosing summary we discussed, and the patient support program.",
             "--attach", "onc-dosing-guide", "--attach", "patient-support",
             "--attach", "prescribing-info", "--target", f"folder:{tmp / 'site'}"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        index = Path(sent.stdout.strip().splitlines()[-1])
        handler = functools.partial(
            http.server.SimpleHTTPRequestHandler, directory=str(index.parent.parent)
        )
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/{index.parent.name}/index.html"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=PHONE_VIEWPORT, device_scale_factor=2,
                                    is_mobile=True, has_touch=True)  # fmt: skip
            page.goto(url, wait_until="networkidle")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            browser.close()
        server.shutdown()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
