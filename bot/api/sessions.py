"""Signed sessions for staff (ambassadors, per service centre) and managers (dashboard, metrics API).

Both are an itsdangerous-signed, time-limited cookie whose key changes when the secret behind it
changes, so changing a centre's code or the dashboard token signs its sessions out.

- Staff: one access code per centre (DALEEL_AMBASSADOR_SECRETS). In development, with none
  configured, the centre "dev" with DEV_SECRET is open (see docs). In production nothing is open.
- Managers: DALEEL_DASHBOARD_TOKEN, as a bearer token or as the dashboard's sign-in password.
  Unset: closed in production, DEV_TOKEN in development.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.api.sign_in_limits import MANAGER, client_address
from bot.settings import Settings

STAFF_COOKIE, MANAGER_COOKIE = "daleel_staff", "daleel_manager"
DEV_CENTRE, DEV_SECRET = "dev", "daleel-dev-ambassador"
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


# --- staff ----------------------------------------------------------------------------------------


def centre_secrets(settings: Settings) -> dict[str, str]:
    """Centre -> access code; empty when sign-in is impossible."""
    secrets = {
        c.strip(): s.get_secret_value()
        for c, s in settings.ambassador_secrets.items()
        if c.strip() and s.get_secret_value()
    }
    if is_production(settings):
        return secrets if settings.session_secret.get_secret_value() else {}
    return secrets or {DEV_CENTRE: DEV_SECRET}


def _staff_serializer(settings: Settings) -> URLSafeTimedSerializer:
    key = settings.session_secret.get_secret_value() or _DEV_SESSION_KEY
    return URLSafeTimedSerializer(key, salt="daleel-ambassador-session")


def check_secret(settings: Settings, centre: str, secret: str) -> bool:
    expected = centre_secrets(settings).get(centre)
    return expected is not None and _same(secret, expected)


def staff_session_cookie(settings: Settings, centre: str) -> str:
    secret = centre_secrets(settings)[centre]
    return _staff_serializer(settings).dumps({"centre": centre, "key": _fingerprint(secret)})


def signed_in_centre(request: Request, settings: Settings) -> str | None:
    """The centre of a valid, unexpired session whose centre code is unchanged, else None."""
    data = _read(_staff_serializer(settings), request.cookies.get(STAFF_COOKIE), settings.ambassador_session_hours)
    secret = centre_secrets(settings).get(data.get("centre")) if isinstance(data, dict) else None
    if secret is None or not _same(_fingerprint(secret), str(data.get("key"))):
        return None
    return data["centre"]


def require_staff(request: Request, settings: Settings) -> str:
    centre = signed_in_centre(request, settings)
    if centre is None:
        raise HTTPException(status_code=401, detail="staff sign-in required")
    return centre


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
