"""Production refuses unsafe settings (bot/settings.py): one error naming every offending variable."""

import os

import pytest
from pydantic import ValidationError

from bot.settings import (
    ACTION_SERVER_SECRETS,
    APP_SECRETS,
    META_SECRETS,
    Settings,
    UnsafeProductionSettings,
    check_production,
    env_name,
)
from tests.support.production import PRODUCTION_ENV


@pytest.fixture
def production(monkeypatch):
    """The environment of a complete production app; tests take pieces away."""
    for name in list(os.environ):
        if name.startswith("DALEEL_"):
            monkeypatch.delenv(name)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def refusal(secrets=APP_SECRETS) -> str:
    with pytest.raises(UnsafeProductionSettings) as refused:
        check_production(Settings(_env_file=None), secrets)
    return str(refused.value)


def test_complete_production_settings_start(production):
    check_production(Settings(_env_file=None))


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize("field", APP_SECRETS)
def test_each_secret_left_empty_is_named(production, field, value):
    production.setenv(env_name(field), value)
    message = refusal()
    assert f"{env_name(field)} is empty: set it " in message
    assert message.count("\n  - ") == 1  # only that one
    assert "DALEEL_ENVIRONMENT=production" in message


@pytest.mark.parametrize(
    "field, value",
    [
        ("conversation_salt", "daleel-dev-salt"),
        ("dashboard_token", "daleel-dev-dashboard"),
        ("session_secret", "daleel-dev-session-key"),
        ("rasa_token", "daleel-dev-ambassador"),
    ],
)
def test_published_development_values_are_refused(production, field, value):
    production.setenv(env_name(field), value)
    assert f"{env_name(field)} has the published development value" in refusal()


def test_the_default_salt_is_refused_when_nothing_is_set(production):
    production.delenv("DALEEL_CONVERSATION_SALT")  # the default, daleel-dev-salt
    assert "DALEEL_CONVERSATION_SALT has the published development value" in refusal()


def test_every_offending_variable_in_one_error(monkeypatch):
    for name in list(os.environ):
        if name.startswith("DALEEL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DALEEL_ENVIRONMENT", "production")
    message = refusal()
    for field in APP_SECRETS:
        assert env_name(field) in message
    assert message.count("\n  - ") == len(APP_SECRETS)


def test_with_twilio_as_the_whatsapp_connector_metas_secrets_may_stay_empty(production):
    for field in META_SECRETS:
        production.delenv(env_name(field))
    production.setenv("DALEEL_TWILIO_AUTH_TOKEN", "twilio-auth-token")
    check_production(Settings(_env_file=None))
    production.setenv("DALEEL_WHATSAPP_APP_SECRET", "half-configured-meta")  # Meta in use too: all of it
    message = refusal()
    assert "DALEEL_WHATSAPP_VERIFY_TOKEN is empty" in message and "DALEEL_WHATSAPP_ACCESS_TOKEN is empty" in message
    production.delenv("DALEEL_WHATSAPP_APP_SECRET")
    production.delenv("DALEEL_TWILIO_AUTH_TOKEN")  # neither connector: Meta's are required
    assert refusal().count("\n  - ") == len(META_SECRETS)


def test_the_pseudonym_key_must_not_be_the_salt(production):
    production.setenv("DALEEL_PSEUDONYM_KEY", PRODUCTION_ENV["DALEEL_CONVERSATION_SALT"])
    assert "DALEEL_PSEUDONYM_KEY equals DALEEL_CONVERSATION_SALT" in refusal()


def test_trusting_every_proxy_is_refused(production):
    production.setenv("DALEEL_FORWARDED_ALLOW_IPS", "10.0.0.5, *")
    assert "DALEEL_FORWARDED_ALLOW_IPS is '*'" in refusal()
    production.setenv("DALEEL_FORWARDED_ALLOW_IPS", "10.0.0.0/24")
    check_production(Settings(_env_file=None))


def test_the_action_server_needs_only_the_salt(production):
    for field in APP_SECRETS:
        if field != "conversation_salt":
            production.delenv(env_name(field))
    check_production(Settings(_env_file=None), ACTION_SERVER_SECRETS)
    production.delenv("DALEEL_CONVERSATION_SALT")
    message = refusal(ACTION_SERVER_SECRETS)
    assert "DALEEL_CONVERSATION_SALT" in message and "DALEEL_RASA_TOKEN" not in message


def test_development_starts_with_the_defaults(monkeypatch):
    monkeypatch.setenv("DALEEL_ENVIRONMENT", "development")
    monkeypatch.delenv("DALEEL_CONVERSATION_SALT", raising=False)
    check_production(Settings(_env_file=None))


@pytest.mark.parametrize("typo", ["prod", "Production", "staging", ""])
def test_an_unknown_environment_is_a_start_up_error_naming_the_allowed_values(monkeypatch, typo):
    monkeypatch.setenv("DALEEL_ENVIRONMENT", typo)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    assert "environment" in str(refused.value)
    assert "'development' or 'production'" in str(refused.value)
