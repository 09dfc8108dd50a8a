"""Stable pseudonymous member ids: a keyed hash (HMAC-SHA256) of the normalized email."""

import hashlib
import hmac


def normalize_email(email: str) -> str:
    """The email as a person key: trimmed and case-folded."""
    return (email or "").strip().casefold()


def member_id(email: str, key: str, *, namespace: str = "member") -> str:
    """A 16-hex-digit id for the person behind `email`; stable across rounds under the same key.

    `namespace` separates ids of different kinds (a synthetic member seeded from a respondent
    gets an id unrelated to the respondent's own).
    """
    message = f"{namespace}:{normalize_email(email)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:16]


def seed_of(member: str) -> int:
    """A deterministic integer seed derived from a member id."""
    return int(member, 16)
