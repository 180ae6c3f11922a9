"""Manager access to the metrics API and the dashboard: a bearer token, or the dashboard's signed cookie.

The token is DALEEL_DASHBOARD_TOKEN (it is also the sign-in password). Unset: closed in production,
DEV_TOKEN in development (see README). Changing the token signs every session out.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.api.deps import SettingsDep
from bot.api.sign_in_limits import MANAGER, client_address
from bot.settings import Settings

COOKIE = "daleel_manager"
DEV_TOKEN = "daleel-dev-dashboard"


def is_production(settings: Settings) -> bool:
    return settings.environment.strip().lower() == "production"


def manager_token(settings: Settings) -> str | None:
    """The token in force, or None when the dashboard is closed."""
    token = settings.dashboard_token.get_secret_value()
    if token:
        return token
    return None if is_production(settings) else DEV_TOKEN


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def check_token(settings: Settings, given: str) -> bool:
    expected = manager_token(settings)
    return expected is not None and bool(given) and _same(given, expected)


def _serializer(token: str, settings: Settings) -> URLSafeTimedSerializer:
    key = hashlib.sha256(f"{token}\0{settings.session_secret.get_secret_value()}".encode()).hexdigest()
    return URLSafeTimedSerializer(key, salt="daleel-dashboard-session")


def session_cookie(settings: Settings) -> str:
    token = manager_token(settings)
    if token is None:
        raise ValueError("the dashboard is closed: DALEEL_DASHBOARD_TOKEN is not set")
    return _serializer(token, settings).dumps({"role": "manager"})


def signed_in(request: Request, settings: Settings) -> bool:
    token, value = manager_token(settings), request.cookies.get(COOKIE)
    if token is None or not value:
        return False
    try:
        data = _serializer(token, settings).loads(value, max_age=int(settings.dashboard_session_hours * 3600))
    except BadSignature:  # also SignatureExpired
        return False
    return data == {"role": "manager"}


def is_manager(request: Request, settings: Settings) -> bool:
    """A right bearer token or a valid session cookie. A wrong bearer token counts as a failed sign-in
    (bot/api/sign_in_limits.py); past the limit the token is not checked and the answer is 429."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        limiter, client = request.app.state.sign_in_limiter, client_address(request)
        wait = limiter.retry_after(MANAGER, client, MANAGER)
        if wait is not None:
            raise HTTPException(status_code=429, detail="too many failed sign-in attempts: try again later",
                                headers={"Retry-After": str(wait)})
        if check_token(settings, given.strip()):
            return True
        limiter.failed(MANAGER, client, MANAGER)
    return signed_in(request, settings)


def require_manager(request: Request, settings: SettingsDep) -> None:
    if not is_manager(request, settings):
        raise HTTPException(status_code=401, detail="manager sign-in required: send Authorization: Bearer "
                            "<DALEEL_DASHBOARD_TOKEN> or sign in at /dashboard",
                            headers={"WWW-Authenticate": "Bearer"})


ManagerDep = Annotated[None, Depends(require_manager)]
