"""A share server's live events for the rep (GET /api/v1/events, Server-Sent Events): the
parser and a client that keeps one connection, resuming after the last event it saw
(Last-Event-ID) and reconnecting with a growing, jittered wait when the server is away. It
runs on whichever thread calls `run` (the app's is a worker; ui/live_updates.py) and calls
`on_event` there for each event; `stop` from any thread ends it."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

READ_TIMEOUT = 45.0  # three missed heartbeats (15 s): the connection is dead, reconnect
FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One dispatched event of a text/event-stream, or a comment line (`is_comment`)."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    is_comment: bool = False


def parse_events(lines: Iterable[str | bytes]) -> Iterator[SseEvent]:
    """The events of a text/event-stream, line by line (the WHATWG rules: `field: value`,
    data lines joined with newlines, a blank line dispatches, `:` starts a comment)."""
    event, last_id = "message", None
    data: list[str] = []
    for raw in lines:
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        line = line.rstrip("\r")
        if line == "":
            if data:
                yield SseEvent(event, "\n".join(data), last_id)
            event, data = "message", []
            continue
        if line.startswith(":"):
            yield SseEvent(data=line[1:].strip(), is_comment=True)
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            last_id = value


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """What happened to one of the rep's shares, as the server sent it."""

    id: int
    name: str  # view | answer
    kind: str  # opened | play | progress | attachment | answer
    value: str | None
    share_id: str | None  # None: counted only in the totals (analytics = "aggregate")
    recipient: str | None  # None: the server's policy names no physician
    answer: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, sse: SseEvent) -> LiveEvent | None:
        """None for what is not a RepVideo event (a newer server's kind, a malformed one)."""
        try:
            data = json.loads(sse.data)
            return cls(
                id=int(sse.id or data["id"]),
                name=sse.event,
                kind=str(data["kind"]),
                value=None if data.get("value") is None else str(data["value"]),
                share_id=data.get("share_id"),
                recipient=data.get("recipient"),
                answer=dict(data.get("answer") or {}),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def next_wait(previous: float) -> float:
    """The wait before the next reconnect: doubling to a minute, with jitter so that many
    laptops coming back after a server restart do not all knock at once."""
    grown = min(LONGEST_WAIT, max(FIRST_WAIT, previous * 2))
    return grown * random.uniform(0.75, 1.0)  # noqa: S311 - jitter, not a secret


class LiveStream:
    """One connection to `base_url`'s event stream through `session` (it carries the rep's
    token, the trust store and the proxy settings: rep_video.network.session)."""

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        on_event: Callable[[LiveEvent], None],
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        self.session = session
        self.url = base_url.rstrip("/") + "/api/v1/events"
        self.on_event = on_event
        self.on_status = on_status or (lambda _text: None)
        self.last_id: str | None = None
        self._stopped = threading.Event()
        self._socket: socket.socket | None = None  # the open stream's, while one is read
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Returns at once (the app calls it on the UI thread, on quit): the read in progress
        on `run`'s thread ends now, not at the server's next heartbeat. Closing the response
        here would not do: it waits for the lock the blocked read holds; shutting the socket
        down makes that read return, and `run`'s thread closes the response itself."""
        self._stopped.set()
        with self._lock:
            _shut(self._socket)

    def run(self) -> None:
        """Until `stop`: read events, reconnect after each failure."""
        wait = 0.0
        while not self._stopped.is_set():
            try:
                if self._read_once():
                    wait = 0.0  # it was connected: the next try comes soon
            except _Refused as refused:
                self.on_status(str(refused))
                wait = LONGEST_WAIT / 2  # a token problem: no point knocking every second
            except Exception as exc:  # network, or the read `stop` closed under it
                if self._stopped.is_set():
                    break
                self.on_status(f"live updates interrupted: {type(exc).__name__}")
            if self._stopped.is_set():
                break
            wait = next_wait(wait)
            self._stopped.wait(wait)

    def _read_once(self) -> bool:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = self.last_id
        response = self.session.get(
            self.url, headers=headers, stream=True, timeout=(10.0, READ_TIMEOUT)
        )
        with self._lock:
            self._socket = _socket_of(response)
            if self._stopped.is_set():  # `stop` came while connecting
                _shut(self._socket)
        try:
            if response.status_code != 200:
                raise _Refused(f"live updates refused: HTTP {response.status_code}")
            self.on_status("live")
            for sse in parse_events(response.iter_lines(chunk_size=None)):
                if self._stopped.is_set():
                    break
                if sse.is_comment:
                    continue
                if sse.id is not None:
                    self.last_id = sse.id
                if (event := LiveEvent.of(sse)) is not None:
                    self.on_event(event)
            return True
        finally:
            with self._lock:
                self._socket = None
            response.close()


class _Refused(Exception):
    pass


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The connection a streamed response is read from (urllib3 keeps it on the response
    until the body is read or the response closed)."""
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):  # already closed: nothing is reading it
        sock.shutdown(socket.SHUT_RDWR)
