"""The `giaouoc` command line: one Typer app, each command a thin shell over its stage.

Commands live beside the stage they drive (``extract.cli``, ``crawler.cli``,
``pipelines.commands``) and are registered here, so this file is only the table of
contents of the tool.
"""

from __future__ import annotations

import typer

from crawler import cli as crawler_cli
from extract import cli as extract_cli
from pipelines import commands as store_commands
from pipelines import schedule as schedule_command

app = typer.Typer(
    name="giaouoc",
    help="Find Vietnamese news about emulation pledges (giao ước thi đua) and make them data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("extract")(extract_cli.extract)
app.command("crawl")(crawler_cli.crawl)
app.command("serve-sample")(crawler_cli.serve_sample)
app.command("run")(store_commands.run)
app.command("demo")(store_commands.demo)
app.command("load")(store_commands.load)
app.command("reextract")(store_commands.reextract)
app.command("query")(store_commands.query)
app.command("export")(store_commands.export_command)
app.command("stats")(store_commands.stats)
app.command("schedule")(schedule_command.schedule)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
