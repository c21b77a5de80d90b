"""Signed links for confirming, unsubscribing and preferences; some expire, all are signed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer

# An unsubscribe link must keep working in old mail (RFC 8058); the others expire.
LIFETIMES = {
    "confirm": timedelta(days=7),
    "preferences": timedelta(days=90),
    "unsubscribe": None,
}


class _Signer(Signer):
    """itsdangerous' signer, deriving its key once instead of on every signature."""

    def __init__(self, secret_key: str | bytes, *, salt: str) -> None:
        super().__init__(secret_key, salt=salt)
        self._key = super().derive_key()

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """The derived key (cached; it depends only on the secret and the salt)."""
        return self._key if secret_key is None else super().derive_key(secret_key)


class Tokens:
    """Issues and checks tokens that name a subscriber and the address they were sent to."""

    def __init__(self, secret: str, now: Callable[[], datetime]) -> None:
        if len(secret) < 16:
            raise ValueError("the web secret must be at least 16 characters long")
        self._signers = {
            purpose: _Signer(secret, salt=f"vestnesis-{purpose}") for purpose in LIFETIMES
        }
        self._now = now

    def issue(self, purpose: str, subscriber_id: int, email: str) -> str:
        """A URL-safe token for `purpose`."""
        issued = int(self._now().timestamp())
        payload = f"{subscriber_id}.{_fingerprint(email)}.{issued}"
        return self._signers[purpose].sign(payload).decode("ascii")

    def read(self, purpose: str, token: str) -> tuple[int, str] | None:
        """(subscriber id, address fingerprint) if the token is genuine and unexpired."""
        try:
            payload = self._signers[purpose].unsign(token.encode("ascii")).decode("ascii")
            subscriber, fingerprint, issued = payload.split(".")
            subscriber_id, issued_at = int(subscriber), int(issued)
        except (BadSignature, ValueError, UnicodeError):
            return None
        lifetime = LIFETIMES[purpose]
        if lifetime is not None and self._now().timestamp() - issued_at > lifetime.total_seconds():
            return None
        return subscriber_id, fingerprint

    @staticmethod
    def matches(email: str, fingerprint: str) -> bool:
        """True when the token was issued for this address."""
        return _fingerprint(email) == fingerprint


def _fingerprint(email: str) -> str:
    # The address itself never appears in a URL.
    return hashlib.sha256(email.lower().encode("utf-8")).hexdigest()[:16]
