"""The client's network: the OS trust store for TLS, and what a failed connection means.

`session()` is the requests session every connection to a share server goes through: TLS is
verified against the operating system's trust store through `truststore` (macOS Keychain,
Windows' certificate store, OpenSSL's paths on Linux, which honour SSL_CERT_FILE), so a
company CA that IT installs on the laptop just works, as it does in the browser. Proxies come
from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read by requests (and by boto3 for S3 targets, which
keeps its own CA bundle: AWS_CA_BUNDLE).

`describe(exc)` is the one place that says what failed — DNS, the TLS certificate, the proxy,
a refused connection, a timeout — in the words `targets test`, `send`, `status`, `revoke` and
the app all show (docs/ADMIN.md, "Corporate networks")."""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Iterator
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

Kind = Literal["dns", "tls-certificate", "tls", "proxy", "refused", "timeout", "connection"]


@functools.cache
def _trust_store_context() -> ssl.SSLContext | None:
    try:
        import truststore
    except ImportError:  # a build without it keeps requests' own bundle (certifi)
        return None
    ctx: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ctx


class _TrustStoreAdapter(HTTPAdapter):
    """requests' adapter with TLS verified by the OS trust store, for direct connections and
    for tunnels through a proxy alike. Per session, not `truststore.inject_into_ssl()`: that
    replaces ssl.SSLContext for the whole process, and a context class another library took
    before (botocore does at import) then recurses without end."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        if (ctx := _trust_store_context()) is not None:
            kwargs["ssl_context"] = ctx
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        if (ctx := _trust_store_context()) is not None:
            kwargs["ssl_context"] = ctx
        return super().proxy_manager_for(proxy, **kwargs)


def session() -> requests.Session:
    """A requests session that trusts the OS trust store and honours HTTPS_PROXY/NO_PROXY
    (requests reads them for each request)."""
    s = requests.Session()
    s.mount("https://", _TrustStoreAdapter())
    return s


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and everything it wraps: causes, contexts, urllib3's `reason`, botocore's
    `error`, and exceptions passed as arguments (requests wraps urllib3's that way)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        inner = [e.__cause__, e.__context__, getattr(e, "reason", None)]
        inner.append(getattr(e, "original_error", None))
        kwargs = getattr(e, "kwargs", None)
        if isinstance(kwargs, dict):
            inner.append(kwargs.get("error"))
        inner.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend(i for i in inner if isinstance(i, BaseException))


def _named(e: BaseException, *names: str) -> bool:
    return any(cls.__name__ in names for cls in type(e).__mro__)


def kind_of(exc: BaseException) -> Kind:
    """What failed, from the exception and what it wraps."""
    chain = list(_chain(exc))
    if any(_named(e, "ProxyError", "ProxyConnectionError") for e in chain):
        return "proxy"
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in chain):
        return "tls-certificate"
    if any(isinstance(e, ssl.SSLError) or _named(e, "SSLError") for e in chain):
        return "tls"
    if any(isinstance(e, socket.gaierror) or _named(e, "NameResolutionError") for e in chain):
        return "dns"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    timeouts = ("Timeout", "ConnectTimeout", "ReadTimeout", "ConnectTimeoutError",
                "ReadTimeoutError", "TimeoutError")  # fmt: skip
    if any(isinstance(e, TimeoutError | socket.timeout) or _named(e, *timeouts) for e in chain):
        return "timeout"
    return "connection"


def describe(exc: BaseException, url: str | None = None) -> str:
    """One line saying what failed and what to check, e.g. `the TLS certificate of
    share.acme.example is not trusted (self-signed certificate in certificate chain); ...`."""
    url = url or _url_of(exc)
    parts = urlsplit(url or "")
    host = parts.hostname or "the server"
    where = f"{host}:{parts.port}" if parts.port else host
    kind = kind_of(exc)
    if kind == "proxy":
        proxy = _proxy_for(url)
        through = f"the proxy {proxy}" if proxy else "the proxy"
        return (
            f"{through} could not connect to {where} ({_reason(exc)}); "
            "check HTTPS_PROXY and NO_PROXY"
        )
    if kind == "tls-certificate":
        verify = next(
            (e.verify_message for e in _chain(exc) if isinstance(e, ssl.SSLCertVerificationError)),
            "",
        )
        return (
            f"the TLS certificate of {host} is not trusted ({verify or 'verification failed'}); "
            "a company CA must be in the system's trust store"
        )
    if kind == "tls":
        return f"the TLS handshake with {where} failed ({_reason(exc)})"
    if kind == "dns":
        return f"the name {host} does not resolve (DNS); check the URL and the network"
    if kind == "refused":
        return f"{where} refused the connection; check the URL and that the server is running"
    if kind == "timeout":
        return f"{where} did not answer in time (timeout); check the network or try later"
    return f"the connection to {where} failed ({_reason(exc)})"


def _url_of(exc: BaseException) -> str | None:
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    if isinstance(url, str):
        return url
    kwargs = getattr(exc, "kwargs", None)  # botocore: endpoint_url
    if isinstance(kwargs, dict) and isinstance(kwargs.get("endpoint_url"), str):
        return str(kwargs["endpoint_url"])
    return None


def _proxy_for(url: str | None) -> str | None:
    if not url:
        return None
    from requests.utils import get_environ_proxies, select_proxy

    proxy = select_proxy(url, get_environ_proxies(url))
    if not proxy:
        return None
    p = urlsplit(proxy)
    return f"{p.hostname}:{p.port}" if p.port else p.hostname


def _reason(exc: BaseException) -> str:
    """The innermost message worth showing, without urllib3's object reprs."""
    for e in reversed(list(_chain(exc))):
        text = str(e).strip()
        if text and " object at 0x" not in text and "Max retries" not in text:
            return " ".join(text.split())[:160]
    return type(exc).__name__
