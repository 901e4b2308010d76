"""Prometheus metrics for one server process, served at `/metrics` to a scraper that knows the
`metrics_token` (and to nobody when it is unset: counts of requests per route tell an
outsider how busy a company's reps are). Each app gets its own registry, so the test suite's
many apps, and a scale-out's instances, never mix their counts.

Routes are labelled by their template (`/s/{token}`), never the path itself: a path carries a
share's token, and one label per token would grow without bound."""

from __future__ import annotations

import hmac

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from rep_video.server.request_log import event_of

UNMATCHED = "unmatched"  # a path no route serves (404): one label for all of them
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "repvideo_http_requests", "HTTP requests answered, by route template, method and "
            "status", ["route", "method", "status"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "repvideo_http_request_duration_seconds", "Time to answer a request, by route "
            "template and method", ["route", "method"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.uploads_in_flight = Gauge(
            "repvideo_uploads_in_flight", "tus PATCH requests being received now", registry=r
        )
        self.upload_bytes = Counter(
            "repvideo_upload_bytes", "Bytes received in tus PATCH bodies", registry=r
        )
        self.publishes = Counter("repvideo_publishes", "Shares published", registry=r)
        self.view_events = Counter(
            "repvideo_view_events", "View events pages sent that were accepted", registry=r
        )
        self.rate_limited = Counter(
            "repvideo_rate_limited", "Requests a rate limiter refused (429), by route template",
            ["route"], registry=r,
        )  # fmt: skip
        self.blob_errors = Counter(
            "repvideo_blob_store_errors", "Failures of the blob store (local folder or S3 "
            "bucket): failed readiness checks and errors that reached the error handler",
            ["where"], registry=r,
        )  # fmt: skip
        self.webhook_attempts = Counter(
            "repvideo_webhook_attempts", "Webhook delivery attempts by this instance, by "
            "outcome: delivered, retry (failed, tried again later), failed (given up)",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.unhandled = Counter(
            "repvideo_unhandled_errors", "Requests that ended in a 500, by exception type",
            ["type"], registry=r,
        )  # fmt: skip

        # (route, method, status) → its request counter and latency histogram: labels()
        # checks and joins its arguments on every call; as many entries as label sets.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
        if status == 429:
            self.rate_limited.labels(route).inc()
        elif event_of(method, route, status) == "share published":
            self.publishes.inc()
        elif method == "POST" and route == "/s/{token}/events" and status == 204:
            self.view_events.inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def scraper_allowed(configured_token: str, authorization: str | None) -> bool:
    """The scrape carries `Authorization: Bearer <metrics_token>`."""
    if not configured_token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), configured_token)


def is_blob_store_error(exc: BaseException) -> bool:
    """An S3 client error or a file-system error: what the blob stores raise when the bucket
    or the data folder fails (the database raises its own types)."""
    module = type(exc).__module__
    return isinstance(exc, OSError) or module.startswith(("botocore", "boto3", "s3transfer"))
