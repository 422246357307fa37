"""The `depiction` command: parses arguments, calls the library, prints. No policy logic here."""

import typer

from depiction.cli import artists, batch, check, db, evaluate, keys, optout, policy, serve

app = typer.Typer(
    help="Precise, harm-focused decisions for image-generation requests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(check.check)
app.command("eval")(evaluate.evaluate)
app.command()(batch.batch)
app.command()(serve.serve)
app.add_typer(policy.app, name="policy")
app.add_typer(optout.app, name="optout")
app.add_typer(artists.app, name="artists")
app.add_typer(keys.app, name="keys")
app.add_typer(db.app, name="db")


def main() -> None:
    """Console-script entry point."""
    app()
