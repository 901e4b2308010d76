"""The hash chain on its own: canonical JSON, sealing, and `verify` naming the first record
that was edited, deleted or reordered (the database tests do the same through SQL)."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rep_video.audit.chain import (
    GENESIS,
    Entry,
    ItemRef,
    Stored,
    canonical_json,
    record_hash,
    records_from_lines,
    seal,
    verify,
)
from rep_video.audit.export import parse_since, write_export
from rep_video.errors import UserError


def chain(n: int) -> list[Stored]:
    out: list[Stored] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = Entry(
            action="publish" if seq % 2 else "create",
            actor="rita@acme.example",
            share_id=f"share{seq}",
            recipient="Dr. Ng",
            items=(ItemRef("onc-dosing-guide", "3.0", "PP-ONC-US-0123", "ab" * 32),),
            message=f"Thanks — {seq}",
        )
        sealed = seal(entry, seq=seq, prev=prev)
        out.append(Stored(seq, sealed.body, sealed.hash, {"action": entry.action}))
        prev = sealed.hash
    return out


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "é\n"]}) == '{"a":[true,null,"é\\n"],"b":1}'
    with pytest.raises(ValueError):
        canonical_json({"x": 1.5})
    with pytest.raises(ValueError):
        canonical_json({"x": 2**60})


@given(st.recursive(
    st.none() | st.booleans() | st.integers(-(2**52), 2**52) | st.text(),
    lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
))  # fmt: skip
def test_canonical_json_round_trips(value: object) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


def test_an_untouched_chain_verifies() -> None:
    records = chain(20)
    verdict = verify(records, head=(20, records[-1].hash))
    assert verdict.ok and verdict.count == 20 and verdict.head_hash == records[-1].hash
    assert verify([]).ok


def test_an_edited_record_is_named() -> None:
    records = chain(10)
    body = json.loads(records[4].body)
    body["message"] = "something else"
    records[4] = dataclasses.replace(records[4], body=canonical_json(body))
    verdict = verify(records)
    assert (
        not verdict.ok and verdict.first_bad == 5 and "record 5 was edited" in str(verdict.problem)
    )


def test_an_edit_with_its_hash_recomputed_is_caught_by_the_next_link() -> None:
    records = chain(10)
    body = json.loads(records[2].body)
    body["recipient"] = "Dr. Someone Else"
    text = canonical_json(body)
    records[2] = dataclasses.replace(records[2], body=text, hash=record_hash(text))
    verdict = verify(records)
    assert verdict.first_bad == 3 and "record 3 was edited or replaced" in str(verdict.problem)


def test_an_edited_column_beside_the_sealed_text_is_caught() -> None:
    records = chain(5)
    records[1] = dataclasses.replace(records[1], columns={"action": "revoke"})
    verdict = verify(records)
    assert verdict.first_bad == 2 and "action differs" in str(verdict.problem)


def test_deleted_records_are_named() -> None:
    records = chain(10)
    del records[6]
    verdict = verify(records)
    assert verdict.first_bad == 7 and "record 7 is missing" in str(verdict.problem)
    records = chain(10)
    del records[3:6]
    assert "records 4 to 6 are missing" in str(verify(records).problem)


def test_deleting_the_end_is_caught_by_the_head() -> None:
    records = chain(10)
    head = (10, records[-1].hash)
    verdict = verify(records[:8], head=head)
    assert (
        not verdict.ok and verdict.first_bad == 9 and "record 9 is missing" in str(verdict.problem)
    )


def test_reordered_records_are_named() -> None:
    records = chain(10)
    a, b = records[3], records[4]
    # Swapping the positions (the seq column) of two rows, their sealed text unchanged.
    records[3], records[4] = dataclasses.replace(b, seq=4), dataclasses.replace(a, seq=5)
    verdict = verify(records)
    assert verdict.first_bad == 4 and "reordered" in str(verdict.problem)


def test_garbage_in_place_of_a_record_is_named() -> None:
    records = chain(4)
    records[2] = dataclasses.replace(records[2], body="not json")
    assert verify(records).first_bad == 3


def test_a_jsonl_export_verifies_on_its_own_and_shows_edits() -> None:
    records = chain(6)
    out = io.StringIO()
    assert write_export(records, "jsonl", out) == 6
    lines = out.getvalue().splitlines()
    assert verify(records_from_lines(lines)).ok
    edited = json.loads(lines[1])
    edited["expires_at"] = "2099-01-01T00:00:00Z"
    lines[1] = json.dumps(edited)
    assert verify(records_from_lines(lines)).first_bad == 2
    # An export that starts later verifies when anchored at the record before it.
    assert verify(records_from_lines(lines[3:]), start_seq=4, start_prev=records[2].hash).ok


def test_an_export_tells_a_deleted_line_from_reordered_lines() -> None:
    out = io.StringIO()
    write_export(chain(8), "jsonl", out)
    lines = out.getvalue().splitlines()
    swapped = [*lines[:3], lines[4], lines[3], *lines[5:]]
    verdict = verify(records_from_lines(swapped))
    assert verdict.first_bad == 4 and "record 5 is stored where record 4 belongs" in str(
        verdict.problem
    )
    cut = [*lines[:3], *lines[4:]]
    assert "record 4 is missing (deleted)" in str(verify(records_from_lines(cut)).problem)


def test_csv_export_has_one_column_per_field() -> None:
    out = io.StringIO()
    write_export(chain(2), "csv", out)
    header, first, _second = out.getvalue().splitlines()
    assert header.startswith("seq,at,actor,action,share_id") and header.endswith(",prev,hash")
    assert '"[{""approval_code"":""PP-ONC-US-0123""' in first
    with pytest.raises(UserError):
        write_export([], "xml", io.StringIO())


def test_since_accepts_dates_and_times() -> None:
    assert parse_since("2025-01-31") == "2025-01-31"
    assert parse_since("2025-01-31T10:00:00Z") == "2025-01-31T10:00:00.000000Z"
    with pytest.raises(UserError):
        parse_since("last week")
