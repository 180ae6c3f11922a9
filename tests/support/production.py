"""Settings a production app starts with (bot/settings.py: check_production): every secret set."""

PRODUCTION_ENV = {
    "DALEEL_ENVIRONMENT": "production",
    "DALEEL_CONVERSATION_SALT": "test-salt-2f8c1d9e7b",
    "DALEEL_PSEUDONYM_KEY": "test-pseudonym-key-4e6a",
    "DALEEL_SESSION_SECRET": "test-session-secret-5a1e",
    "DALEEL_DASHBOARD_TOKEN": "test-dashboard-token-9c3b",
    "DALEEL_RASA_TOKEN": "test-rasa-token-7d2f",
    "DALEEL_WHATSAPP_VERIFY_TOKEN": "test-verify-token",
    "DALEEL_WHATSAPP_APP_SECRET": "test-app-secret",
    "DALEEL_WHATSAPP_ACCESS_TOKEN": "test-access-token",
}
