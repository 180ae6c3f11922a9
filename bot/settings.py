"""The one source of configuration: environment variables (prefix DALEEL_) with defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DALEEL_", env_file=".env", extra="ignore")

    # Anything else (e.g. "prod") is a start-up error: a typo must not quietly mean development.
    environment: Literal["development", "production"] = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'daleel.db'}"
    # Rasa is on the private network only; every call to it carries this token (rasa_ext makes Rasa
    # require it on its webhooks as well as on its HTTP API: docs/deployment.md).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("")
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
    # WhatsApp Cloud API (Meta). Empty secrets keep the webhook closed: every request is refused
    # (in development; production does not start without them unless Twilio is the connector).
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
    # Follow-ups (bot/channels/whatsapp/followups.py): this long after a routed answer the customer is
    # asked whether it worked (0: never). Inside Meta's 24-hour window with reply buttons; outside it
    # only through this approved template (empty: not sent). `python -m bot.channels.whatsapp followups`
    # sends the due ones every whatsapp_followup_poll_seconds; one is given up after max_attempts.
    whatsapp_followup_delay_seconds: float = 7200.0
    whatsapp_followup_template: str = ""
    whatsapp_followup_poll_seconds: float = 60.0
    whatsapp_followup_lease_seconds: float = 120.0
    whatsapp_followup_max_attempts: int = 5
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
    # How often the open chat widget asks for a person's replies (the agent console).
    chat_agent_poll_seconds: float = 4.0
    # A kept conversation idle longer than this, reopened: the widget tells the assistant (/returned), which
    # asks again whether a routed answer worked.
    chat_return_after_minutes: float = 30.0
    ambassador_secrets: dict[str, SecretStr] = {}
    session_secret: SecretStr = SecretStr("")
    ambassador_session_hours: float = 12.0
    # The agent console (bot/api/pages/agent.py): one access code per agents' team, JSON
    # {"team": "code"}, signed in with the same session secret. In development, with none set, the team
    # "dev" is open (bot/api/sessions.py); in production none means the console is closed, and a team
    # code at a published development value stops start-up (check_production).
    agent_secrets: dict[str, SecretStr] = {}
    agent_session_hours: float = 12.0
    # How many of the last messages of a conversation the console shows (from Rasa's tracker).
    agent_tracker_messages: int = 12
    # Security headers and the origin check (bot/api/security.py), JSON lists. Who may frame the chat
    # page (CSP frame-ancestors sources; ["*"]: any site); in production list the partner sites.
    # The app's own origins, for the staff pages' origin check ([]: the request's own host).
    chat_frame_ancestors: list[str] = ["*"]
    app_origins: list[str] = []

    # Deflection dashboard and metrics API (bot/api/v1/metrics.py, bot/api/pages/dashboard.py): the manager's
    # bearer token, also the dashboard's sign-in password. Empty: production does not start
    # (check_production); in development the documented default "daleel-dev-dashboard" applies. Days are counted in
    # metrics_timezone (an IANA zone name).
    dashboard_token: SecretStr = SecretStr("")
    dashboard_session_hours: float = 12.0
    metrics_timezone: str = "Asia/Dubai"

    # Load balancers whose X-Forwarded-For is believed (comma-separated addresses or networks, as
    # uvicorn's --forwarded-allow-ips). Empty: none, every client is the connection's peer.
    forwarded_allow_ips: str = ""

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


# --- production refuses unsafe settings -------------------------------------------------------

# Values published in the docs or the code: in production they protect nothing.
DEVELOPMENT_VALUES = frozenset(
    {"daleel-dev-salt", "daleel-dev-dashboard", "daleel-dev-ambassador", "daleel-dev-agent", "daleel-dev-session-key"}
)
# What each process needs. The action server hashes conversation ids and holds no other secret.
META_SECRETS = ("whatsapp_verify_token", "whatsapp_app_secret", "whatsapp_access_token")
APP_SECRETS = (
    "conversation_salt",
    "pseudonym_key",
    "session_secret",
    "dashboard_token",
    "rasa_token",
    *META_SECRETS,
)
ACTION_SERVER_SECRETS = ("conversation_salt",)
# What to set instead; by default a random secret of one's own.
_FROM_META = "set it from the Meta app (docs/whatsapp.md)"
HINTS = {
    "whatsapp_verify_token": "set it to a random secret, also typed in Meta's console (docs/whatsapp.md)",
    "whatsapp_app_secret": _FROM_META,
    "whatsapp_access_token": _FROM_META,
    "rasa_token": "set it to a random secret, the same on the app and the Rasa servers",
}


class UnsafeProductionSettings(RuntimeError):
    """Production with a secret left empty or at a published value (or trusting every proxy)."""


def env_name(field: str) -> str:
    return f"DALEEL_{field.upper()}"


def _value(settings: Settings, field: str) -> str:
    value = getattr(settings, field)
    return (value.get_secret_value() if isinstance(value, SecretStr) else str(value)).strip()


def unsafe_in_production(settings: Settings, secrets: tuple[str, ...] = APP_SECRETS) -> list[str]:
    """What is wrong for production, one line per setting, by its environment variable."""
    if _value(settings, "twilio_auth_token") and not any(_value(settings, f) for f in META_SECRETS):
        secrets = tuple(f for f in secrets if f not in META_SECRETS)  # Twilio is the WhatsApp connector
    problems = []
    for field in secrets:
        value = _value(settings, field)
        hint = HINTS.get(field, "set it to a random secret")
        if not value:
            problems.append(f"{env_name(field)} is empty: {hint}")
        elif value in DEVELOPMENT_VALUES:
            problems.append(f"{env_name(field)} has the published development value: {hint}")
    key = _value(settings, "pseudonym_key")
    if "pseudonym_key" in secrets and key and key == _value(settings, "conversation_salt"):
        problems.append(
            "DALEEL_PSEUDONYM_KEY equals DALEEL_CONVERSATION_SALT, which the action server holds too: "
            "set it to a random secret of its own"
        )
    agent_codes = settings.agent_secrets.items() if "session_secret" in secrets else ()  # the app's only
    for team, code in agent_codes:
        if code.get_secret_value().strip() in DEVELOPMENT_VALUES:
            problems.append(
                f"DALEEL_AGENT_SECRETS: the team {team.strip()!r} has a published development code: "
                "set it to a random secret"
            )
    if "*" in (ip.strip() for ip in settings.forwarded_allow_ips.split(",")):
        problems.append(
            "DALEEL_FORWARDED_ALLOW_IPS is '*': every client could choose its own address; "
            "list the load balancers' addresses"
        )
    return problems


def check_production(settings: Settings, secrets: tuple[str, ...] = APP_SECRETS) -> None:
    """Raises UnsafeProductionSettings, naming every offending variable, when production is unsafe."""
    if settings.environment != "production":
        return
    problems = unsafe_in_production(settings, secrets)
    if problems:
        raise UnsafeProductionSettings(
            "refusing to start in production (DALEEL_ENVIRONMENT=production):\n  - "
            + "\n  - ".join(problems)
            + "\n(see docs/deployment.md#settings)"
        )
