"""X-Twilio-Signature: HMAC-SHA1, keyed with the auth token, of the public URL and the sorted form
fields; checked by the twilio library's RequestValidator."""

from __future__ import annotations

from twilio.request_validator import RequestValidator


def is_valid(url: str, form: dict[str, str], header: str | None, auth_token: str) -> bool:
    """True only for a configured auth token and a matching signature."""
    if not auth_token or not header:
        return False
    return RequestValidator(auth_token).validate(url, form, header)


def sign(url: str, form: dict[str, str], auth_token: str) -> str:
    """What Twilio puts in the header (for tests and the fake server)."""
    return RequestValidator(auth_token).compute_signature(url, form)
