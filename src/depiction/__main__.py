"""`python -m depiction` runs the CLI."""

from depiction.cli import main

main()
