"""The example reverse-proxy config (packaging/server/nginx.conf): nginx accepts it, and in
front of a real `rep-video serve` it terminates TLS, keeps the app's security headers, adds
HSTS, passes Range requests and tus uploads through, and hides the internal blob location."""

from __future__ import annotations

import io
import re
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rep_video.cli import main as cli_main
from tests.packaging.nginx_support import (
    CONF,
    find_nginx,
    localized_site,
    nginx_argv,
    running_nginx,
)
from tests.support.clips import make_clip
from tests.support.server_process import free_port, running_server

NGINX = find_nginx()
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (.ci/run installs nginx-light)"
)


def test_nginx_accepts_the_example_config(tmp_path: Path) -> None:
    assert NGINX is not None
    site = localized_site(tmp_path / "nginx")
    out = subprocess.run(nginx_argv(NGINX, site, "-t"), capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "syntax is ok" in out.stderr and "test is successful" in out.stderr


def test_nginx_rejects_a_broken_copy(tmp_path: Path) -> None:
    # The check above can fail: a config missing its certificate is refused.
    assert NGINX is not None
    site = localized_site(tmp_path / "nginx")
    site.cert.unlink()
    out = subprocess.run(nginx_argv(NGINX, site, "-t"), capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "fullchain.pem" in out.stderr


def test_blob_location_is_internal_and_keeps_security_headers() -> None:
    text = CONF.read_text(encoding="utf-8")
    block = re.search(r"location /_rv_blobs/ \{(.*?)\n        \}", text, re.S)
    assert block, "the X-Accel-Redirect location is missing"
    body = block.group(1)
    assert re.search(r"^\s*internal;", body, re.M)
    for header in (
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Robots-Tag",
        "Content-Security-Policy",
        "Strict-Transport-Security",
    ):
        assert f"add_header {header} " in body, header
    # The forwarded client address is replaced, never appended to (the app rate-limits by it).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text


@pytest.mark.e2e
def test_nginx_in_front_of_the_real_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert NGINX is not None
    https_port, http_port = free_port(), free_port()
    public_url = f"https://127.0.0.1:{https_port}"
    clip = make_clip(tmp_path / "clip.mp4", duration=3.0)
    with running_server(tmp_path / "srv", env={"REP_VIDEO_SERVER_PUBLIC_URL": public_url}) as srv:
        site = localized_site(
            tmp_path / "nginx", http_port=http_port, https_port=https_port, upstream_port=srv.port
        )
        tls = ssl.create_default_context(cafile=str(site.cert))
        with running_nginx(NGINX, site), httpx.Client(verify=tls, timeout=30) as web:
            # HTTP goes to HTTPS.
            r = httpx.get(f"http://127.0.0.1:{http_port}/s/x", follow_redirects=False)
            assert r.status_code == 301
            assert r.headers["location"] == "https://127.0.0.1/s/x"

            assert web.get(f"{public_url}/healthz").status_code == 200
            # The internal location cannot be reached from outside.
            (site.data_dir / "blobs" / "probe.txt").write_text("secret")
            assert web.get(f"{public_url}/_rv_blobs/probe.txt").status_code == 404

            # A rep publishes through the proxy: tus upload, publish, link on the proxy's URL.
            token = srv.create_token("alice")
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.cert))
            monkeypatch.setenv("SSL_CERT_FILE", str(site.cert))
            monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))
            add = ["targets", "add", "acme", "--kind", "server", "--url", public_url]
            assert cli_main([*add, "--token-stdin"]) == 0
            capsys.readouterr()
            code = cli_main(
                [
                    "send",
                    str(clip),
                    "--to",
                    "Dr. Test",
                    "--from-name",
                    "Alex Rep",
                    "--target",
                    "acme",
                ]
            )
            out = capsys.readouterr()
            assert code == 0, out.err
            link = out.out.strip().splitlines()[-1]
            assert link.startswith(f"{public_url}/s/")

            page = web.get(link)
            assert page.status_code == 200
            assert "Dr. Test" in page.text
            # The app's own per-page CSP passes through once; nginx adds HSTS.
            assert page.headers.get_list("content-security-policy") == [
                page.headers["content-security-policy"]
            ]
            assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
            assert page.headers["x-content-type-options"] == "nosniff"
            assert page.headers["referrer-policy"] == "no-referrer"
            assert page.headers["strict-transport-security"].startswith("max-age=")

            video = f"{link}/media/video.mp4"
            full = web.get(video)
            assert full.status_code == 200 and full.content[4:8] == b"ftyp"
            probe = web.get(video, headers={"Range": "bytes=0-1"})  # what Safari sends first
            assert probe.status_code == 206
            assert probe.content == full.content[:2]
            assert probe.headers["content-range"] == f"bytes 0-1/{len(full.content)}"
            tail = web.get(video, headers={"Range": "bytes=-100"})
            assert tail.status_code == 206 and tail.content == full.content[-100:]
            too_far = web.get(video, headers={"Range": f"bytes={len(full.content) + 10}-"})
            assert too_far.status_code == 416
            assert "immutable" in full.headers["cache-control"]
            assert full.headers["x-content-type-options"] == "nosniff"

            # The access log keeps neither the share token nor the client's address.
            log = (site.root / "logs" / "rep-video.access.log").read_text()
            share_token = link.rsplit("/", 1)[-1]
            assert "/s/<token>/media/video.mp4" in log
            assert share_token not in log and "127.0.0.1" not in log
