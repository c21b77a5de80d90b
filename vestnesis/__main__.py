"""`python -m vestnesis` runs the command line."""

from vestnesis.cli.main import main

main()
