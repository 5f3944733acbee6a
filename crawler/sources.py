"""The list of sites to crawl (``data/sources.yaml``), validated before any request.

One generic spider reads this file, so everything that differs between sites is here:
where to start (category listings, the site's search, sitemaps, RSS), which links are
articles and which are more listing pages, and optional selectors for title/date/body
when the generic page reader is not good enough on a site. URLs may carry placeholders
such as ``{sample}`` — filled at run time (the sample site's port is only known then).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from extract.resources import DATA_DIR

DEFAULT_SOURCES = DATA_DIR / "sources.yaml"
DEFAULT_PLACEHOLDERS = {"sample": "http://127.0.0.1:8765"}  # `giaouoc serve-sample` default
StartType = Literal["listing", "search", "sitemap", "feed"]
SelectorField = Literal["title", "date", "body", "author", "remove"]


class SourcesError(ValueError):
    """A sources file that cannot be used; the message is one line naming file and field."""


class StartUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    type: StartType = "listing"


class Source(BaseModel):
    """One site: a provincial portal, a department's portal or a provincial paper."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    province: str | None = None
    kind: Literal["portal", "newspaper", "department"] = "portal"
    cms: str | None = None  # liferay, sharepoint, wordpress... (informational)
    base_url: str
    allowed_domains: list[str] = Field(min_length=1)
    start: list[StartUrl] = Field(min_length=1)
    article_patterns: list[str] = Field(min_length=1)
    listing_patterns: list[str] = []
    selectors: dict[SelectorField, str | list[str]] = {}
    tags: list[str] = []
    recheck_days: float | None = None  # re-ask seen articles (conditionally) after this
    examples: list[str] = []  # article URL shapes; each must match an article pattern

    @field_validator("article_patterns", "listing_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as err:
                raise ValueError(f"bad regex {p!r}: {err}") from None
        return patterns

    @field_validator("selectors")
    @classmethod
    def _selectors_compile(cls, selectors: dict) -> dict:
        from lxml import etree
        from parsel import css2xpath

        from extract.page import is_xpath

        for field, value in selectors.items():
            for expr in [value] if isinstance(value, str) else value:
                try:
                    etree.XPath(expr if is_xpath(expr) else css2xpath(expr))
                except Exception as err:  # noqa: BLE001 - cssselect / lxml syntax errors
                    raise ValueError(f"bad {field} selector {expr!r}: {err}") from None
        return selectors

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, url: str) -> str:
        if not re.match(r"^(https?://|\{[a-z_]+\})", url):
            raise ValueError(f"base_url must start with http(s):// or a {{placeholder}}: {url!r}")
        return url.rstrip("/")

    @model_validator(mode="after")
    def _examples_match(self) -> Source:
        for url in self.examples:
            if not self.matches(self.article_patterns, url):
                raise ValueError(f"example {url!r} matches no article_patterns")
        return self

    def resolved(self, placeholders: dict[str, str]) -> Source:
        """A copy with ``{name}`` placeholders filled and start URLs made absolute."""
        base = fill(self.base_url, placeholders)

        def absolute(url: str) -> str:
            url = fill(url, placeholders)
            return base + url if url.startswith("/") else url

        def host(value: str) -> str:
            value = fill(value, placeholders)
            return (urlparse(value).hostname or value) if "//" in value else value.split(":")[0]

        return self.model_copy(
            update={
                "base_url": base,
                "start": [StartUrl(url=absolute(s.url), type=s.type) for s in self.start],
                "allowed_domains": [host(d) for d in self.allowed_domains],
            }
        )

    def matches(self, patterns: list[str], url: str) -> bool:
        """Patterns are searched in the URL's path + query (host-independent)."""
        parsed = urlparse(url)
        target = parsed.path + ("?" + parsed.query if parsed.query else "")
        return any(re.search(p, target) for p in patterns)


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate source names: {', '.join(dupes)}")
        return self


def fill(text: str, placeholders: dict[str, str]) -> str:
    """Replace ``{name}`` with its value; unknown placeholders are an error."""

    def sub(m: re.Match) -> str:
        if m.group(1) not in placeholders:
            raise SourcesError(
                f"no value for placeholder {{{m.group(1)}}} in {text!r} "
                f"(pass --base {m.group(1)}=URL)"
            )
        return placeholders[m.group(1)].rstrip("/")

    return re.sub(r"\{([a-z_]+)\}", sub, text)


def load_sources(path: Path | None = None) -> list[Source]:
    """Read and validate a sources file; any problem raises a one-line `SourcesError`."""
    path = Path(path or DEFAULT_SOURCES)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SourcesError(f"{path}: cannot read ({err.strerror or err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise SourcesError(
            f"{path}:{where} not valid YAML ({getattr(err, 'problem', err)})"
        ) from None
    if isinstance(raw, list):
        raw = {"sources": raw}
    try:
        return SourcesFile.model_validate(raw).sources
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        name = _source_name(raw, first["loc"])
        raise SourcesError(f"{path}: {loc}{name}: {first['msg']}") from None


def _source_name(raw: object, loc: tuple) -> str:
    try:
        if loc[0] == "sources" and isinstance(loc[1], int):
            return f" (source {raw['sources'][loc[1]]['name']!r})"  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        pass
    return ""


def select_sources(sources: list[Source], site: str | None) -> list[Source]:
    """`site` is a source name, a tag (e.g. ``sample``) or ``all``; None means ``sample``.

    The offline default is the bundled sample site: real portals are crawled only when
    asked for, by name, tag or ``all``.
    """
    wanted = site or "sample"
    if wanted == "all":
        return sources
    chosen = [s for s in sources if s.name == wanted or wanted in s.tags]
    if not chosen:
        raise SourcesError(
            f"no source or tag named {wanted!r} (known: {', '.join(s.name for s in sources)})"
        )
    return chosen


def placeholders_for(overrides: dict[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_PLACEHOLDERS, **(overrides or {})}
