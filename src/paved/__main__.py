"""`python -m paved`: the same as the `paved` command."""

from paved.cli.app import main

main()
