"""`giaouoc extract`: articles in, one contract record per article out (JSONL).

Input problems are reported one line each on stderr and counted, but never stop the run:
a crawl dump with one broken line still yields every other record, and the exit code
(1) tells scripts that something was skipped. Output to a file is written to a temporary
name and renamed at the end, so an interrupted run never leaves half a file over the
previous good one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from extract.io import InputError, read_inputs
from extract.models import Article, EventRecord

EXIT_INPUT_ERROR = 1
EXIT_FAILURE = 2


class ErrorReporter:
    """Writes one line per problem to stderr (through the progress bar when there is one)."""

    def __init__(self, console: Console | None) -> None:
        self.console = console
        self.count = 0
        self.last_article_id: str | None = None  # to name the article if extraction crashes

    def report(self, message: str) -> None:
        self.count += 1
        self.say(f"error: {message}")

    def say(self, message: str) -> None:
        line = " ".join(message.splitlines())
        if self.console is not None:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


def only_articles(
    items: Iterable[Article | InputError], errors: ErrorReporter
) -> Iterator[Article]:
    """Let articles through to the extractor and report the errors in passing."""
    for item in items:
        if isinstance(item, InputError):
            errors.report(str(item))
        else:
            errors.last_article_id = item.id
            yield item


def write_records(
    records: Iterable[EventRecord], sink: IO[bytes], on_record: Callable[[], None]
) -> int:
    count = 0
    for record in records:
        line = json.dumps(record.to_json_dict(), ensure_ascii=False) + "\n"
        sink.write(line.encode("utf-8"))
        count += 1
        on_record()
    return count


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A file that replaces `path` only once everything was written."""
    directory = path.resolve().parent
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def progress_on_tty() -> Iterator[tuple[Console | None, Callable[[], None]]]:
    """A live counter on stderr for people; nothing at all for pipes and logs."""
    if not sys.stderr.isatty():
        yield None, lambda: None
        return
    console = Console(stderr=True)
    columns = (
        SpinnerColumn(),
        TextColumn("extracting"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("extract", total=None)
        yield console, lambda: progress.advance(task)


def extract(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="JSONL files of articles ('-' for stdin; .jsonl.gz too), or .txt / .html "
            "files (id = file name without suffix).",
            show_default=False,
            metavar="INPUT",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write records here instead of stdout.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Extract one event record per article, as JSON lines (see SCHEMA.md)."""
    from extract.pipeline import Extractor  # heavy NLP import only when really extracting

    if output is not None and not output.resolve().parent.is_dir():
        sys.stderr.write(f"error: {output}: output folder does not exist\n")
        raise typer.Exit(EXIT_FAILURE)
    with progress_on_tty() as (console, tick):
        errors = ErrorReporter(console)
        articles = only_articles(read_inputs(inputs), errors)
        try:
            records = Extractor().extract_many(articles)
            if output is None:
                written = write_records(records, sys.stdout.buffer, tick)
                sys.stdout.flush()
            else:
                with atomic_output(output) as sink:
                    written = write_records(records, sink, tick)
        except BrokenPipeError:  # `giaouoc extract … | head`: the reader has had enough
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silence the exit flush)
            raise typer.Exit(0) from None
        except OSError as exc:
            errors.say(f"error: {output or 'stdout'}: cannot write: {exc.strerror or exc}")
            raise typer.Exit(EXIT_FAILURE) from None
        except Exception as exc:  # an engine bug: name the article, keep the old output
            where = f"article {errors.last_article_id!r}" if errors.last_article_id else "start"
            errors.say(f"error: extraction failed at {where}: {type(exc).__name__}: {exc}")
            raise typer.Exit(EXIT_FAILURE) from None
        if console is not None or errors.count:
            errors.say(f"{written} records, {errors.count} input error(s)")
    if errors.count:
        raise typer.Exit(EXIT_INPUT_ERROR)
