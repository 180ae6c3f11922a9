"""Personal data out of our logs and out of what Rasa stores: Emirates ID numbers, phone numbers,
e-mail addresses and card numbers (Luhn-valid), in Western or Arabic-Indic digits.

redact() labels them for logs ("[phone]"); mask() replaces them in customer messages before they
reach Rasa, whose tracker keeps every message text, with MASK: no letters or digits, so neither
the NLU nor the route core reads it as a word.
"""

from __future__ import annotations

import logging
import re
from typing import Callable

MASK = "***"
# A digit in any script the customers type: \d would also take Devanagari etc., these are what we mean.
_D = "[0-9\u0660-\u0669\u06f0-\u06f9]"
_SEP = r"[\s\-\u2010-\u2015.]"  # spaces, hyphens and dashes, dots between digit groups
# Not inside a longer number (a letter may touch it: "id784...", "رقمي0501234567").
_NOT_BEFORE = r"(?<![+0-9\u0660-\u0669\u06f0-\u06f9])"
_NOT_AFTER = rf"(?!{_D})"
_784 = "[7\u0667\u06f7][8\u0668\u06f8][4\u0664\u06f4]"
_PLUS = r"(?:\+|00|\u0660\u0660|\u06f0\u06f0)"
_ZERO = "[0\u0660\u06f0]"
_FIVE = "[5\u0665\u06f5]"
_971 = "[9\u0669\u06f9][7\u0667\u06f7][1\u0661\u06f1]"

EMIRATES_ID = re.compile(rf"{_NOT_BEFORE}{_784}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{7}}{_SEP}?{_D}{_NOT_AFTER}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, grouped or not; only Luhn-valid runs are cards (fees, dates and ids are not).
CARD = re.compile(rf"{_NOT_BEFORE}{_D}(?:{_SEP}?{_D}){{12,18}}{_NOT_AFTER}")
UAE_PHONE = re.compile(
    rf"{_NOT_BEFORE}(?:{_PLUS}?{_971}{_SEP}?(?:\({_ZERO}\){_SEP}?)?[1-9\u0661-\u0669\u06f1-\u06f9](?:{_SEP}?{_D}){{7,8}}"
    rf"|{_ZERO}{_FIVE}{_D}(?:{_SEP}?{_D}){{7}}){_NOT_AFTER}"
)
INTERNATIONAL_PHONE = re.compile(
    rf"{_NOT_BEFORE}{_PLUS}[1-9\u0661-\u0669\u06f1-\u06f9](?:{_SEP}?{_D}){{6,14}}{_NOT_AFTER}"
)


def _digits(text: str) -> list[int]:
    return [int(c) for c in text if c.isdigit()]  # int() reads Arabic-Indic digits too


def luhn_valid(number: str) -> bool:
    digits = _digits(number)
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


Replacement = Callable[[re.Match], str]


def _kinds(labels: dict[str, str]) -> tuple[tuple[re.Pattern, Replacement], ...]:
    """The patterns in the order they are applied (an Emirates ID is also a Luhn-looking run)."""

    def card(match: re.Match) -> str:
        # The longest Luhn-valid start of the run: "4111 1111 1111 1111 2 tickets" keeps "2 tickets".
        run = match.group()
        ends = [i + 1 for i, c in enumerate(run) if c.isdigit()]
        for count in range(min(19, len(ends)), 12, -1):
            if luhn_valid(run[: ends[count - 1]]):
                return labels["card"] + run[ends[count - 1] :]
        return run

    return (
        (EMIRATES_ID, lambda _: labels["emirates-id"]),
        (EMAIL, lambda _: labels["email"]),
        (CARD, card),
        (UAE_PHONE, lambda _: labels["phone"]),
        (INTERNATIONAL_PHONE, lambda _: labels["phone"]),
    )


_LOG_KINDS = _kinds({kind: f"[{kind}]" for kind in ("emirates-id", "email", "card", "phone")})
_MESSAGE_KINDS = _kinds(dict.fromkeys(("emirates-id", "email", "card", "phone"), MASK))


def _replace(text: str, kinds) -> str:
    for pattern, replacement in kinds:
        text = pattern.sub(replacement, text)
    return text


def redact(text: str) -> str:
    """For logs: personal data replaced by its kind ("[emirates-id]", "[email]", "[card]", "[phone]")."""
    return _replace(text, _LOG_KINDS)


def mask(text: str) -> str:
    """For stored messages: personal data replaced by MASK, everything else as written."""
    return _replace(text, _MESSAGE_KINDS)


# "my emirates id is ***", "phone: ***", "رقم هويتي هو ***": the words only say what the masked data
# was; the route core leaves them out, or "emirates id" would outweigh the service asked for.
_LABEL_EN = (
    r"(?:my\s+|the\s+)?(?:emirates\s*id|eid|id|identity\s+card|phone|mobile|telephone|whatsapp|contact|"
    r"e-?mail|mail|card|credit\s+card|debit\s+card)(?:\s+(?:number|no\.?|num|card))?\s*(?:is|[:=])"
)
# Arabic often has no copula: "رقم هويتي ***" (the number of my ID) says it without one.
_WHAT_AR = (
    r"(?:ال)?(?:هويه|هوية|هويتي|هاتف|هاتفي|تلفون|تلفوني|جوال|جوالي|موبايل|موبايلي|"
    r"ايميل|ايميلي|إيميلي|بريد|بريدي|بطاقه|بطاقة|بطاقتي)"
)
_LABEL_AR = rf"(?:رقم\s+{_WHAT_AR}\s*(?:هو|هي|:)?|(?:{_WHAT_AR}|رقمي)(?:\s+(?:رقمها|رقمه))?\s*(?:هو|هي|:))"
STATED_DATA = re.compile(rf"(?:\b{_LABEL_EN}|{_LABEL_AR})\s*{re.escape(MASK)}|{re.escape(MASK)}", re.IGNORECASE)


def without_stated_data(text: str) -> str:
    """The message without its masked data and the words that introduce it."""
    return STATED_DATA.sub(" ", text)


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
