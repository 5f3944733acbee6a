"""The batches a load will take in, read ahead and made unique by page.

Staged batches are small (50 articles), and asking the store about each batch at a
fixed cost per query would dominate a load; so the loader reads many thousand articles
ahead and asks the store (``store_view.StoreView``) about all of them at once. Within
a batch, a page seen twice (one canonical URL, or one content hash) is loaded once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from extract.models import Article
from pipelines.rows import article_id_of, content_hash_of, page_chars
from pipelines.store_view import StoreView

Key = TypeVar("Key")

# Upcoming articles whose stored state is fetched at once (see `Lookahead`), and the
# most characters of text and HTML read ahead for it (real pages run to 200 KB). The
# store cannot be read while a commit checkpoints, so the look-ahead is filled before a
# commit is handed over, and covers what is built while the commit runs.
LOOKUP_ARTICLES = 25_000
LOOKUP_CHARS = 32 * 2**20


class Lookahead(Generic[Key]):
    """The batches to load, each made unique by page (`unique_by_page`), read a little
    ahead so that the store is asked about `LOOKUP_ARTICLES` upcoming articles at once
    rather than about each 50-article staged batch (fewer when their pages are large:
    `LOOKUP_CHARS`)."""

    def __init__(self, batches: Iterable[tuple[Key, Iterable[Article]]]) -> None:
        self._batches = iter(batches)
        self._upcoming: deque[tuple[Key, UniqueBatch]] = deque()
        self._fetched = 0  # leading batches of `_upcoming` whose stored state is fetched

    def more(self) -> bool:
        if not self._upcoming:
            self._read(1)
        return bool(self._upcoming)

    def next(self, store: StoreView) -> tuple[Key, UniqueBatch] | None:
        """The next batch, its articles' stored state fetched into `store`."""
        if not self.more():
            return None
        if not self._fetched:
            self.fill(store)
        self._fetched -= 1
        return self._upcoming.popleft()

    def fill(self, store: StoreView) -> None:
        """Read up to `LOOKUP_ARTICLES` ahead and fetch the stored state of the batches
        not fetched yet into `store` (which keeps it for every upcoming page)."""
        self._read(LOOKUP_ARTICLES)
        store.fetch(self.pages()[self._fetched :])
        self._fetched = len(self._upcoming)

    def pages(self) -> list[dict[str, str | None]]:
        """The pages of the batches read ahead: content hash by article id, per batch."""
        return [batch.hashes for _, batch in self._upcoming]

    def _read(self, articles: int) -> None:
        ahead = sum(len(batch.articles) for _, batch in self._upcoming)
        chars = sum(batch.chars for _, batch in self._upcoming)
        while ahead < articles and chars < LOOKUP_CHARS:
            if (batch := next(self._batches, None)) is None:
                return
            key, pages = batch
            unique = unique_by_page(pages)
            self._upcoming.append((key, unique))
            ahead += max(len(unique.articles), 1)
            chars += unique.chars


@dataclass
class UniqueBatch:
    articles: dict[str, Article]  # by article id
    hashes: dict[str, str | None]  # content hash by article id
    duplicates: int
    chars: int  # of text and HTML (`page_chars`)


def unique_by_page(articles: Iterable[Article]) -> UniqueBatch:
    """One article per canonical URL and per content hash within a batch (first wins)."""
    by_id: dict[str, Article] = {}
    hashes: dict[str, str | None] = {}
    seen_hashes: set[str] = set()
    duplicates = 0
    for article in articles:
        article_id = article_id_of(article)
        digest = content_hash_of(article)
        if article_id in by_id or (digest and digest in seen_hashes):
            duplicates += 1
            continue
        by_id[article_id] = article
        hashes[article_id] = digest
        if digest:
            seen_hashes.add(digest)
    return UniqueBatch(by_id, hashes, duplicates, sum(map(page_chars, by_id.values())))
