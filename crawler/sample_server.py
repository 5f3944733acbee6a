"""A small HTTP server for the rendered sample site, with a log of every request.

It answers from ``_routes.json`` (written by `crawler.sample_site.render_site`), so the
site can be re-rendered while it runs; it sends ETag / Last-Modified and honours
conditional requests like a real CMS behind a cache; and it misbehaves where a route
says so (500 on the first request, a body cut short of its Content-Length). Tests count
fetches from `SampleServer.requests` — the server's own view, not the crawler's.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from crawler.sample_site import BASE_PLACEHOLDER, ROUTES_FILE, normalize_route

NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>404 - Không tìm thấy"
    "</title></head><body><h1>Không tìm thấy trang</h1><p>Trang bạn yêu cầu không tồn tại "
    "hoặc đã bị gỡ bỏ.</p></body></html>"
).encode()


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # as requested, path + query
    status: int
    conditional: bool  # the request carried If-None-Match / If-Modified-Since


class SampleServer:
    """Serve `root` on 127.0.0.1 in a background thread (use as a context manager)."""

    def __init__(self, root: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        self.root = Path(root)
        self.requests: list[RequestRecord] = []
        self._failed_once: set[str] = set()
        self._lock = threading.Lock()
        self._routes: dict[str, dict] = {}
        self._routes_mtime = -1.0
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SampleServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what tests look at --------------------------------------------------------
    def paths(self, method: str = "GET") -> list[str]:
        with self._lock:
            return [r.path for r in self.requests if r.method == method]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- what the handler uses -----------------------------------------------------
    def route(self, path: str) -> dict | None:
        routes_file = self.root / ROUTES_FILE
        mtime = routes_file.stat().st_mtime
        with self._lock:
            if mtime != self._routes_mtime:
                self._routes = json.loads(routes_file.read_text(encoding="utf-8"))
                self._routes_mtime = mtime
            return self._routes.get(normalize_route(path))

    def first_failure(self, path: str) -> bool:
        """True the first time a fail-once route is asked for."""
        with self._lock:
            if path in self._failed_once:
                return False
            self._failed_once.add(path)
            return True

    def record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)


def _handler_for(server: SampleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SampleCMS/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep quiet
            return

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, send_body: bool) -> None:
            conditional = bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            )
            status = self._respond(send_body)
            server.record(RequestRecord(self.command, self.path, status, conditional))

        def _respond(self, send_body: bool) -> int:
            route = server.route(self.path)
            if route is None:
                return self._send(404, NOT_FOUND_PAGE, "text/html; charset=utf-8", send_body)
            key = normalize_route(self.path)
            if route.get("fail_once") and server.first_failure(key):
                body = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
                return self._send(500, body, "text/html", send_body)
            file = server.root / route["file"]
            data = file.read_bytes().replace(BASE_PLACEHOLDER.encode(), server.base_url.encode())
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            mtime = int(file.stat().st_mtime)
            if self._not_modified(etag, mtime):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return 304
            extra = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
            cut = len(data) // 2 if route.get("truncate") else None
            return self._send(200, data, route["type"], send_body, extra, cut)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match:
                return etag in [t.strip() for t in if_none_match.split(",")]
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return mtime <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            send_body: bool,
            headers: dict[str, str] | None = None,
            cut: int | None = None,
        ) -> int:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body if cut is None else body[:cut])
            self.close_connection = True
            return status

    return Handler
