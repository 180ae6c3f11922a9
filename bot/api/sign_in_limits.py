"""Failed sign-ins are limited per client address and per account (the `limits` library, in the same
storage as the request limits: memory, or Redis shared by several app servers).

Only failures count. While a limit is used up the sign-in is refused (429 with Retry-After) before the
secret is checked, so guessing cannot go on; a successful sign-in forgets that client's failures.
Accounts: a service centre on the ambassadors' page, "manager" for the dashboard's token (also when
it is sent as a bearer token to the metrics API: it is the same secret).
"""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import parse

from bot.api.limits import SharedLimiter
from bot.settings import Settings

MANAGER = "manager"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class SignInLimiter:
    def __init__(self, settings: Settings):
        self.per_client = parse(settings.sign_in_client_limit)
        self.per_account = parse(settings.sign_in_account_limit)
        self.limiter = SharedLimiter(settings.rate_limit_storage)

    def _limits(self, form: str, client: str, account: str | None):
        yield self.per_client, ("sign-in", form, "client", client)
        if account is not None:  # a name that is no account has nothing to protect
            yield self.per_account, ("sign-in", form, "account", account)

    def retry_after(self, form: str, client: str, account: str | None) -> int | None:
        """Seconds until one more attempt is allowed while a limit is used up, else None."""
        waits = [
            self.limiter.get_window_stats(rate, *keys).reset_time - time.time()
            for rate, keys in self._limits(form, client, account)
            if not self.limiter.test(rate, *keys)
        ]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, form: str, client: str, account: str | None) -> None:
        for rate, keys in self._limits(form, client, account):
            self.limiter.hit(rate, *keys)

    def succeeded(self, form: str, client: str) -> None:
        self.limiter.clear(self.per_client, "sign-in", form, "client", client)


def retry_minutes(seconds: int) -> int:
    """The wait as said on the pages: whole minutes, rounded up."""
    return max(1, math.ceil(seconds / 60))
