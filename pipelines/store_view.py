"""What the store holds, as a loading transaction must see it before writing a batch.

Each incoming article is checked against the store: already stored with the same
content and extractor version (skip it), stored otherwise (replace it), the same
content as another stored page (a duplicate), or new. The loader's transactions run
on a worker thread (``overlap.Overlapped``) on the writer's connection, each commit
while the next transaction is being prepared, so these checks cannot use that
connection; they read the committed store on a second one and overlay what this load
has handed to the writer. The committed answers are fetched for many upcoming batches
at once (one pair of queries per look-ahead, not per 50-article staged batch). A page
this load wrote is answered from what it wrote, before its commit and after (nobody
else writes while the loader holds the file): so a commit changes nothing in the
answers, and all that follows it is forgetting, after each commit, the answers and
writes no upcoming page needs, so that the view stays the size of the look-ahead
however long the load. In the usual load of new pages nothing is kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

_STORED = """
SELECT article_id, content_hash, extractor_version FROM articles
WHERE article_id IN (SELECT key FROM incoming_ids)
"""
_HOLDERS = """
SELECT content_hash, article_id FROM articles
WHERE content_hash IN (SELECT key FROM incoming_hashes)
"""


class StoreView:
    """The committed store (read on `reader`) overlaid with the writes of this load's
    transactions (`begin`, `wrote`), kept while they are open and, once `committed`,
    as long as an upcoming page needs them (`forget`)."""

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
        self._settled: list[tuple[int, list[str]]] = []  # committed, not yet forgotten

    def __enter__(self) -> StoreView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.reader.close()

    def knows(self, hashes: Mapping[str, str | None]) -> bool:
        """Whether the answers for these pages (content hash by article id) are fetched."""
        ids, stated = _ids_and_hashes([hashes])
        return ids <= self._ids and stated <= self._hashes

    def fetch(self, pages: Iterable[Mapping[str, str | None]]) -> None:
        """Read what the committed store holds under these pages' article ids and
        content hashes (content hash by article id, a mapping per batch; an id may come
        with several hashes, a page crawled twice)."""
        ids, hashes = _ids_and_hashes(pages)
        ids -= self._ids
        hashes -= self._hashes
        if not ids and not hashes:
            return
        reader = self.reader
        for name, values in (("incoming_ids", ids), ("incoming_hashes", hashes)):
            reader.register(name, pa.table({"key": pa.array(list(values), pa.string())}))
        try:
            for article_id, digest, version in reader.execute(_STORED).fetchall():
                self._committed[article_id] = (digest, version)
            for digest, article_id in reader.execute(_HOLDERS).fetchall():
                self._holders.setdefault(digest, set()).add(article_id)
        finally:
            reader.unregister("incoming_ids")
            reader.unregister("incoming_hashes")
        self._ids |= ids
        self._hashes |= hashes

    def lookup(self, hashes: Mapping[str, str | None]) -> tuple[dict[str, bool], set[str]]:
        """For a batch's articles (content hash by article id, all fetched): which are
        stored, each with whether its content and extractor version are the same; and
        which have the content of another stored page. A page this load wrote is
        answered from what it wrote, committed or not: once committed, that is what
        the store holds."""
        stored: dict[str, bool] = {}
        same_content: set[str] = set()
        written, committed, by_hash = self._written, self._committed, self._by_hash
        for article_id, digest in hashes.items():
            if article_id in written:
                stored[article_id] = written[article_id][0] == digest
            elif article_id in committed:
                stored[article_id] = committed[article_id] == (digest, self.version)
            if not digest:
                continue
            # pages this load rewrote no longer hold their fetched content
            holders = self._holders.get(digest)
            if (
                holders and any(other != article_id and other not in written for other in holders)
            ) or by_hash.get(digest, article_id) != article_id:
                same_content.add(article_id)
        return stored, same_content

    def begin(self) -> None:
        """A new transaction: its writes (`wrote`) are kept until it is `committed`."""
        self._serial += 1
        self._open.append((self._serial, []))

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

    def committed(self) -> None:
        """The oldest transaction begun is committed: the store now holds what it
        wrote, so its writes may be forgotten (`forget`) where no page needs them."""
        self._settled.append(self._open.popleft())

    def forget(self, upcoming: Iterable[Mapping[str, str | None]]) -> None:
        """Drop the answers that neither these upcoming pages (content hash by article
        id, a mapping per batch) nor an open transaction need, so that the view stays
        the size of the look-ahead rather than of the whole load; a page forgotten
        and met again is simply fetched again (the store cannot be read while a
        commit checkpoints: a committed write an upcoming page needs is kept)."""
        ids, hashes = _ids_and_hashes(upcoming)
        written, by_hash = self._written, self._by_hash
        committed, holders = self._committed, self._holders
        # upcoming ids, and the pages this load wrote with an upcoming content
        needed = ids.union(map(by_hash.__getitem__, hashes.intersection(by_hash)))
        settled, self._settled = self._settled, []
        for serial, article_ids in settled:
            kept = []
            for article_id in article_ids:
                entry = written.get(article_id)
                if entry is None or entry[1] != serial:  # rewritten since
                    continue
                if article_id in needed:
                    kept.append(article_id)
                    continue
                del written[article_id]
                digest = entry[0]
                if digest and by_hash.get(digest) == article_id:
                    del by_hash[digest]
                if article_id in committed:
                    # the store no longer holds its fetched content under this id
                    old = committed.pop(article_id)[0]
                    if old and old != digest and old in holders:
                        holders[old].discard(article_id)
            if kept:
                self._settled.append((serial, kept))
        ids.update(written)  # their fetched content, for when they are forgotten
        self._ids &= ids
        self._hashes &= hashes
        self._committed = {i: v for i, v in committed.items() if i in ids}
        self._holders = {h: v for h, v in holders.items() if h in hashes}


def _ids_and_hashes(pages: Iterable[Mapping[str, str | None]]) -> tuple[set[str], set[str]]:
    """The article ids and the stated content hashes of pages (content hash by article
    id, a mapping per batch)."""
    ids: set[str] = set()
    hashes: set[str] = set()
    for page in pages:
        ids.update(page)
        hashes.update(filter(None, page.values()))
    return ids, hashes
