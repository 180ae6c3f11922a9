"""Rasa knows a WhatsApp customer only by a keyed pseudonym of the number."""

import pytest

from bot.channels.pseudonym import PREFIX, pseudonym
from bot.settings import get_settings


@pytest.fixture
def key(monkeypatch):
    def use(value: str) -> None:
        monkeypatch.setenv("DALEEL_PSEUDONYM_KEY", value)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_no_digits_of_the_number_and_the_same_customer_on_both_channels(key):
    key("k1")
    meta, twilio = pseudonym("971500000001"), pseudonym("whatsapp:+971500000001")
    assert meta == twilio and meta.startswith(PREFIX) and len(meta) == len(PREFIX) + 32
    assert "971500000001" not in meta and "0000001" not in meta
    assert pseudonym("971500000002") != meta


def test_keyed_another_key_gives_another_pseudonym(key):
    key("k1")
    first = pseudonym("971500000001")
    key("k2")
    assert pseudonym("971500000001") != first


def test_without_a_key_of_its_own_the_conversation_salt_keys_it(key, monkeypatch):
    key("")
    monkeypatch.setenv("DALEEL_CONVERSATION_SALT", "salt-a")
    get_settings.cache_clear()
    first = pseudonym("971500000001")
    monkeypatch.setenv("DALEEL_CONVERSATION_SALT", "salt-b")
    get_settings.cache_clear()
    assert pseudonym("971500000001") != first
