"""Building shares for the server tests: a manifest, declared files, uploads with tuspy."""

from __future__ import annotations

import hashlib
import socket
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from tusclient import client as tus_client

from rep_video.share.manifest import AttachmentRef, Person, ShareManifest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(
    *, attachments: tuple[AttachmentRef, ...] = (), expires_in_days: int | None = 30
) -> ShareManifest:
    now = datetime.now(UTC)
    return ShareManifest(
        token="client-side-token-is-ignored",
        recipient=Person("Dr. Ada Lovelace"),
        rep=Person("Rita Rep", email="rita@example.com"),
        message="Thanks for your time today.",
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        duration=4.0,
        poster=None,
        preview=None,
        attachments=attachments,
    )


def attachment(file_name: str, *, expired: bool = False, id: str = "leaflet") -> AttachmentRef:
    expires = date.today() - timedelta(days=1) if expired else date.today() + timedelta(days=30)
    return AttachmentRef(
        id=id,
        title=f"Leaflet {id}",
        kind="pdf",
        approval_code="APP-123",
        version="2",
        expires_on=expires,
        file_name=file_name,
    )


def create_body(m: ShareManifest, files: dict[str, Path]) -> dict[str, Any]:
    return {
        "manifest": m.to_dict(),
        "files": [
            {"name": name, "size": p.stat().st_size, "sha256": sha256(p)}
            for name, p in files.items()
        ],
    }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tus_upload(
    upload_url: str, token: str, share_id: str, name: str, path: Path, chunk_size: int = 256_000
) -> str:
    """Upload with the real tuspy client; returns the upload URL."""
    tc = tus_client.TusClient(upload_url, headers=auth(token))
    with open(path, "rb") as stream:  # tuspy leaves files it opens itself unclosed
        uploader = tc.uploader(
            file_stream=stream,
            chunk_size=chunk_size,
            metadata={"share": share_id, "name": name},
            upload_checksum=True,
        )
        uploader.upload()
    return str(uploader.url)


def create_and_publish(
    base: str, token: str, files: dict[str, Path], m: ShareManifest | None = None
) -> dict[str, Any]:
    created = httpx.post(
        f"{base}/api/v1/shares", json=create_body(m or manifest(), files), headers=auth(token)
    )
    assert created.status_code == 201, created.text
    share: dict[str, Any] = created.json()
    for name, path in files.items():
        tus_upload(share["upload_url"], token, share["id"], name, path)
    published = httpx.post(
        f"{base}/api/v1/shares/{share['id']}/publish", headers=auth(token), timeout=60
    )
    assert published.status_code == 200, published.text
    return share


def cut_patch(url: str, token: str, offset: int, data: bytes, send: int) -> None:
    """A PATCH that announces len(data) bytes, sends only `send`, then drops the connection
    (what a Wi-Fi drop looks like to the server)."""
    parts = urlsplit(url)
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
        f"Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head + data[:send])
        time.sleep(0.3)
