"""The one source of configuration: environment variables (prefix DALEEL_) with defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DALEEL_", env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'daleel.db'}"
    rasa_url: str = "http://127.0.0.1:5005"
    scorer_path: Path = ROOT.parent / "shared" / "eval" / "score_route.py"
    conversation_salt: str = "daleel-dev-salt"
    # The key of the WhatsApp senders' pseudonyms, the only id Rasa sees (bot/channels/pseudonym.py).
    # Empty: conversation_salt. In production a key of its own, known to the app only (the action
    # server has the salt), so trackers and action server together cannot give a number back.
    pseudonym_key: SecretStr = SecretStr("")
    # Tracker conversations, inbox and outbox rows, sender states and hand-offs older than this are
    # deleted by `python -m bot retention` (run daily, docs/deployment.md). tracker_database_url is
    # Rasa's SQL tracker store (empty: in-memory trackers, nothing to delete there).
    retention_days: int = 30
    tracker_database_url: SecretStr = SecretStr("")
    # WhatsApp Cloud API (Meta). Empty secrets keep the webhook closed: every request is refused.
    whatsapp_verify_token: SecretStr = SecretStr("")
    whatsapp_app_secret: SecretStr = SecretStr("")
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_phone_number_id: str = ""
    graph_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_send_timeout_seconds: float = 10.0
    whatsapp_send_attempts: int = 4
    whatsapp_retry_initial_seconds: float = 0.5
    whatsapp_retry_max_seconds: float = 8.0
    whatsapp_rasa_timeout_seconds: float = 30.0
    # The inbox (bot/channels/whatsapp/inbox.py): a message being processed is leased for this long (more than
    # Rasa's timeout plus the Graph API's retries), then taken again if unfinished; unfinished messages
    # are retried at start-up and every whatsapp_inbox_retry_seconds (0: at start-up only), and given
    # up after whatsapp_inbox_max_attempts.
    whatsapp_inbox_lease_seconds: float = 120.0
    whatsapp_inbox_retry_seconds: float = 30.0
    whatsapp_inbox_max_attempts: int = 10
    # WhatsApp through Twilio (bot/api/webhooks/twilio.py): the same inbox, outbox and retries. An empty
    # auth token keeps the webhook closed. Twilio signs the exact public URL it calls: behind a proxy,
    # set twilio_webhook_url to it (empty: the URL the request arrived at).
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_from: str = ""  # the sender, "whatsapp:+14155238886"
    twilio_webhook_url: str = ""
    twilio_api_url: str = "https://api.twilio.com"

    # Web chat and the ambassadors' page (bot/api/v1/chat.py, bot/api/pages/ambassador.py). Centre secrets come
    # as JSON {"centre": "secret"}; in production no secrets (or no session secret) means no sign-in.
    chat_rasa_timeout_seconds: float = 30.0
    ambassador_secrets: dict[str, SecretStr] = {}
    session_secret: SecretStr = SecretStr("")
    ambassador_session_hours: float = 12.0
    # Security headers and the origin check (bot/api/security.py), JSON lists. Who may frame the chat
    # page (CSP frame-ancestors sources; ["*"]: any site); in production list the partner sites.
    # The app's own origins, for the staff pages' origin check ([]: the request's own host).
    chat_frame_ancestors: list[str] = ["*"]
    app_origins: list[str] = []

    # Deflection dashboard and metrics API (bot/api/v1/metrics.py, bot/api/pages/dashboard.py): the manager's
    # bearer token, also the dashboard's sign-in password. Empty: in production everything is closed;
    # in development the documented default "daleel-dev-dashboard" applies. Days are counted in
    # metrics_timezone (an IANA zone name).
    dashboard_token: SecretStr = SecretStr("")
    dashboard_session_hours: float = 12.0
    metrics_timezone: str = "Asia/Dubai"

    # Abuse protection (bot/api/limits.py): per client address and first path segment.
    # Storage "memory://" for one app server; "redis://127.0.0.1:6379/2" to share limits.
    rate_limit: str = "120/minute"
    rate_limit_storage: str = "memory://"
    max_request_bytes: int = 64 * 1024
    # Failed sign-ins (bot/api/sign_in_limits.py: ambassadors' page, dashboard, the manager's bearer
    # token), in the same storage: per client address, and per account (a centre, or the manager).
    sign_in_client_limit: str = "5/15 minutes"
    sign_in_account_limit: str = "20/15 minutes"
    # Deflection events wait here, durably, while the database is unreachable (bot/store/spool.py).
    spool_path: Path = ROOT / "var" / "spool.db"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
