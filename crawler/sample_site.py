"""The bundled sample site: Markdown articles rendered as three Vietnamese CMS sites.

The crawler is tested offline against this site, so it carries the traps real portals
have: a "today" banner in every header, sidebars of other headlines, a robots.txt
disallowed folder, one article under two URLs, a windows-1258 page with a wrong charset
header, a truncated page, a dead link and a page that fails once. Articles are written
as ``content/<site>/*.md`` (YAML front matter + paragraphs); templates and site chrome
are data in ``data/sample_site/templates`` and ``sites.yaml``; the output is plain files
plus ``_routes.json`` (URL → file and misbehaviour), served by `crawler.sample_server`.

Run ``python -m crawler.sample_site`` to re-render ``data/sample_site/www`` after
editing the content. The benchmark reuses `render_site` with `synthetic_articles`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from extract.resources import DATA_DIR

SAMPLE_DIR = DATA_DIR / "sample_site"
CONTENT_DIR = SAMPLE_DIR / "content"
WWW_DIR = SAMPLE_DIR / "www"
TEMPLATES_DIR = SAMPLE_DIR / "templates"
SITES_FILE = SAMPLE_DIR / "sites.yaml"
ROUTES_FILE = "_routes.json"
BASE_PLACEHOLDER = "%%BASE%%"  # the server swaps it for its own base URL
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the marks windows-1258 keeps combining
VN_TZ = timezone(timedelta(hours=7))
GHOST_SLUG = "lich-tiep-cong-dan-dinh-ky-thang-12"  # linked from a listing, never rendered


class SampleArticle(BaseModel):
    """One article of the sample, as its Markdown front matter declares it."""

    model_config = ConfigDict(extra="ignore")

    slug: str
    site: str
    title: str
    published: datetime
    author: str | None = None
    category: str = "tin-tuc"
    kind: str = "other"
    private: bool = False
    legacy_encoding: bool = False
    duplicate_url: bool = False
    truncated: bool = False
    flaky: bool = False
    paragraphs: list[str] = []

    @field_validator("published", mode="before")
    @classmethod
    def _parse_published(cls, value: Any) -> Any:
        if isinstance(value, str):
            return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        return value


def parse_markdown(path: Path) -> SampleArticle:
    """Read one ``.md`` article; a bad file fails with its name and the reason."""
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n(.*)$", raw, re.S)
    if not match:
        raise ValueError(f"{path}: no YAML front matter between '---' lines")
    meta = yaml.safe_load(match.group(1)) or {}
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", match.group(2)) if p.strip()]
    try:
        return SampleArticle.model_validate({**meta, "paragraphs": paragraphs})
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def load_content(content_dir: Path = CONTENT_DIR) -> list[SampleArticle]:
    return [parse_markdown(p) for p in sorted(content_dir.glob("*/*.md"))]


def slugify(text: str) -> str:
    """ASCII URL slug of Vietnamese text (đ → d, accents dropped)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese as windows-1258, which keeps tone marks as combining characters."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tones = [c for c in parts if c in TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out += (base + "".join(tones)).encode("cp1258", errors="xmlcharrefreplace")
    return bytes(out)


@dataclass
class Page:
    """One rendered URL: where it is stored and how the server misbehaves on it."""

    url: str  # path + query, root-relative
    file: str
    body: str
    content_type: str = "text/html; charset=utf-8"
    legacy: bool = False  # write as windows-1258
    fail_once: bool = False
    truncate: bool = False


