"""`python -m vestnesis` runs the command line."""

from vestnesis.cli import main

main()
