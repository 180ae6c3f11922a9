"""A REST turn that failed answers 503, not 200 with no messages.

Rasa 3.6's REST channel logs any error raised while handling a message (the Redis lock store or the
tracker store unreachable, ...) and answers 200 with the messages collected so far, usually none: the
app could not tell an outage from a turn with nothing to say, and a WhatsApp message would be marked
answered with nothing sent. With this, the app sees an HTTP error (RasaUnavailable "status"): the web
chat says the assistant is unavailable, and the WhatsApp inbox keeps the message and tries again.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import wraps

# Per request: the errors raised by the turn (Sanic runs the middleware and the handler in one task).
_failures: ContextVar[list[str] | None] = ContextVar("rasa_ext_turn_failures", default=None)


def install() -> None:
    from rasa.core.channels.rest import RestInput
    from sanic import response

    original = RestInput.blueprint

    @wraps(original)
    def blueprint(self, on_new_message):
        async def recorded(message):
            try:
                return await on_new_message(message)
            except Exception as exc:
                failures = _failures.get()
                if failures is not None:
                    failures.append(type(exc).__name__)
                raise  # Rasa's handler logs it as before

        webhook = original(self, recorded)

        async def fresh(request):
            _failures.set([])

        async def failed_turn(request, answer):
            if _failures.get():
                return response.json({"status": "failure", "reason": "TurnFailed"}, status=503)
            return None

        webhook.middleware(fresh, "request")
        webhook.middleware(failed_turn, "response")
        return webhook

    RestInput.blueprint = blueprint
