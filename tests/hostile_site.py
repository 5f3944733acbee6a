"""A small news site on 127.0.0.1 that does everything a crawler must survive.

Its listing links two ordinary articles and five traps: a 20 MB page (with and without
a Content-Length), a gzip bomb (50 KB on the wire, 64 MB unpacked), a redirect loop, an
endless redirect chain and a PDF behind an ``.html`` URL; its pagination never ends
(``?trang=N`` always links ``?trang=N+1``). Every request is logged, so tests count
what the crawler really asked for. All content is written here, for this purpose.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import threading
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HUGE_BYTES = 20 * 1024 * 1024
BOMB_UNPACKED = 64 * 1024 * 1024

GOOD = {
    "/tin/bai-1.html": (
        "Khối thi đua các sở kinh tế ký kết giao ước thi đua năm 2025",
        "Ngày 12/3/2025, Khối thi đua các sở kinh tế tỉnh Lạng Sơn tổ chức hội nghị ký kết "
        "giao ước thi đua năm 2025. Khối gồm 07 đơn vị; Sở Tài chính làm Khối trưởng.",
    ),
    "/tin/bai-2.html": (
        "Cụm thi đua số 4 phát động phong trào thi đua năm 2025",
        "Sáng 20/2/2025, Cụm thi đua số 4 tỉnh Lạng Sơn phát động phong trào thi đua yêu "
        "nước năm 2025, các đơn vị thống nhất đẩy mạnh cải cách hành chính.",
    ),
}
TRAPS = {
    "huge": "/tin/trang-rat-lon.html",
    "huge_unsized": "/tin/trang-rat-lon-khong-do-dai.html",
    "bomb": "/tin/trang-nen.html",
    "loop": "/tin/vong-1.html",
    "chain": "/tin/chuyen-1.html",
    "pdf": "/tin/bao-cao.html",
}
LISTING = "/tin/"


def article_page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{title}"
        f"</title></head><body><article><h1 class='title'>{title}</h1>"
        f"<div class='content'><p>{body}</p><p>{body}</p></div></article></body></html>"
    ).encode()


def listing_page(page: int) -> bytes:
    links = [*GOOD, *TRAPS.values()] if page == 1 else list(GOOD)
    items = "".join(f"<li><a href='{u}'>Bài {i}</a> 01/03/2025</li>" for i, u in enumerate(links))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Tin tức - trang {page}"
        f"</title></head><body><ul>{items}</ul>"
        f"<a class='next' href='{LISTING}?trang={page + 1}'>Trang sau</a></body></html>"
    ).encode()


@cache
def huge_page() -> bytes:
    paragraph = (
        "<p>Đoạn văn lặp lại để trang nặng hai mươi megabyte, "
        "như một trang lỗi của hệ thống quản trị nội dung.</p>\n"
    ).encode()
    head = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Rat lon</title></head><body>"
    return head + paragraph * (HUGE_BYTES // len(paragraph) + 1) + b"</body></html>"


@cache
def pdf_report() -> bytes:
    """Bigger than DOWNLOAD_MAXSIZE: refused as not_html, it was refused at the headers."""
    return b"%PDF-1.4\n" + bytes(range(256)) * (6 * 1024 * 1024 // 256)


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"<html><body>" + b"\0" * BOMB_UNPACKED, compresslevel=9)


class HostileSite:
    """Serve the site on a free 127.0.0.1 port (a context manager); `hits` counts paths."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HostileSite:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def listing_pages_served(self) -> int:
        return sum(n for p, n in self.hits.items() if p.startswith(LISTING + "?trang="))


def _handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep quiet
            return

        def do_GET(self) -> None:  # noqa: C901 - one branch per trap, on purpose
            path = self.path
            site.hit(path)
            if path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if path == LISTING or path.startswith(LISTING + "?trang="):
                match = re.search(r"trang=(\d+)", path)
                return self._send(200, listing_page(int(match[1]) if match else 1))
            if path in GOOD:
                return self._send(200, article_page(*GOOD[path]))
            if path == TRAPS["huge"]:
                return self._send(200, huge_page())
            if path == TRAPS["huge_unsized"]:
                return self._send(200, huge_page(), sized=False)
            if path == TRAPS["bomb"]:
                return self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
            if path.startswith("/tin/vong-"):
                return self._redirect(
                    "/tin/vong-2.html" if path.endswith("1.html") else "/tin/vong-1.html"
                )
            if path.startswith("/tin/chuyen-"):
                n = int(re.search(r"(\d+)", path)[1])  # type: ignore[index]
                return self._redirect(f"/tin/chuyen-{n + 1}.html")
            if path == TRAPS["pdf"]:
                return self._send(200, pdf_report(), "application/pdf")
            return self._send(404, b"<html><body>404</body></html>")

        def _redirect(self, to: str) -> None:
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None,
            sized: bool = True,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if sized:
                self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            # The crawler hanging up on a page it refused is the point, not an error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)
            self.close_connection = True

    return Handler


SOURCES_YAML = """
sources:
  - name: hostile
    province: Lạng Sơn
    kind: portal
    base_url: "{hostile}"
    allowed_domains: ["{hostile}"]
    start:
      - {url: /tin/, type: listing}
    article_patterns: ['^/tin/[a-z0-9-]+\\.html$']
    listing_patterns: ['^/tin/\\?trang=\\d+$']
"""
