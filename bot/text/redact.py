"""Personal data out of our logs: Emirates ID numbers, phone numbers and e-mail addresses are
replaced before any log record is formatted, in every logger of the process."""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"\b784[-\s]?\d{4}[-\s]?\d{7}[-\s]?\d\b"), "[emirates-id]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w])(?:\+|00)?971[\s-]?5\d(?:[\s-]?\d){7}\b|(?<![\w])05\d(?:[\s-]?\d){7}\b"), "[phone]"),
    (re.compile(r"(?<![\w])(?:\+|00)[1-9]\d{7,14}\b"), "[phone]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_installed = False


def _redacted(value: object) -> object:
    """A log argument with personal data replaced; numbers (and text without any) stay as they are."""
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def install_log_redaction() -> None:
    """Redact every log record of this process at creation (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        # Message and arguments are redacted apart: formatters such as uvicorn's access log unpack
        # record.args, so they keep their shape...
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a malformed record is logged as it is)
            return record
        # ...unless personal data only shows once they are put together ("784-%s" % "1990-...").
        if redact(message) != message:
            record.msg, record.args = redact(message), None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
