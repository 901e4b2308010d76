"""The policy's page content on every target's page: Markdown-lite rendered safely (only
paragraphs, bold and http(s)/mailto links; everything else escaped), the analytics notice
and script by mode, and the folder target's static page carrying the local policy file's
content (admin config `policy.file`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.config import load_settings
from rep_video.errors import UserError
from rep_video.progress import CancelToken
from rep_video.share.local_policy import local_page_content
from rep_video.share.manifest import Person
from rep_video.share.page import PageContext, render_share_page
from rep_video.share.page_content import Notice, PageContent, markdown_line, markdown_lite
from rep_video.share.targets.folder import FolderTarget
from rep_video.share.targets.registry import get_target
from tests.unit.targets.test_folder_target import fake_package, publish

POLICY_TOML = """\
analytics = "aggregate"
[safety_information]
text = '''
**Boxed warning:** may cause <dizziness>.

Read the [leaflet](https://acme.example/leaflet) & ask.
'''
approval_code = "ISI-7"
[adverse_events]
text = "Report side effects: [safety@acme.example](mailto:safety@acme.example)"
approval_code = "AE-7"
[hcp_gate]
approval_code = "HCP-7"
"""


A = '<p><a href="%s" target="_blank" rel="noopener noreferrer">%s</a></p>'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("a **b** c", "<p>a <strong>b</strong> c</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>\ntwo</p>\n<p>three</p>"),
        ("[PI](https://x.example/p?a=1&b=2)", A % ("https://x.example/p?a=1&amp;b=2", "PI")),
        ("[m](mailto:a@b.example)", A % ("mailto:a@b.example", "m")),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[x](javascript:alert)", "<p>[x](javascript:alert)</p>"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>"),
        ("[x](https:/nohost)", "<p>[x](https:/nohost)</p>"),
        ('[a"b](https://x.example/"on=1)', A % ("https://x.example/&#34;on=1", "a&#34;b")),
        ("**unclosed and *single*", "<p>**unclosed and *single*</p>"),
        ("<b>**x**</b>", "<p>&lt;b&gt;<strong>x</strong>&lt;/b&gt;</p>"),
    ],
)  # fmt: skip
def test_markdown_lite_renders_only_its_three_things(text: str, html: str) -> None:
    assert str(markdown_lite(text)) == html


def test_a_line_of_markdown_lite_has_no_paragraphs() -> None:
    assert str(markdown_line("call\n**us**")) == "call <strong>us</strong>"


def _page(content: PageContent, *, beacon: bool = True) -> str:
    ctx = PageContext(
        "Dr. A", Person("Rita"), "hello", "video.mp4", content=content,
        beacon_url="/s/t/events" if beacon else None,
        refresh_url="/s/t/materials" if beacon else None,
    )  # fmt: skip
    return render_share_page(ctx)


@pytest.mark.parametrize(
    ("mode", "notice", "link"),
    [
        ("identified", "The sender sees when this page is opened", True),
        ("aggregate", "only as totals over all recipients", True),
        ("off", "Your viewing of this page is not measured.", False),
    ],
)
def test_the_notice_says_what_is_measured_in_each_mode(mode: str, notice: str, link: bool) -> None:
    html = _page(PageContent(analytics=mode))
    assert notice in html
    assert ('id="no-measure"' in html) is link
    assert ("<script>" in html) is (mode != "off")


def test_a_static_page_says_nothing_is_measured_and_runs_a_script_only_for_the_gate() -> None:
    plain = _page(PageContent(analytics="identified"), beacon=False)
    assert "Your viewing of this page is not measured." in plain and "<script>" not in plain
    gated = _page(PageContent(hcp_gate="HCP-1"), beacon=False)
    assert "<script>" in gated  # remembers the HCP's answer for the page
    assert "<script>" not in _page(PageContent(hcp_gate="HCP-1", analytics="off"), beacon=False)


def test_the_page_stays_small_with_the_longest_policy_texts() -> None:
    content = PageContent(
        Notice("**ISI** " + "w " * 1995, "ISI-1"), Notice("a" * 600, "AE-1"), "HCP-1"
    )
    html = _page(content)
    assert len(html.encode("utf-8")) <= 100 * 1024


def test_the_folder_targets_page_carries_the_local_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    target = FolderTarget("folder", tmp_path / "out")
    target.page_policy = policy
    html = publish(target, fake_package(tmp_path / "pkg")).read_text(encoding="utf-8")
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    assert '<a href="https://acme.example/leaflet"' in html and "&amp; ask." in html
    assert '<a href="mailto:safety@acme.example"' in html
    for code in ("ISI-7", "AE-7", "HCP-7"):
        assert code in html
    assert 'id="hcp-ok"' in html
    assert "Your viewing of this page is not measured." in html  # a folder records nothing


def test_the_folder_targets_on_its_way_page_carries_the_safety_block(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    target = FolderTarget("folder", tmp_path / "out")
    target.page_policy = policy
    reservation = target.reserve(fake_package(tmp_path / "pkg"))
    html = (tmp_path / "out" / reservation.token / "index.html").read_text(encoding="utf-8")
    assert "Your video is on its way" in html
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html
    assert "ISI-7" in html and "AE-7" in html
    assert 'id="hcp-ok"' not in html  # no video yet: nothing to gate


def test_the_folder_targets_no_longer_available_page_carries_the_safety_block(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    target = FolderTarget("folder", tmp_path / "out")
    target.page_policy = policy
    package = fake_package(tmp_path / "pkg")
    reservation = target.reserve(package)
    target.upload(package, reservation, lambda p: None, CancelToken())
    target.revoke(reservation)
    html = (tmp_path / "out" / reservation.token / "index.html").read_text(encoding="utf-8")
    assert "This video is no longer available" in html
    assert "<strong>Boxed warning:</strong> may cause &lt;dizziness&gt;." in html  # was none
    assert "ISI-7" in html and "AE-7" in html
    assert 'id="hcp-ok"' not in html  # nothing to gate
    # A policy file broken since: the link is revoked all the same, without the block.
    other = target.reserve(package)
    target.upload(package, other, lambda p: None, CancelToken())
    policy.write_text("analytics = [", encoding="utf-8")
    target.revoke(other)
    assert target.status(other).state == "revoked"


def test_the_registry_gives_folder_targets_the_admin_configs_policy_file(
    tmp_path: Path, admin_file: object
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    admin_file(f'[policy]\nfile = "{policy}"\n')  # type: ignore[operator]
    target = get_target(f"folder:{tmp_path / 'out'}", load_settings())
    assert target.page_policy == policy  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("analytics = [", "is not valid TOML"),
        ('analytics = "everything"', "analytics:"),
        ('[hcp_gate]\napproval_code = "H"', "hcp_gate.approval_code:"),
        ("surprise = 1", "surprise:"),
    ],
)
def test_a_bad_local_policy_file_is_one_line_naming_file_and_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"policy\.toml") as raised:
        local_page_content(path)
    assert problem in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(UserError, match="cannot read"):
        local_page_content(tmp_path / "missing.toml")
