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


# --- masking customer messages before Rasa stores them -----------------------------------------

from bot.text.redact import MASK, luhn_valid, mask, without_stated_data  # noqa: E402

ARABIC_DIGITS = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
PERSIAN_DIGITS = str.maketrans("0123456789", "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9")


@pytest.mark.parametrize(
    "secret",
    [
        "784-1990-1234567-1",
        "784199012345671",
        "784 1990 1234567 1",
        "+971 50 123 4567",
        "+971501234567",
        "00971501234567",
        "971501234567",
        "050 123 4567",
        "0501234567",
        "+971 4 333 4444",
        "+44 7911 123456",
        "0044 7911 123456",
        "+12025550143",
        "someone.name+x@example.ae",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",  # American Express, 15 digits
        "6011000990139424",
    ],
)
def test_every_kind_of_personal_data_is_masked(secret):
    masked = mask(f"renew my driving licence, {secret} thanks")
    assert masked == f"renew my driving licence, {MASK} thanks"


@pytest.mark.parametrize("secret", ["784-1990-1234567-1", "0501234567", "+971501234567", "4111 1111 1111 1111"])
@pytest.mark.parametrize("digits", [ARABIC_DIGITS, PERSIAN_DIGITS])
def test_arabic_indic_digits_are_masked_too(secret, digits):
    written = secret.translate(digits)
    text = "\u0627\u0628\u064a \u0627\u062c\u062f\u062f " + written  # "ابي اجدد ..."
    assert mask(text) == "\u0627\u0628\u064a \u0627\u062c\u062f\u062f " + MASK


def test_a_number_touching_arabic_letters_is_masked():
    # "رقمي0501234567" (my number...) written without a space
    assert mask("\u0631\u0642\u0645\u064a0501234567") == "\u0631\u0642\u0645\u064a" + MASK


@pytest.mark.parametrize(
    "text",
    [
        "renew driving licence fee 320 AED, service 3704423, year 2026",
        "pay 4111-1111-1111-1112",  # 16 digits, not Luhn-valid: no card
        "traffic file 1234567890123",  # 13 digits, not Luhn-valid
        '/choose_service{"service_id": "rta.driving_licence.renew"}',
        "\u0627\u0644\u0631\u0633\u0648\u0645 \u0663\u0662\u0660 \u062f\u0631\u0647\u0645",  # "الرسوم ٣٢٠ درهم"
        "2",
    ],
)
def test_what_is_not_personal_data_stays_as_written(text):
    assert mask(text) == text


def test_a_card_followed_by_a_small_number_keeps_the_number():
    assert mask("card 4111 1111 1111 1111 2 tickets") == f"card {MASK} 2 tickets"


def test_luhn():
    assert luhn_valid("4111111111111111") and luhn_valid("\u0664" + "\u0661" * 15)
    assert not luhn_valid("4111111111111112") and not luhn_valid("411111111111")  # 12 digits


def test_logs_keep_labels_and_cards_are_redacted_there_too():
    assert redact("paid with 4111 1111 1111 1111") == "paid with [card]"
    assert redact("id \u0667\u0668\u0664\u0661\u0669\u0669\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0661") == (
        "id [emirates-id]"
    )


@pytest.mark.parametrize(
    "text, left",
    [
        (f"my emirates id is {MASK}, renew my driving licence", " , renew my driving licence"),
        (f"phone: {MASK} pay my dewa bill", "  pay my dewa bill"),
        (f"my email is {MASK}", " "),
        # "رقم هويتي *** ابي اجدد" (my ID number ... I want to renew): no copula needed in Arabic
        (f"\u0631\u0642\u0645 \u0647\u0648\u064a\u062a\u064a {MASK} \u0627\u0628\u064a", "  \u0627\u0628\u064a"),
        # "renew emirates id ***": the request itself stays
        (f"renew emirates id {MASK}", "renew emirates id  "),
    ],
)
def test_words_stating_masked_data_are_left_out_for_routing(text, left):
    assert without_stated_data(text) == left
