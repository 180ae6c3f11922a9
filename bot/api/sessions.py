"""Signed sessions for staff (ambassadors per service centre, agents per team) and managers (dashboard, metrics API).

Both are an itsdangerous-signed, time-limited cookie whose key changes when the secret behind it
changes, so changing a centre's code or the dashboard token signs its sessions out.

- Staff: one access code per centre (DALEEL_AMBASSADOR_SECRETS) or agents' team (DALEEL_AGENT_SECRETS),
  each kind its own cookie. In development, with none configured, the centre or team "dev" with
  DEV_SECRET / DEV_AGENT_SECRET is open (see docs). In production nothing is open.
- Managers: DALEEL_DASHBOARD_TOKEN, as a bearer token or as the dashboard's sign-in password.
  Unset: closed in production, DEV_TOKEN in development.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import SecretStr

from bot.api.sign_in_limits import MANAGER, client_address
from bot.settings import Settings

STAFF_COOKIE, MANAGER_COOKIE, AGENT_COOKIE = "daleel_staff", "daleel_manager", "daleel_agent"
DEV_CENTRE, DEV_SECRET = "dev", "daleel-dev-ambassador"
DEV_TEAM, DEV_AGENT_SECRET = "dev", "daleel-dev-agent"
DEV_TOKEN = "daleel-dev-dashboard"
_DEV_SESSION_KEY = "daleel-dev-session-key"


def is_production(settings: Settings) -> bool:
    return settings.environment == "production"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _read(serializer: URLSafeTimedSerializer, value: str | None, hours: float):
    """The signed cookie's data, or None when missing, forged or expired."""
    if not value:
        return None
    try:
        return serializer.loads(value, max_age=int(hours * 3600))
    except BadSignature:  # also SignatureExpired
        return None


# --- staff: ambassadors per centre, agents per team -----------------------------------------------


@dataclass(frozen=True)
class StaffKind:
    """One kind of staff sign-in: whose codes, which cookie, how long it lasts."""

    name: str  # also the sign-in limiter's form
    claim: str  # the session's field naming the account
    cookie: str
    salt: str
    dev_account: str
    dev_secret: str

    def secrets(self, settings: Settings) -> dict[str, SecretStr]:
        return getattr(settings, f"{self.name}_secrets")

    def hours(self, settings: Settings) -> float:
        return getattr(settings, f"{self.name}_session_hours")


AMBASSADOR = StaffKind("ambassador", "centre", STAFF_COOKIE, "daleel-ambassador-session", DEV_CENTRE, DEV_SECRET)
AGENT = StaffKind("agent", "team", AGENT_COOKIE, "daleel-agent-session", DEV_TEAM, DEV_AGENT_SECRET)


def account_secrets(settings: Settings, kind: StaffKind) -> dict[str, str]:
    """Account (centre or team) -> access code; empty when sign-in is impossible."""
    secrets = {
        c.strip(): s.get_secret_value() for c, s in kind.secrets(settings).items() if c.strip() and s.get_secret_value()
    }
    if is_production(settings):
        return secrets if settings.session_secret.get_secret_value() else {}
    return secrets or {kind.dev_account: kind.dev_secret}


def _staff_serializer(settings: Settings, kind: StaffKind) -> URLSafeTimedSerializer:
    key = settings.session_secret.get_secret_value() or _DEV_SESSION_KEY
    return URLSafeTimedSerializer(key, salt=kind.salt)


def check_account_secret(settings: Settings, kind: StaffKind, account: str, secret: str) -> bool:
    expected = account_secrets(settings, kind).get(account)
    return expected is not None and _same(secret, expected)


def account_session_cookie(settings: Settings, kind: StaffKind, account: str) -> str:
    secret = account_secrets(settings, kind)[account]
    return _staff_serializer(settings, kind).dumps({kind.claim: account, "key": _fingerprint(secret)})


def signed_in_account(request: Request, settings: Settings, kind: StaffKind) -> str | None:
    """The account of a valid, unexpired session whose code is unchanged, else None."""
    data = _read(_staff_serializer(settings, kind), request.cookies.get(kind.cookie), kind.hours(settings))
    account = data.get(kind.claim) if isinstance(data, dict) else None
    secret = account_secrets(settings, kind).get(account) if isinstance(account, str) else None
    if secret is None or not _same(_fingerprint(secret), str(data.get("key"))):
        return None
    return account


def require_staff(request: Request, settings: Settings) -> str:
    centre = signed_in_account(request, settings, AMBASSADOR)
    if centre is None:
        raise HTTPException(status_code=401, detail="staff sign-in required")
    return centre


def require_agent(request: Request, settings: Settings) -> str:
    """The signed-in agent's team, else 401."""
    team = signed_in_account(request, settings, AGENT)
    if team is None:
        raise HTTPException(status_code=401, detail="agent sign-in required: sign in at /agent")
    return team


# --- managers -------------------------------------------------------------------------------------


def manager_token(settings: Settings) -> str | None:
    """The token in force, or None when the dashboard is closed."""
    token = settings.dashboard_token.get_secret_value()
    if token:
        return token
    return None if is_production(settings) else DEV_TOKEN


def check_token(settings: Settings, given: str) -> bool:
    expected = manager_token(settings)
    return expected is not None and bool(given) and _same(given, expected)


def _manager_serializer(token: str, settings: Settings) -> URLSafeTimedSerializer:
    key = hashlib.sha256(f"{token}\0{settings.session_secret.get_secret_value()}".encode()).hexdigest()
    return URLSafeTimedSerializer(key, salt="daleel-dashboard-session")


def manager_session_cookie(settings: Settings) -> str:
    token = manager_token(settings)
    if token is None:
        raise ValueError("the dashboard is closed: DALEEL_DASHBOARD_TOKEN is not set")
    return _manager_serializer(token, settings).dumps({"role": "manager"})


def manager_signed_in(request: Request, settings: Settings) -> bool:
    token = manager_token(settings)
    if token is None:
        return False
    data = _read(
        _manager_serializer(token, settings), request.cookies.get(MANAGER_COOKIE), settings.dashboard_session_hours
    )
    return data == {"role": "manager"}


def is_manager(request: Request, settings: Settings) -> bool:
    """A right bearer token or a valid session cookie. A wrong bearer token counts as a failed sign-in
    (bot/api/sign_in_limits.py); past the limit the token is not checked and the answer is 429."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        limiter, client = request.app.state.sign_in_limiter, client_address(request)
        wait = limiter.retry_after(MANAGER, client, MANAGER)
        if wait is not None:
            raise HTTPException(
                status_code=429,
                detail="too many failed sign-in attempts: try again later",
                headers={"Retry-After": str(wait)},
            )
        if check_token(settings, given.strip()):
            return True
        limiter.failed(MANAGER, client, MANAGER)
    return manager_signed_in(request, settings)


def require_manager(request: Request, settings: Settings) -> None:
    if not is_manager(request, settings):
        raise HTTPException(
            status_code=401,
            detail="manager sign-in required: send Authorization: Bearer "
            "<DALEEL_DASHBOARD_TOKEN> or sign in at /dashboard",
            headers={"WWW-Authenticate": "Bearer"},
        )
