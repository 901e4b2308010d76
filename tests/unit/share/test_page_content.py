"""The policy's page content on every target's page: Markdown-lite rendered safely (only
paragraphs, bold and http(s)/mailto links; everything else escaped), the analytics notice
and script by mode, and the local policy file's errors. The folder target's pages carrying
that file's content: tests/unit/targets/test_folder_pages.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from rep_video.errors import UserError
from rep_video.share.local_policy import local_page_content
from rep_video.share.manifest import Person
from rep_video.share.page import PageContext, render_share_page
from rep_video.share.page_content import Notice, PageContent, markdown_line, markdown_lite

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
