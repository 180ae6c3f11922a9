"""`rasa run` closed to whoever lacks the token, on a private interface, without open CORS.

Rasa 3.6 checks `--auth-token` (as `?token=`) only on its HTTP API (/conversations..., /model,
/status); its channel webhooks (/webhooks/rest/webhook) take anyone's message for any sender. Here:

- the token comes from DALEEL_RASA_TOKEN (never on a command line, where `ps` shows it), and
  `rasa run` refuses to start without one;
- every /webhooks/... request needs it too (`Authorization: Bearer <token>`, or `?token=`): 401;
- the interface is DALEEL_RASA_HOST, default 127.0.0.1 (Rasa's own default is every interface);
- CORS allows DALEEL_APP_ORIGINS only (the app's own origins, a JSON list as the app reads it, or
  comma-separated; empty: no cross-origin access at all).

Explicit `--auth-token`, `--interface`/`-i` and `--cors` arguments still win.
"""

from __future__ import annotations

import hmac
import inspect
import json
from collections.abc import Mapping
from functools import wraps

TOKEN_ENV, HOST_ENV, ORIGINS_ENV = "DALEEL_RASA_TOKEN", "DALEEL_RASA_HOST", "DALEEL_APP_ORIGINS"
WEBHOOKS = "/webhooks/"


class MissingToken(SystemExit):
    pass


def _given(args: list[str], *names: str) -> bool:
    return any(a in names or a.startswith(tuple(f"{n}=" for n in names)) for a in args)


def origins(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("["):
        return [str(o).strip() for o in json.loads(value) if str(o).strip()]
    return [o.strip() for o in value.split(",") if o.strip()]


def run_arguments(args: list[str], environ: Mapping[str, str]) -> list[str]:
    """`rasa` arguments (without the program name) completed from the environment for `run`."""
    if not args or args[0] != "run":
        return args
    args = list(args)
    if not _given(args, "--auth-token"):
        token = environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise MissingToken(
                f"rasa_ext: refusing to start Rasa without a token: set {TOKEN_ENV} (the same value as the app's)"
            )
        args.append(f"--auth-token={token}")  # one argument: a token may start with "-" (token_urlsafe)
    if not _given(args, "--interface", "-i"):
        args += ["--interface", environ.get(HOST_ENV, "").strip() or "127.0.0.1"]
    if not _given(args, "--cors"):
        allowed_origins = origins(environ.get(ORIGINS_ENV, ""))
        if allowed_origins:
            args += ["--cors", *allowed_origins]
    return args


def provided_token(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> str:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return (query.get("token") or [""])[0]


def allowed(path: str, token: str, provided: str) -> bool:
    """Only the webhooks are checked here: Rasa's API checks its own routes (requires_auth)."""
    return not path.startswith(WEBHOOKS) or hmac.compare_digest(provided.encode(), token.encode())


def install() -> None:
    """Every Sanic app `rasa run` configures gets the webhook check, with the run's --auth-token."""
    import rasa.core.run
    from sanic import response

    original = rasa.core.run.configure_app
    signature = inspect.signature(original)

    @wraps(original)
    def configure_app(*args, **kwargs):
        app = original(*args, **kwargs)
        token = signature.bind(*args, **kwargs).arguments.get("auth_token")
        if not token:
            raise MissingToken(f"rasa_ext: refusing to serve Rasa without a token: set {TOKEN_ENV}")

        async def require_token(request):
            if not allowed(request.path, token, provided_token(request.headers, request.args)):
                return response.json({"status": "failure", "reason": "NotAuthenticated"}, status=401)
            return None

        app.register_middleware(require_token, "request")
        return app

    rasa.core.run.configure_app = configure_app
