"""The webhook signature (RepVideo-Signature: t=...,v1=...) and the retry backoff."""

from __future__ import annotations

import hashlib
import hmac
import random

from rep_video.server.webhook_signing import backoff, new_secret, sign, verify

BODY = b'{"id":"evt_1","type":"share.answered"}'


def test_the_signature_is_hmac_sha256_of_time_dot_body() -> None:
    header = sign("whsec_k", BODY, timestamp=1_764_760_000)
    expected = hmac.new(b"whsec_k", b"1764760000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1764760000,v1={expected}"
    assert verify("whsec_k", BODY, header, now=1_764_760_000)


def test_verification_refuses_another_body_key_or_a_replay() -> None:
    header = sign("whsec_k", BODY, timestamp=1000)
    assert not verify("whsec_k", BODY + b" ", header, now=1000)
    assert not verify("whsec_other", BODY, header, now=1000)
    assert verify("whsec_k", BODY, header, now=1000 + 300)
    assert not verify("whsec_k", BODY, header, now=1000 + 301)  # outside the replay window
    assert not verify("whsec_k", BODY, header, now=1000 - 301)
    assert not verify("whsec_k", BODY, "t=abc,v1=00", now=1000)
    assert not verify("whsec_k", BODY, "", now=1000)
    # a second v1 (a receiver during a secret's rotation) is accepted when one matches
    rotated = header + ",v1=" + "0" * 64
    assert verify("whsec_k", BODY, rotated, now=1000)


def test_secrets_are_256_random_bits() -> None:
    made = {new_secret() for _ in range(50)}
    assert len(made) == 50
    assert all(s.startswith("whsec_") and len(s) == 6 + 43 for s in made)


def test_backoff_doubles_with_jitter_up_to_the_ceiling() -> None:
    rng = random.Random(7)
    for attempts, full in ((1, 30.0), (2, 60.0), (3, 120.0), (8, 3600.0), (30, 3600.0)):
        waits = [backoff(attempts, 30.0, 3600.0, rng) for _ in range(200)]
        assert all(full / 2 <= w <= full for w in waits)
        assert max(waits) - min(waits) > full / 4  # jittered, not one value