@dataclass
class SiteView:
    """Template-facing view of one site: its config plus URL builders for its CMS."""

    key: str
    conf: dict
    articles: list[SampleArticle]
    today: date
    numbers: dict[str, int] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.conf["prefix"]

    def category_label(self, category: str) -> str:
        labels, slug = self.conf.get("categories", {}), slugify(category)
        return labels.get(slug) or slug.replace("-", " ").capitalize()

    def categories(self) -> list[str]:
        """The all-articles listing first, then the categories articles are filed under."""
        known = list(self.conf.get("categories", {}))
        used = {slugify(a.category) for a in self.articles}
        if self.conf.get("all_listing"):
            used.add(self.conf["all_listing"])
        ordered = [c for c in known if c in used] + sorted(used - set(known))
        first = self.conf.get("all_listing")
        return ([first] if first else []) + [c for c in ordered if c != first]

    def in_listing(self, category: str, articles: list[SampleArticle]) -> list[SampleArticle]:
        if category == self.conf.get("all_listing"):
            return [a for a in articles if not a.private or slugify(a.category) == category]
        return [a for a in articles if slugify(a.category) == category]

    # -- URLs in the manner of each CMS -------------------------------------------
    def article_url(self, a: SampleArticle, alias: bool = False) -> str:
        cat, kind = slugify(a.category), self.conf["kind"]
        private = self.conf.get("private_path", "noi-bo") if a.private else None
        if kind == "liferay":
            inst = self.conf["home_instance" if alias else "asset_instance"]
            page = "trang-chu" if alias else cat
            tail = "?inheritRedirect=true" if alias else ""
            area = f"{private}/guest" if private else "web/guest"
            return f"{self.prefix}/{area}/{page}/-/asset_publisher/{inst}/content/{a.slug}{tail}"
        number = self.numbers[a.slug]
        if kind == "sharepoint":
            folder = "Pages" if alias else f"{private or cat}/Pages"
            return f"{self.prefix}/{folder}/chi-tiet.aspx?ItemID={number}"
        if alias:
            return f"{self.prefix}/{a.slug}-post{number}.html"
        return f"{self.prefix}/{private or cat}/{a.slug}-post{number}.html"

    def listing_url(self, category: str | None, page: int = 1) -> str:
        kind = self.conf["kind"]
        category = slugify(category) if category else None
        if kind == "liferay":
            if category is None:
                return f"{self.prefix}/web/guest/trang-chu"
            base = f"{self.prefix}/web/guest/{category}"
            inst = self.conf["asset_instance"]
            if page == 1:
                return base
            portlet = f"101_INSTANCE_{inst}"
            return f"{base}?p_p_id={portlet}&p_p_lifecycle=0&_{portlet}_cur={page}"
        if kind == "sharepoint":
            if category is None:
                return f"{self.prefix}/Pages/default.aspx"
            base = f"{self.prefix}/{category}/Pages/default.aspx"
            return base if page == 1 else f"{base}?Page={page}"
        if category is None:
            return f"{self.prefix}/"
        first = f"{self.prefix}/{category}/"
        return first if page == 1 else f"{first}trang-{page}.html"

    def file_for(self, url: str) -> str:
        """A file name for a URL that may carry a query string."""
        path, _, query = url.partition("?")
        if path.endswith("/"):
            path += "index.html"
        if query:
            path += "__" + re.sub(r"[^A-Za-z0-9_.-]+", "_", query)
        if not re.search(r"\.(html|aspx|xml|rss|txt)(__.*)?$", path):
            path += ".html"
        return path.lstrip("/")


def _views_count(slug: str) -> int:
    return 150 + int(hashlib.sha1(slug.encode()).hexdigest()[:6], 16) % 4000


def _assign_numbers(articles: Iterable[SampleArticle]) -> dict[str, int]:
    """Stable post/item numbers derived from the slug (collisions bumped, in slug order)."""
    numbers: dict[str, int] = {}
    used: set[int] = set()
    for a in sorted(articles, key=lambda a: a.slug):
        n = 10000 + int(hashlib.sha1(a.slug.encode()).hexdigest()[:8], 16) % 890000
        while n in used:
            n += 1
        used.add(n)
        numbers[a.slug] = n
    return numbers


def _today_banner(day: date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]}, {day:%d/%m/%Y}"


def _chunks(items: list, size: int) -> Iterator[tuple[int, list]]:
    for i in range(0, max(len(items), 1), size):
        yield i // size + 1, items[i : i + size]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml", "rss"]),
        keep_trailing_newline=True,
    )
    env.globals.update(BASE=BASE_PLACEHOLDER, views_count=_views_count)
    env.filters["rfc822"] = lambda when: format_datetime(when.replace(tzinfo=VN_TZ))
    return env


