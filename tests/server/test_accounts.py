"""Identity comes from the account: pages name the identity an admin set for the account, not
the manifest the rep's client sent; /api/v1/admin/accounts and /api/v1/admin/tokens (admin
only, every field checked); disabled accounts, revoked and expired tokens answer 401 at once
while live links keep working. Against the real server (in this process), SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from rep_video.server.db import ApiToken, Share, issue_api_token, utcnow
from rep_video.share.manifest import Person, ShareManifest
from tests.server.helpers import auth, create_and_publish, create_body, manifest
from tests.support.inprocess_server import InProcessServer, inprocess_server

ADMIN = "/api/v1/admin"


def _impostor_manifest() -> ShareManifest:
    """A manifest claiming to come from Rita, with Rita's contact details."""
    rita = Person("Rita Rep", email="rita@example.com", phone="+1 555 0100", role="KAM")
    return replace(manifest(), rep=rita)


def _account(server: InProcessServer, admin: str, name: str) -> dict[str, Any]:
    listed = httpx.get(f"{server.url}{ADMIN}/accounts", headers=auth(admin))
    assert listed.status_code == 200, listed.text
    return next(a for a in listed.json() if a["name"] == name)


def test_a_manifest_claiming_another_reps_name_shows_the_accounts_identity(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    admin = auth(tokens["admin"])
    added = httpx.post(
        f"{server.url}{ADMIN}/accounts",
        json={"name": "mallory", "display_name": "Mallory Miller", "role": "Sales Rep",
              "email": "mallory@example.com", "phone": "+44 20 7946 0000"},
        headers=admin,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    token = server.create_token("mallory")
    share = create_and_publish(server.url, token, {"video.mp4": small_clip}, _impostor_manifest())
    assert share["rep"] == "Mallory Miller"
    page = httpx.get(share["url"]).text
    assert "Mallory Miller" in page and "mallory@example.com" in page and "Sales Rep" in page
    assert "+44 20 7946 0000" in page
    assert "Rita Rep" not in page and "rita@example.com" not in page and "555 0100" not in page

    # The final manifest declared later is held to the same rule.
    reserved = httpx.post(
        f"{server.url}/api/v1/shares",
        json={"manifest": manifest().to_dict()},
        headers=auth(token),
    )
    assert reserved.status_code == 201, reserved.text
    declared = httpx.put(
        f"{server.url}/api/v1/shares/{reserved.json()['id']}/files",
        json=create_body(_impostor_manifest(), {"video.mp4": small_clip}),
        headers=auth(token),
    )
    assert declared.status_code == 200 and declared.json()["rep"] == "Mallory Miller"


def test_a_rep_cannot_publish_in_another_reps_name(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    """Otto's account has no identity set: his page names his account, not the Rita Rep his
    manifest claims (today's code showed the manifest's)."""
    share = create_and_publish(
        server.url, tokens["otto"], {"video.mp4": small_clip}, _impostor_manifest()
    )
    page = httpx.get(share["url"]).text
    assert "Rita Rep" not in page and "rita@example.com" not in page, page
    assert share["rep"] == "otto" and "otto" in page


def test_identity_changes_reach_new_shares_and_fields_clear(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    admin = auth(tokens["admin"])
    assert httpx.post(f"{server.url}{ADMIN}/accounts", json={"name": "sam"},
                      headers=admin).status_code == 201  # fmt: skip
    token = server.create_token("sam")
    # No display name yet: the account's name, none of the manifest's contact details.
    first = create_and_publish(server.url, token, {"video.mp4": small_clip}, _impostor_manifest())
    page = httpx.get(first["url"]).text
    assert first["rep"] == "sam" and "Rita Rep" not in page and "rita@example.com" not in page

    changed = httpx.patch(
        f"{server.url}{ADMIN}/accounts/sam",
        json={"display_name": "Sam Smith", "email": "sam@example.com", "role": "MSL"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["display_name"] == "Sam Smith"
    second = create_and_publish(server.url, token, {"video.mp4": small_clip}, _impostor_manifest())
    assert "sam@example.com" in httpx.get(second["url"]).text
    assert "Sam Smith" not in httpx.get(first["url"]).text  # a page keeps what it was sent with

    cleared = httpx.patch(f"{server.url}{ADMIN}/accounts/sam", json={"email": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["email"] is None
    assert cleared.json()["display_name"] == "Sam Smith"  # left out: unchanged
    third = create_and_publish(server.url, token, {"video.mp4": small_clip}, _impostor_manifest())
    page = httpx.get(third["url"]).text
    assert "Sam Smith" in page and "sam@example.com" not in page and "rita@" not in page


def test_an_admin_account_without_a_display_name_keeps_the_manifests_rep(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    """The desktop app's own server runs as one admin account: its rep's name still shows."""
    share = create_and_publish(server.url, tokens["admin"], {"video.mp4": small_clip})
    assert share["rep"] == "Rita Rep" and "Rita Rep" in httpx.get(share["url"]).text


def test_only_an_admin_manages_accounts_and_tokens(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    calls = [
        ("GET", "/accounts", None), ("POST", "/accounts", {"name": "eve"}),
        ("PATCH", "/accounts/rita", {"display_name": "Eve"}),
        ("POST", "/accounts/otto/disable", None), ("POST", "/accounts/otto/enable", None),
        ("GET", "/tokens", None), ("POST", "/tokens/1/revoke", None),
    ]  # fmt: skip
    for method, path, body in calls:
        url = f"{server.url}{ADMIN}{path}"
        assert httpx.request(method, url, json=body).status_code == 401, path
        rep = httpx.request(method, url, json=body, headers=auth(tokens["rita"]))
        assert rep.status_code == 403, (path, rep.text)
        assert "only an admin" in rep.json()["detail"]
    assert _account(server, tokens["admin"], "rita")["display_name"] == "Rita Rep"
    assert _account(server, tokens["admin"], "otto")["disabled"] is False


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": "x", "email": "not-an-address"}, "email", "e-mail address"),
        ({"name": "x", "email": "a@b"}, "email", "e-mail address"),
        ({"name": "x", "email": "rita@exa mple.com"}, "email", "e-mail address"),
        ({"name": "x", "phone": "call me"}, "phone", "phone number"),
        ({"name": "x", "phone": "+1 (555) 12"}, "phone", None),  # fine: 6 digits
        ({"name": "x", "phone": "12"}, "phone", "at least 3"),
        ({"name": "x", "phone": "1" * 41}, "phone", "at most 40"),
        ({"name": "x", "display_name": "Rita\nRep"}, "display_name", "one line"),
        ({"name": "x", "display_name": "   "}, "display_name", "blank"),
        ({"name": "x", "display_name": "R" * 201}, "display_name", "at most 200"),
        ({"name": "x", "role": "\x00"}, "role", "printable"),
        ({"name": "a/b"}, "name", "'/'"),
        ({"name": ""}, "name", "at least 1"),
        ({"name": "x", "nickname": "R"}, "nickname", "Extra inputs"),
        ({"name": "x", "email": 5}, "email", "string"),
    ],
)
def test_every_field_is_checked(
    server: InProcessServer, tokens: dict[str, str], body: dict[str, Any], field: str,
    words: str | None,
) -> None:  # fmt: skip
    if body["name"] == "x":  # a new account each time
        body = {**body, "name": f"x-{uuid.uuid4().hex[:8]}"}
    r = httpx.post(f"{server.url}{ADMIN}/accounts", json=body, headers=auth(tokens["admin"]))
    if words is None:
        assert r.status_code == 201, r.text
        return
    assert r.status_code == 422, r.text
    problem = r.json()["detail"][0]
    assert problem["loc"][-1] == field and words in problem["msg"], problem


def test_changes_that_are_refused(server: InProcessServer, tokens: dict[str, str]) -> None:
    admin = auth(tokens["admin"])
    again = httpx.post(f"{server.url}{ADMIN}/accounts", json={"name": "rita"}, headers=admin)
    assert again.status_code == 409 and "exists already" in again.json()["detail"]
    unknown = httpx.patch(
        f"{server.url}{ADMIN}/accounts/nobody-here", json={"role": "MSL"}, headers=admin
    )
    assert unknown.status_code == 404 and "nobody-here" in unknown.json()["detail"]
    empty = httpx.patch(f"{server.url}{ADMIN}/accounts/rita", json={}, headers=admin)
    assert empty.status_code == 422 and "at least one" in empty.json()["detail"][0]["msg"]
    bad = httpx.patch(f"{server.url}{ADMIN}/accounts/rita", json={"phone": "x"}, headers=admin)
    assert bad.status_code == 422
    self_disable = httpx.post(f"{server.url}{ADMIN}/accounts/boss/disable", headers=admin)
    assert self_disable.status_code == 409 and "own account" in self_disable.json()["detail"]
    for path in ("/tokens/0/revoke", "/tokens/abc/revoke", f"/tokens/{2**63}/revoke"):
        assert httpx.post(f"{server.url}{ADMIN}{path}", headers=admin).status_code == 422
    assert httpx.post(f"{server.url}{ADMIN}/tokens/999999/revoke", headers=admin).status_code == 404
    assert httpx.get(f"{server.url}{ADMIN}/tokens?account=nobody-here",
                     headers=admin).status_code == 404  # fmt: skip


def _token_id(server: InProcessServer, admin: str, account: str) -> int:
    listed = httpx.get(f"{server.url}{ADMIN}/tokens", params={"account": account},
                       headers=auth(admin))  # fmt: skip
    assert listed.status_code == 200, listed.text
    return int(listed.json()[-1]["id"])


def check_disable_revoke_expire(server: InProcessServer, admin: str, clip: Path) -> None:
    """The whole life of a rep's access, on whichever database `server` uses."""
    api, hdr = f"{server.url}{ADMIN}", auth(admin)
    assert httpx.post(f"{api}/accounts", json={"name": "dana", "display_name": "Dana Doe"},
                      headers=hdr).status_code == 201  # fmt: skip
    token, spare = server.create_token("dana"), server.create_token("dana")
    share = create_and_publish(server.url, token, {"video.mp4": clip})
    shares = f"{server.url}/api/v1/shares"

    # Disabled: every token stops at once; the live link keeps working.
    off = httpx.post(f"{api}/accounts/dana/disable", headers=hdr)
    assert off.status_code == 200 and off.json()["disabled"] is True, off.text
    assert off.json()["shares_revoked"] == 0
    for t in (token, spare):
        refused = httpx.get(shares, headers=auth(t))
        assert refused.status_code == 401 and "disabled" in refused.json()["detail"]
    page = httpx.get(share["url"])
    assert page.status_code == 200 and "Dana Doe" in page.text
    states = {t["state"] for t in httpx.get(f"{api}/tokens?account=dana", headers=hdr).json()}
    assert states == {"disabled"}
    on = httpx.post(f"{api}/accounts/dana/enable", headers=hdr)
    assert on.status_code == 200 and on.json()["active_tokens"] == 2
    assert httpx.get(shares, headers=auth(token)).status_code == 200

    # Revoked: that token stops; the other works.
    spare_id = _token_id(server, admin, "dana")
    revoked = httpx.post(f"{api}/tokens/{spare_id}/revoke", headers=hdr)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    refused = httpx.get(shares, headers=auth(spare))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert httpx.get(shares, headers=auth(token)).status_code == 200

    # Expired: its time passes.
    with server.state.sessions.begin() as s:
        s.execute(
            update(ApiToken)
            .where(ApiToken.id != spare_id, ApiToken.revoked_at.is_(None),
                   ApiToken.account_id == _account_id(server, "dana"))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )  # fmt: skip
    refused = httpx.get(shares, headers=auth(token))
    assert refused.status_code == 401 and "expired on" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == "Bearer"

    # Disabled with its shares: the links stop too.
    assert httpx.post(f"{api}/accounts/dana/disable", json={"revoke_shares": True},
                      headers=hdr).json()["shares_revoked"] == 1  # fmt: skip
    assert httpx.get(share["url"]).status_code == 410
    with server.state.sessions() as s:
        assert s.get(Share, share["id"]).revoked_at is not None  # retention counts from it


def _account_id(server: InProcessServer, name: str) -> int:
    from sqlalchemy import select

    from rep_video.server.db import Account

    with server.state.sessions() as s:
        return int(s.scalar(select(Account.id).where(Account.name == name)) or 0)


def test_disabled_revoked_and_expired_tokens_stop_at_once_sqlite(
    server: InProcessServer, tokens: dict[str, str], small_clip: Path
) -> None:
    check_disable_revoke_expire(server, tokens["admin"], small_clip)
    own = _token_id(server, tokens["admin"], "boss")
    mine = httpx.post(f"{server.url}{ADMIN}/tokens/{own}/revoke", headers=auth(tokens["admin"]))
    assert mine.status_code == 409 and "token of this request" in mine.json()["detail"]


@pytest.fixture
def pg_server(pg_url: str, tmp_path: Path) -> Iterator[InProcessServer]:
    with inprocess_server(tmp_path / "pg", {"REP_VIDEO_SERVER_DATABASE_URL": pg_url}) as srv:
        yield srv


@pytest.mark.postgres
def test_disabled_revoked_and_expired_tokens_stop_at_once_postgres(
    pg_server: InProcessServer, small_clip: Path
) -> None:
    check_disable_revoke_expire(pg_server, pg_server.create_token("root", admin=True), small_clip)


def test_the_openapi_document_has_the_admin_endpoints(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    doc = httpx.get(f"{server.url}/openapi.json", headers=auth(tokens["admin"])).json()
    expected = {
        "/api/v1/admin/accounts": {"get", "post"},
        "/api/v1/admin/accounts/{name}": {"patch"},
        "/api/v1/admin/accounts/{name}/disable": {"post"},
        "/api/v1/admin/accounts/{name}/enable": {"post"},
        "/api/v1/admin/tokens": {"get"},
        "/api/v1/admin/tokens/{token_id}/revoke": {"post"},
    }
    for path, methods in expected.items():
        assert set(doc["paths"][path]) == methods, path
        for method in methods:
            assert {"401", "403", "429"} <= set(doc["paths"][path][method]["responses"])
    assert "AccountIn" in doc["components"]["schemas"]
    assert {"200", "401", "429"} <= set(doc["paths"]["/api/v1/account"]["get"]["responses"])


def test_a_token_learns_its_own_account_and_expiry(
    server: InProcessServer, tokens: dict[str, str]
) -> None:
    def me(token: str) -> dict[str, Any]:
        answer = httpx.get(f"{server.url}/api/v1/account", headers=auth(token))
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data

    rita = me(tokens["rita"])
    assert rita["page_rep"] == {"name": "Rita Rep", "role": None, "email": "rita@example.com",
                                "phone": None}  # fmt: skip
    assert rita["token_expires_at"] is None and rita["admin"] is False
    assert me(tokens["otto"])["page_rep"]["name"] == "otto"
    assert me(tokens["admin"])["page_rep"] is None  # an admin without one: the app's rep
    issued = issue_api_token(server.state.sessions, "otto", admin=False, expires_in_days=7)
    otto = me(issued.token)
    assert otto["token_id"] == issued.id and issued.expires_at is not None
    assert datetime.fromisoformat(otto["token_expires_at"]) == issued.expires_at
    assert httpx.get(f"{server.url}/api/v1/account").status_code == 401
