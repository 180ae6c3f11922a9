"""No personal data in our logs."""

import logging

import pytest

from bot.text.redact import install_log_redaction, redact


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("my id is 784-1990-1234567-1 thanks", "784-1990-1234567-1"),
        ("emirates id 784199012345671", "784199012345671"),
        ("call me on +971 50 123 4567", "+971 50 123 4567"),
        ("رقمي 0501234567", "0501234567"),
        ("whatsapp 971501234567", "971501234567"),
        ("mail me at someone.name+x@example.ae", "someone.name+x@example.ae"),
        ("from +447911123456", "+447911123456"),
    ],
)
def test_personal_data_is_replaced(text, hidden):
    assert hidden not in redact(text)


def test_ordinary_text_and_fees_stay():
    text = "renew driving licence fee 320 AED, service 3704423, year 2026"
    assert redact(text) == text


def test_log_records_are_redacted(caplog):
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("daleel.test").info("customer %s wrote from %s", "a@b.ae", "+971501234567")
    assert "a@b.ae" not in caplog.text and "+971501234567" not in caplog.text
    assert "[email]" in caplog.text and "[phone]" in caplog.text


def test_uvicorn_access_lines_are_redacted_and_still_formatted():
    """uvicorn's access formatter unpacks the record's arguments: they keep their shape."""
    from uvicorn.logging import AccessFormatter

    install_log_redaction()
    record = logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/catalogue?q=+971501234567", "1.1", 200),
        None,
    )
    line = AccessFormatter("%(client_addr)s %(request_line)s %(status_code)s", use_colors=False).format(record)
    assert "+971501234567" not in line and "[phone]" in line and "200" in line


def test_numbers_and_exceptions_as_arguments(caplog):
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("daleel.test").info("%d retries, last error %s", 3, ValueError("for a@b.ae"))
    assert "3 retries" in caplog.text and "a@b.ae" not in caplog.text


def test_personal_data_in_the_message_object_or_split_across_arguments(caplog):
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("daleel.test").info(ValueError("customer a@b.ae"))
        logging.getLogger("daleel.test").info("id 784-%s-%s", "1990-1234567", "1")
    assert "a@b.ae" not in caplog.text and "1234567" not in caplog.text
