"""Staff sign-in for the ambassadors' page: one shared secret per service centre, a signed cookie.

Secrets come from DALEEL_AMBASSADOR_SECRETS; in development, with none configured, the centre
"dev" with the secret DEV_SECRET is open (see README). In production nothing is open by default.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.api.deps import SettingsDep
from bot.settings import Settings

COOKIE = "daleel_staff"
DEV_CENTRE, DEV_SECRET = "dev", "daleel-dev-ambassador"
_DEV_SESSION_KEY = "daleel-dev-session-key"


def is_production(settings: Settings) -> bool:
    return settings.environment.strip().lower() == "production"


def centre_secrets(settings: Settings) -> dict[str, str]:
    """Centre -> secret; empty when sign-in is impossible."""
    secrets = {c.strip(): s.get_secret_value() for c, s in settings.ambassador_secrets.items()
               if c.strip() and s.get_secret_value()}
    if is_production(settings):
        return secrets if settings.session_secret.get_secret_value() else {}
    return secrets or {DEV_CENTRE: DEV_SECRET}


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    key = settings.session_secret.get_secret_value() or _DEV_SESSION_KEY
    return URLSafeTimedSerializer(key, salt="daleel-ambassador-session")


def _fingerprint(secret: str) -> str:
    """Changing a centre's secret signs out everyone of that centre."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def check_secret(settings: Settings, centre: str, secret: str) -> bool:
    expected = centre_secrets(settings).get(centre)
    return expected is not None and hmac.compare_digest(expected.encode(), secret.encode())


def session_cookie(settings: Settings, centre: str) -> str:
    secret = centre_secrets(settings)[centre]
    return _serializer(settings).dumps({"centre": centre, "key": _fingerprint(secret)})


def signed_in_centre(request: Request, settings: Settings) -> str | None:
    """The centre of a valid, unexpired session cookie whose centre secret is unchanged, else None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        data = _serializer(settings).loads(token, max_age=int(settings.ambassador_session_hours * 3600))
    except BadSignature:  # also SignatureExpired
        return None
    secret = centre_secrets(settings).get(data.get("centre")) if isinstance(data, dict) else None
    if secret is None or not hmac.compare_digest(_fingerprint(secret), str(data.get("key"))):
        return None
    return data["centre"]


def require_staff(request: Request, settings: SettingsDep) -> str:
    centre = signed_in_centre(request, settings)
    if centre is None:
        raise HTTPException(status_code=401, detail="staff sign-in required")
    return centre


StaffDep = Annotated[str, Depends(require_staff)]
