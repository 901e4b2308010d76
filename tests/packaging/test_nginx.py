"""The example nginx site (packaging/server/nginx-site.conf): a server block that drops into a
distribution's nginx.conf, which nginx accepts; in front of a real `rep-video serve` it
terminates TLS, keeps the app's security headers, adds HSTS, passes Range requests and tus
uploads through, and hides the internal blob location."""

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
from rep_video.server.settings import load_settings
from tests.packaging.nginx_support import (
    DISTRIBUTION_CONF,
    SITE,
    find_nginx,
    localized_site,
    nginx_argv,
    running_nginx,
    site_in_distribution_conf,
)
from tests.packaging.support import PACKAGING
from tests.server.helpers import attachment, auth, create_and_publish, manifest
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


@pytest.mark.skipif(
    not DISTRIBUTION_CONF.is_file()
    or "include /etc/nginx/sites-enabled/*;" not in DISTRIBUTION_CONF.read_text(),
    reason="no Debian-style /etc/nginx/nginx.conf with sites-enabled",
)
def test_the_site_drops_into_the_distributions_own_nginx_conf(tmp_path: Path) -> None:
    # What an admin does: the distribution's nginx.conf unchanged, the site in sites-enabled.
    # A directive the distribution already sets at the top (sendfile, mime types, a log)
    # would be a "duplicate" here and stop nginx from reloading.
    assert NGINX is not None
    site = site_in_distribution_conf(tmp_path / "nginx")
    out = subprocess.run(nginx_argv(NGINX, site, "-t"), capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "test is successful" in out.stderr


def test_the_site_is_a_server_block_not_a_whole_nginx_conf() -> None:
    # Directives a distribution's nginx.conf owns: outside `http`, or set once at its top.
    text = re.sub(r"#.*", "", SITE.read_text(encoding="utf-8"))
    for directive in ("user", "pid", "error_log", "worker_processes", "events", "http",
                      "include", "sendfile", "default_type"):  # fmt: skip
        assert not re.search(rf"^\s*{directive}\b", text, re.M), directive
    assert len(re.findall(r"^server \{", text, re.M)) == 2  # HTTP redirect + HTTPS


def test_nginx_rejects_a_broken_copy(tmp_path: Path) -> None:
    # The check above can fail: a config missing its certificate is refused.
    assert NGINX is not None
    site = localized_site(tmp_path / "nginx")
    site.cert.unlink()
    out = subprocess.run(nginx_argv(NGINX, site, "-t"), capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "fullchain.pem" in out.stderr


def test_blob_location_is_internal_and_keeps_security_headers() -> None:
    text = SITE.read_text(encoding="utf-8")
    block = re.search(r"location /_rv_blobs/ \{(.*?)\n    \}", text, re.S)
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


def _unit_env(text: str) -> dict[str, str]:
    return dict(re.findall(r"^Environment=(REP_VIDEO_SERVER_\w+)=(.*)$", text, re.M))


def test_the_accel_drop_in_hands_media_to_the_example_location() -> None:
    # The unit alone streams media (nothing in front is assumed); its nginx-accel drop-in sets
    # the X-Accel-Redirect prefix, which must be this site's internal location, and that
    # location's alias the unit's data folder's blobs.
    server = PACKAGING / "server"
    unit = _unit_env((server / "rep-video-server.service").read_text(encoding="utf-8"))
    assert "REP_VIDEO_SERVER_ACCEL_REDIRECT" not in unit
    drop_in = server / "rep-video-server.service.d" / "nginx-accel.conf"
    env = {**unit, **_unit_env(drop_in.read_text(encoding="utf-8"))}
    prefix = env["REP_VIDEO_SERVER_ACCEL_REDIRECT"]
    text = SITE.read_text(encoding="utf-8")
    alias = re.search(rf"location {re.escape(prefix)} \{{.*?\n\s*alias (\S+);", text, re.S)
    assert alias, f"no location {prefix} with an alias in {SITE.name}"
    assert alias.group(1) == env["REP_VIDEO_SERVER_DATA_DIR"] + "/blobs/"
    assert load_settings(env=env).accel_redirect == prefix  # the server accepts it


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


@pytest.mark.e2e
def test_nginx_sends_the_media_the_app_hands_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # REP_VIDEO_SERVER_ACCEL_REDIRECT: the app checks the link, then answers with
    # X-Accel-Redirect and an empty body; nginx sends the file from the data folder.
    assert NGINX is not None
    https_port, http_port = free_port(), free_port()
    public_url = f"https://127.0.0.1:{https_port}"
    root = tmp_path / "nginx"
    video = make_clip(tmp_path / "clip.mp4", duration=2.0, size=(320, 180))
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    evil = tmp_path / "evil.html"
    evil.write_text("<script>alert(document.domain)</script>")
    spaced = "Dosing guide (v2).pdf"  # quoted in the redirect, decoded by nginx
    env = {
        "REP_VIDEO_SERVER_PUBLIC_URL": public_url,
        "REP_VIDEO_SERVER_ACCEL_REDIRECT": "/_rv_blobs/",
    }
    # The server's data folder is the one the localized example's alias points at.
    # Attachment files held by the share (the embedded server's mode), names nginx must decode.
    with running_server(root / "data", env=env, embedded=True) as srv:
        site = localized_site(
            root, http_port=http_port, https_port=https_port, upstream_port=srv.port
        )
        tls = ssl.create_default_context(cafile=str(site.cert))
        with running_nginx(NGINX, site), httpx.Client(verify=tls, timeout=30) as web:
            # The rep uploads through nginx too (tus, with the test certificate).
            monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.cert))
            rep = srv.create_token("rita")
            m = manifest(
                attachments=(
                    attachment(spaced, id="guide"),
                    attachment("evil.html", id="evil"),
                    attachment("old.pdf", id="old", expired=True),
                )
            )
            files = {
                "video.mp4": video,
                f"files/{spaced}": leaflet,
                "files/evil.html": evil,
                "files/old.pdf": leaflet,
            }
            share = create_and_publish(srv.url, rep, files, m)
            assert share["url"].startswith(f"{public_url}/s/")
            path = share["url"][len(public_url) :]

            # Straight to the app: a hand-over, not the bytes.
            direct = httpx.get(f"{srv.url}{path}/media/video.mp4")
            assert direct.status_code == 200 and direct.content == b""
            key = f"shares/{share['id']}/video.mp4"
            assert direct.headers["x-accel-redirect"] == f"/_rv_blobs/{key}"

            data = video.read_bytes()
            size = len(data)
            url = f"{share['url']}/media/video.mp4"
            full = web.get(url)
            assert full.status_code == 200 and full.content == data
            # nginx's static handler answered (the app never sends Last-Modified), the hand-over
            # stayed inside, and the app's type and caching survived the redirect.
            assert "last-modified" in full.headers
            assert "x-accel-redirect" not in full.headers
            assert full.headers["content-type"] == "video/mp4"
            assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert full.headers["x-content-type-options"] == "nosniff"
            assert full.headers["strict-transport-security"].startswith("max-age=")

            probe = web.get(url, headers={"Range": "bytes=0-1"})  # what Safari sends first
            assert probe.status_code == 206 and probe.content == data[:2]
            assert probe.headers["content-range"] == f"bytes 0-1/{size}"
            middle = web.get(url, headers={"Range": "bytes=1000-4999"})
            assert middle.status_code == 206 and middle.content == data[1000:5000]
            tail = web.get(url, headers={"Range": "bytes=-100"})
            assert tail.status_code == 206 and tail.content == data[-100:]
            assert web.get(url, headers={"Range": f"bytes={size}-"}).status_code == 416
            cached = web.get(url, headers={"If-None-Match": full.headers["etag"]})
            assert cached.status_code == 304
            head = web.head(url)
            assert head.status_code == 200 and int(head.headers["content-length"]) == size

            guide = web.get(f"{share['url']}/media/files/{spaced}")
            assert guide.status_code == 200 and guide.content == leaflet.read_bytes()
            assert guide.headers["content-type"] == "application/pdf"
            assert guide.headers["content-disposition"] == f'inline; filename="{spaced}"'
            # The app's verdict on a file a browser would run wins over nginx's mime types.
            html = web.get(f"{share['url']}/media/files/evil.html")
            assert html.status_code == 200
            assert html.headers["content-type"] == "application/octet-stream"
            assert html.headers["content-disposition"] == 'attachment; filename="evil.html"'
            # The app's checks still decide: an expired approval, then a revoked share.
            assert web.get(f"{share['url']}/media/files/old.pdf").status_code == 410
            revoked = httpx.post(f"{srv.url}/api/v1/shares/{share['id']}/revoke", headers=auth(rep))
            assert revoked.status_code == 200
            gone = web.get(url, headers={"Range": "bytes=0-1"})
            assert gone.status_code == 410 and gone.content != data[:2]
            assert web.get(share["url"]).status_code == 410
