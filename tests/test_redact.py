"""No personal data in our logs."""
import logging

import pytest

from bot.redact import install_log_redaction, redact


@pytest.mark.parametrize("text, hidden", [
    ("my id is 784-1990-1234567-1 thanks", "784-1990-1234567-1"),
    ("emirates id 784199012345671", "784199012345671"),
    ("call me on +971 50 123 4567", "+971 50 123 4567"),
    ("رقمي 0501234567", "0501234567"),
    ("whatsapp 971501234567", "971501234567"),
    ("mail me at someone.name+x@example.ae", "someone.name+x@example.ae"),
    ("from +447911123456", "+447911123456"),
])
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