def _render_one_site(env: jinja2.Environment, view: SiteView, page_size: int) -> list[Page]:
    kind, pages = view.conf["kind"], []
    public = sorted(
        (a for a in view.articles if not a.private), key=lambda a: a.published, reverse=True
    )
    listed = sorted(view.articles, key=lambda a: a.published, reverse=True)
    latest = public[:6]
    ctx = {
        "site": view,
        "conf": view.conf,
        "today_banner": _today_banner(view.today),
        "latest": latest,
        "categories": view.categories(),
    }

    for a in view.articles:
        html = env.get_template(f"{kind}/article.html").render(
            a=a,
            canonical=view.article_url(a),
            charset="windows-1258" if a.legacy_encoding else "utf-8",
            **ctx,
        )
        urls = [view.article_url(a)]
        if a.duplicate_url:
            urls.append(view.article_url(a, alias=True))
        for url in urls:
            pages.append(
                Page(
                    url,
                    view.file_for(url),
                    html,
                    legacy=a.legacy_encoding,
                    fail_once=a.flaky,
                    truncate=a.truncated,
                )
            )

    # The home listing shows the newest items, plus the alias URL of duplicated ones.
    home_items = [(a, view.article_url(a, alias=a.duplicate_url)) for a in public[:10]]
    home_items += [(a, view.article_url(a, alias=True)) for a in public[10:] if a.duplicate_url]
    home = view.listing_url(None)
    pages.append(
        Page(
            home,
            view.file_for(home),
            env.get_template(f"{kind}/listing.html").render(
                items=home_items, title="Trang chủ", page=1, page_urls=[], **ctx
            ),
        )
    )

    for number, category in enumerate(view.categories()):
        in_cat = view.in_listing(category, listed)
        items = [(a, view.article_url(a)) for a in in_cat]
        if number == 0 and kind == "liferay":  # a dead link: the article was taken down
            ghost = SampleArticle(
                slug=GHOST_SLUG,
                site=view.key,
                category=category,
                title="Lịch tiếp công dân định kỳ tháng 12 của lãnh đạo tỉnh",
                published=datetime.combine(view.today, datetime.min.time()),
            )
            items.insert(0, (ghost, view.article_url(ghost)))
        chunks = list(_chunks(items, page_size))
        page_urls = [view.listing_url(category, n) for n, _ in chunks]
        for n, chunk in chunks:
            html = env.get_template(f"{kind}/listing.html").render(
                items=chunk, title=view.category_label(category), page=n, page_urls=page_urls, **ctx
            )
            pages.append(Page(page_urls[n - 1], view.file_for(page_urls[n - 1]), html))

    sitemap = f"{view.prefix}/sitemap.xml"
    pages.append(
        Page(
            sitemap,
            view.file_for(sitemap),
            env.get_template("sitemap.xml").render(
                entries=[(view.article_url(a), a.published) for a in listed]
                + [(view.listing_url(c), view.today) for c in view.categories()]
            ),
            content_type="application/xml; charset=utf-8",
        )
    )
    if kind == "newspaper":
        feed = f"{view.prefix}/rss/tin-moi-nhat.rss"
        pages.append(
            Page(
                feed,
                view.file_for(feed),
                env.get_template("feed.rss").render(
                    items=[(a, view.article_url(a)) for a in public[:20]], **ctx
                ),
                content_type="application/rss+xml; charset=utf-8",
            )
        )
    return pages


def build_pages(articles: list[SampleArticle], config: dict | None = None) -> list[Page]:
    """Every URL of the sample site, rendered in memory."""
    config = config or yaml.safe_load(SITES_FILE.read_text(encoding="utf-8"))
    newest = max((a.published.date() for a in articles), default=date(2024, 1, 1))
    today = newest + timedelta(days=int(config.get("today_offset_days", 2)))
    numbers = _assign_numbers(articles)
    env = _env()
    pages: list[Page] = []
    disallow: list[str] = []
    for key, conf in config["sites"].items():
        mine = [a for a in articles if a.site == key]
        if not mine:
            continue
        view = SiteView(key, conf, mine, today, numbers)
        pages += _render_one_site(env, view, int(config.get("page_size", 8)))
        if conf.get("private_path"):
            disallow.append(f"{conf['prefix']}/{conf['private_path']}/")
        disallow.append(f"{conf['prefix']}/search/")
    sitemaps = [p.url for p in pages if p.url.endswith("sitemap.xml")]
    robots = env.get_template("robots.txt").render(disallow=disallow, sitemaps=sitemaps)
    pages.append(Page("/robots.txt", "robots.txt", robots, "text/plain; charset=utf-8"))
    return pages


