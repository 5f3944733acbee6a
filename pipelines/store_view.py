"""What the store holds, as a loading transaction must see it before writing a batch.

Each incoming article is checked against the store: already stored with the same
content and extractor version (skip it), stored otherwise (replace it), the same
content as another stored page (a duplicate), or new. The loader's transactions run
on a worker thread (``overlap.Overlapped``) on the writer's connection, each commit
while the next transaction is being prepared, so these checks cannot use that
connection; they read the committed store on a second one and overlay what has been
handed to the writer but is not known to be committed yet. The committed answers are
fetched for many upcoming batches at once (one pair of queries per look-ahead, not per
50-article staged batch), and kept up to date with each commit: nobody else writes
while the loader holds the file. Answers no upcoming page needs are then forgotten, so
that the view stays the size of the look-ahead however long the load.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

_STORED = """
SELECT article_id, content_hash, extractor_version FROM articles
WHERE article_id IN (SELECT article_id FROM incoming)
"""
_HOLDERS = """
SELECT content_hash, article_id FROM articles
WHERE content_hash IN (SELECT content_hash FROM incoming)
"""


class StoreView:
    """The committed store (read on `reader`) overlaid with the writes of the
    transactions begun (`begin`) and not yet known to be committed (`committed`)."""

    def __init__(self, reader: duckdb.DuckDBPyConnection, extractor_version: str) -> None:
        self.reader = reader
        self.version = extractor_version
        self._ids: set[str] = set()  # article ids and content hashes asked about
        self._hashes: set[str] = set()
        self._committed: dict[str, tuple[str | None, str | None]] = {}  # hash, version
        self._holders: dict[str, set[str]] = {}  # stored article ids by content hash
        # by article id: the content hash written, and the transaction that wrote it last
        self._written: dict[str, tuple[str | None, int]] = {}
        self._by_hash: dict[str, str] = {}  # the written article id by content hash
        self._serial = 0
        self._open: deque[tuple[int, list[str]]] = deque()  # transactions, ids they wrote

    def __enter__(self) -> StoreView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.reader.close()

    def _unasked(self, pages: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """The (article id, content hash) pairs whose answers are not fetched yet."""
        ids, hashes = self._ids, self._hashes
        return [(i, h) for i, h in pages if i not in ids or (h and h not in hashes)]

    def knows(self, hashes: Mapping[str, str | None]) -> bool:
        return not self._unasked(hashes.items())

    def fetch(self, pages: Iterable[tuple[str, str | None]]) -> None:
        """Read what the committed store holds under these (article id, content hash)
        pairs; an id may come with several hashes (a page crawled twice)."""
        wanted = self._unasked(pages)
        if not wanted:
            return
        ids, hashes = (list(column) for column in zip(*wanted, strict=True))
        reader = self.reader
        reader.register("incoming", pa.table({"article_id": ids, "content_hash": hashes}))
        try:
            for article_id, digest, version in reader.execute(_STORED).fetchall():
                self._committed[article_id] = (digest, version)
            for digest, article_id in reader.execute(_HOLDERS).fetchall():
                self._holders.setdefault(digest, set()).add(article_id)
        finally:
            reader.unregister("incoming")
        self._ids.update(ids)
        self._hashes.update(h for h in hashes if h)

    def lookup(self, hashes: Mapping[str, str | None]) -> tuple[dict[str, bool], set[str]]:
        """For a batch's articles (content hash by article id, all fetched): which are
        stored, each with whether its content and extractor version are the same; and
        which have the content of another stored page."""
        stored: dict[str, bool] = {}
        same_content: set[str] = set()
        for article_id, digest in hashes.items():
            if article_id in self._written:
                stored[article_id] = self._written[article_id][0] == digest
            elif article_id in self._committed:
                stored[article_id] = self._committed[article_id] == (digest, self.version)
            if not digest:
                continue
            # pages this transaction rewrote no longer hold their committed content
            holders = self._holders.get(digest)
            if (
                holders
                and any(other != article_id and other not in self._written for other in holders)
            ) or self._by_hash.get(digest, article_id) != article_id:
                same_content.add(article_id)
        return stored, same_content

    def begin(self) -> None:
        """A new transaction: its writes (`wrote`) are overlaid until it is `committed`."""
        self._serial += 1
        self._open.append((self._serial, []))

    def committed(self) -> None:
        """The oldest transaction begun is committed: what it wrote now is what the
        store holds (folded into the answers fetched, so nothing is read again: the
        store cannot be read while the next commit checkpoints)."""
        serial, article_ids = self._open.popleft()
        for article_id in article_ids:
            written = self._written.get(article_id)
            if written is None or written[1] != serial:  # rewritten since: still open
                continue
            del self._written[article_id]
            digest = written[0]
            if digest and self._by_hash.get(digest) == article_id:
                del self._by_hash[digest]
            old = self._committed.get(article_id, (None, None))[0]
            if old and old != digest:
                self._holders.get(old, set()).discard(article_id)
            self._committed[article_id] = (digest, self.version)
            if digest:
                self._holders.setdefault(digest, set()).add(article_id)

    def forget(self, upcoming: Iterable[tuple[str, str | None]]) -> None:
        """Drop the answers fetched that neither these upcoming (article id, content
        hash) pairs nor an open transaction's writes need, so that the view stays the
        size of the look-ahead rather than of the whole load; a page forgotten and met
        again is simply fetched again."""
        ids = set(self._written)
        hashes = {h for h, _ in self._written.values() if h}
        for article_id, digest in upcoming:
            ids.add(article_id)
            if digest:
                hashes.add(digest)
        self._ids &= ids
        self._hashes &= hashes
        self._committed = {i: v for i, v in self._committed.items() if i in ids}
        self._holders = {h: v for h, v in self._holders.items() if h in hashes}

    def wrote(self, hashes: Mapping[str, str | None]) -> None:
        """Note articles handed to the writer in the latest transaction begun (content
        hash by article id)."""
        serial, article_ids = self._open[-1]
        article_ids.extend(hashes)
        for article_id, digest in hashes.items():
            old = self._written.get(article_id, (None, 0))[0]
            if old and self._by_hash.get(old) == article_id:
                del self._by_hash[old]
            self._written[article_id] = (digest, serial)
            if digest:
                self._by_hash.setdefault(digest, article_id)
