"""Run the example nginx site (packaging/server/nginx-site.conf) for real, enabled in a minimal
nginx.conf of the distribution's shape: a test certificate made at test time, the machine paths
of the example replaced by temp ones, ports chosen free."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rep_video.child_process import stop_child
from tests.packaging.support import PACKAGING

SITE = PACKAGING / "server" / "nginx-site.conf"


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for share.example.com, localhost and 127.0.0.1 (made with
    `cryptography` when installed, else with the openssl command)."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return _make_cert_openssl(directory)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "share.example.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("share.example.com"),
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _make_cert_openssl(directory: Path) -> tuple[Path, Path]:
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "1", "-subj", "/CN=share.example.com",
         "-addext", "subjectAltName=DNS:share.example.com,DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key_path), "-out", str(cert_path)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert_path, key_path


@dataclass
class NginxSite:
    root: Path
    conf: Path
    cert: Path
    data_dir: Path
    http_port: int = 0
    https_port: int = 0
    # nginx's prefix (relative paths, such as the distribution's modules, start there).
    prefix: Path | None = None


def _replace(text: str, old: str, new: str, name: str = SITE.name) -> str:
    # Every placeholder must still be in the example: a renamed one would silently test less.
    assert old in text, f"{old!r} is no longer in {name}; update the test"
    return text.replace(old, new)


# What a distribution's nginx.conf gives every site (Debian's, less what the test cannot
# use): the site must work inside it without a directive of its own outside `http`.
MINIMAL_CONF = """\
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log;

events {{
    worker_connections 256;
}}

http {{
    {mime}default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    gzip on;
    access_log {root}/logs/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    include {root}/sites-enabled/*;
}}
"""

DISTRIBUTION_CONF = Path("/etc/nginx/nginx.conf")


def _localized_site_text(
    root: Path, cert: Path, key: Path, http_port: int, https_port: int, upstream_port: int
) -> str:
    text = SITE.read_text(encoding="utf-8")
    text = _replace(text, "/etc/letsencrypt/live/share.example.com/fullchain.pem", str(cert))
    text = _replace(text, "/etc/letsencrypt/live/share.example.com/privkey.pem", str(key))
    text = _replace(text, "/var/log/nginx/", f"{root}/logs/")
    text = _replace(text, "/var/lib/rep-video/", f"{root}/data/")
    text = _replace(text, "/var/www/letsencrypt", f"{root}/acme")
    if http_port:
        text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
        text = _replace(text, "listen [::]:80;", "")
    if https_port:
        text = _replace(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        text = _replace(text, "listen [::]:443 ssl http2;", "")
    if upstream_port:
        text = _replace(text, "server 127.0.0.1:8765;", f"server 127.0.0.1:{upstream_port};")
    return text


def localized_site(
    root: Path, *, http_port: int = 0, https_port: int = 0, upstream_port: int = 0
) -> NginxSite:
    """The example site with temp paths (and, when given, local ports), enabled in a minimal
    nginx.conf of the distribution's shape."""
    for sub in ("logs", "data/blobs", "acme", "client_body", "proxy", "sites-enabled"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    cert, key = make_cert(root)
    site = _localized_site_text(root, cert, key, http_port, https_port, upstream_port)
    (root / "sites-enabled" / "rep-video").write_text(site, encoding="utf-8")
    mime = Path("/etc/nginx/mime.types")
    conf = root / "nginx.conf"
    conf.write_text(
        MINIMAL_CONF.format(
            root=root,
            # Workers keep the test's user: a non-root nginx cannot change user, and a root
            # one would otherwise drop to `nobody`, who cannot read the test's temp folders.
            user="user root;\n" if os.geteuid() == 0 else "",
            mime=f"include {mime};\n    " if mime.is_file() else "",
        ),
        encoding="utf-8",
    )
    return NginxSite(root, conf, cert, root / "data", http_port, https_port, prefix=root)


def site_in_distribution_conf(root: Path) -> NginxSite:
    """The example site enabled in this machine's own /etc/nginx/nginx.conf, its logs and pid
    moved to `root` (for `nginx -t`: the file must drop in beside what the distribution has)."""
    site = localized_site(root)
    text = DISTRIBUTION_CONF.read_text(encoding="utf-8")
    name = DISTRIBUTION_CONF.name
    text = _replace(text, "include /etc/nginx/sites-enabled/*;",
                    f"include {root}/sites-enabled/*;", name)  # fmt: skip
    text = text.replace("/run/nginx.pid", f"{root}/nginx.pid")
    text = text.replace("/var/log/nginx/", f"{root}/logs/")
    site.conf.write_text(text, encoding="utf-8")
    site.prefix = None  # the distribution's modules are relative to its compiled-in prefix
    return site


def nginx_argv(nginx: str, site: NginxSite, *extra: str) -> list[str]:
    return [
        nginx,
        "-c",
        str(site.conf),
        *(["-p", str(site.prefix)] if site.prefix else []),
        "-e",
        str(site.root / "logs" / "startup-error.log"),
        *extra,
    ]


@contextlib.contextmanager
def running_nginx(nginx: str, site: NginxSite) -> Iterator[subprocess.Popen[bytes]]:
    err_path = site.root / "logs" / "foreground.log"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            nginx_argv(nginx, site, "-g", "daemon off;"), stdout=err, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {err_path.read_text(errors='replace')}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", site.https_port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not start listening")
            time.sleep(0.05)
        yield proc
    finally:
        stop_child(proc)