def article_urls(articles: list[SampleArticle], config: dict | None = None) -> dict[str, list[str]]:
    """Every URL each article is served under (primary first), by slug — for tests."""
    config = config or yaml.safe_load(SITES_FILE.read_text(encoding="utf-8"))
    numbers = _assign_numbers(articles)
    out: dict[str, list[str]] = {}
    for key, conf in config["sites"].items():
        view = SiteView(key, conf, [a for a in articles if a.site == key], date.today(), numbers)
        for a in view.articles:
            out[a.slug] = [view.article_url(a)] + (
                [view.article_url(a, alias=True)] if a.duplicate_url else []
            )
    return out


def _write_if_changed(path: Path, data: bytes) -> None:
    """Keep unchanged files untouched so their Last-Modified stays put between renders."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def render_site(
    out_dir: Path = WWW_DIR,
    articles: list[SampleArticle] | None = None,
    content_dir: Path = CONTENT_DIR,
    config: dict | None = None,
) -> int:
    """Render the sample site into `out_dir`; return the number of URLs it serves."""
    if articles is None:
        articles = load_content(content_dir)
    pages = build_pages(articles, config)
    out_dir.mkdir(parents=True, exist_ok=True)
    routes: dict[str, dict] = {}
    for page in pages:
        data = encode_cp1258(page.body) if page.legacy else page.body.encode("utf-8")
        _write_if_changed(out_dir / page.file, data)
        route = {"file": page.file, "type": page.content_type}
        route.update({k: True for k in ("fail_once", "truncate") if getattr(page, k)})
        routes[normalize_route(page.url)] = route
    keep = {r["file"] for r in routes.values()} | {ROUTES_FILE}
    for stale in [p for p in out_dir.rglob("*") if p.is_file()]:
        if stale.relative_to(out_dir).as_posix() not in keep:
            stale.unlink()
    _write_if_changed(
        out_dir / ROUTES_FILE,
        json.dumps(routes, ensure_ascii=False, indent=1, sort_keys=True).encode(),
    )
    return len(routes)


def normalize_route(url: str) -> str:
    """Route key of a URL: its path plus its query parameters in sorted order."""
    path, _, query = url.partition("?")
    return path + ("?" + "&".join(sorted(query.split("&"))) if query else "")


def synthetic_articles(seed: list[SampleArticle], total: int) -> list[SampleArticle]:
    """`total` articles made by cycling through `seed` with new slugs and dates (benchmark)."""
    plain = [a for a in seed if not (a.private or a.flaky or a.truncated or a.duplicate_url)]
    out = []
    for i in range(total):
        a = plain[i % len(plain)]
        out.append(
            a.model_copy(
                update={
                    "slug": f"{a.slug}-{i}",
                    "title": f"{a.title} ({i})",
                    "published": a.published - timedelta(hours=i),
                    "legacy_encoding": False,
                }
            )
        )
    return out


def copy_site(dst: Path, src: Path = WWW_DIR) -> Path:
    """A private copy of the rendered site (tests add articles to their copy)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


@contextmanager
def serve(root: Path = WWW_DIR, port: int = 0) -> Iterator[str]:
    """Serve a rendered site on 127.0.0.1 for the duration; yield its base URL."""
    from crawler.sample_server import SampleServer

    with SampleServer(root, port=port) as server:
        yield server.base_url


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Render the bundled sample site.")
    parser.add_argument("--content", type=Path, default=CONTENT_DIR)
    parser.add_argument("--out", type=Path, default=WWW_DIR)
    args = parser.parse_args(argv)
    count = render_site(args.out, content_dir=args.content)
    print(f"rendered {count} URLs into {args.out}")


if __name__ == "__main__":
    main()
