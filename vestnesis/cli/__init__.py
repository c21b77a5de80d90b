"""The `vestnesis` command line: one module per command group, and what commands share.

Holds: `main` (the click group and the entry point), `digest`, `events`, `mail` (command
groups), `support` (global settings, --now, --json, the event loop), `doctor` (`vestnesis
check`), `starter` (`vestnesis init`), `progress`, `member_csv` and `spreadsheet` (member files
in and out). The top layer: it may import every other part of Vēstnesis; nothing imports it.
"""
