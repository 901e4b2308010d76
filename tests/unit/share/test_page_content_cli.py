"""Required page content through the command line: `rep-video send` to a folder target takes
the safety information, the adverse-event line and the HCP gate (and the analytics notice)
from the POLICY.toml the admin file names (`policy.file`); a broken policy file stops the send
with one line naming it (exit 2), the video kept in the outbox until it is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AdminFile
from tests.support.policy_file import POLICY_TOML
from tests.unit.share.test_send_cli import rep_video

BASE = ("--to", "Dr. Jane Smith", "--from-name", "Alex Rep")


@pytest.mark.process
def test_send_puts_the_admins_page_content_on_the_page(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    policy.chmod(0o644)
    admin_file(f'[policy]\nfile = "{policy}"\n')
    target = tmp_path / "out"
    out = rep_video("send", str(sample_clip), *BASE, "--target", f"folder:{target}")
    assert out.returncode == 0, out.stderr
    html = Path(out.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    assert '<a href="mailto:safety@acme.example"' in html
    for code in ("ISI-7", "AE-7", "HCP-7"):
        assert code in html
    assert "This site is for healthcare professionals only" in html and 'id="hcp-ok"' in html
    assert "Your viewing of this page is not measured." in html  # a folder records nothing
    assert len(html.encode("utf-8")) <= 100 * 1024


@pytest.mark.process
def test_a_broken_policy_file_stops_the_send_naming_it(
    sample_clip: Path, rep_video_home: Path, tmp_path: Path, admin_file: AdminFile
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('analytics = "everything"\n', encoding="utf-8")
    policy.chmod(0o644)
    admin_file(f'[policy]\nfile = "{policy}"\n')
    target = tmp_path / "out"
    out = rep_video("send", str(sample_clip), *BASE, "--target", f"folder:{target}")
    # Found when the link is reserved: the video waits in the outbox until the file is fixed.
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("rep-video:")]
    assert len(lines) == 1 and f"the policy file {policy}: analytics" in lines[0]
    assert "rep-video outbox retry 1" in lines[0] and not list(target.glob("*/index.html"))
    policy.write_text(POLICY_TOML, encoding="utf-8")
    retried = rep_video("outbox", "retry", "1")
    assert retried.returncode == 0, retried.stderr
    pages = list(target.glob("*/index.html"))
    assert len(pages) == 1 and "ISI-7" in pages[0].read_text(encoding="utf-8")
