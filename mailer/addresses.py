"""Internationalised addresses (RFC 6530) on the wire: as written, or in ASCII when possible."""

from __future__ import annotations

import idna


def ascii_address(address: str) -> str | None:
    """The address with its domain in IDNA ("anna@bērziņš.lv" → "anna@xn--brzi-…"), or None
    when the part before the @ is not ASCII (only an SMTPUTF8 relay can carry that)."""
    local, at, domain = address.rpartition("@")
    if not at or not local.isascii():
        return None
    if domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        return None


def needs_smtputf8(address: str) -> bool:
    """True when only an SMTPUTF8 relay can deliver to `address` (a non-ASCII mailbox name)."""
    return ascii_address(address) is None
