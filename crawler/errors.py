"""Name what went wrong with a request, for the run summary and the state store.

Kinds are short and stable (``http_404``, ``truncated``, ``timeout``...) because the
summary counts errors by kind and analysts compare runs. Requests that were skipped on
purpose (robots.txt, not modified) come back as ``skip:<why>``: they are not errors.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

try:  # Twisted's marker for a body shorter than its Content-Length
    from twisted.web.client import PotentialDataLoss
    from twisted.web.http import _DataLoss
except ImportError:  # pragma: no cover - older Twisted
    PotentialDataLoss = _DataLoss = ()  # type: ignore[assignment,misc]


def classify_failure(failure: Failure) -> str:
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value).lower()
        if "robots.txt" in message:
            return "skip:robots"
        if "not modified" in message:
            return "skip:not_modified"
        if "offsite" in message:
            return "skip:offsite"
        return "skip:ignored"
    if failure.check(ResponseDataLossError):
        return "truncated"
    if failure.check(ResponseFailed):
        reasons = getattr(failure.value, "reasons", []) or []
        if any(r.check(_DataLoss, PotentialDataLoss) for r in reasons if isinstance(r, Failure)):
            return "truncated"
        return "connection"
    if failure.check(defer.CancelledError):
        return "too_large"  # Scrapy cancels a download that passes DOWNLOAD_MAXSIZE
    if failure.check(TimeoutError, TCPTimedOutError, defer.TimeoutError):
        return "timeout"
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(ConnectError, ConnectionLost, ResponseNeverReceived):
        return "connection"
    return type(failure.value).__name__.lower()
