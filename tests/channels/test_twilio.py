"""WhatsApp through Twilio: Twilio's form-encoded webhooks in, a fake Messages API server out.

Rasa is a fake injected through the FastAPI dependency (the real one: tests/e2e/test_twilio_e2e.py);
the signature check (the twilio library), the database, the inbox, the HTTP calls and retries are real.
"""

from __future__ import annotations

import logging

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.api.deps import get_rasa_client
from bot.api.main import create_app
from bot.channels.pseudonym import pseudonym
from bot.channels.twilio.client import TwilioClient
from bot.channels.twilio.payload import parse
from bot.channels.whatsapp import inbox, outbox
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.messages import MESSAGES
from bot.settings import get_settings
from devtools.live import query
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, SENDER, FakeTwilio, form, post, settings_env
from tests.support.whatsapp import FakeRasa

TEMPLATES = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
EN_UNSUPPORTED = TEMPLATES["unsupported"]["en"]


@pytest.fixture
def twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio_env(database_url, twilio, monkeypatch):
    values = {
        **settings_env(twilio),
        "WHATSAPP_RETRY_INITIAL_SECONDS": "0.01",
        "WHATSAPP_RETRY_MAX_SECONDS": "0.05",
        "WHATSAPP_SEND_ATTEMPTS": "3",
        "WHATSAPP_SEND_TIMEOUT_SECONDS": "2",
        "WHATSAPP_INBOX_RETRY_SECONDS": "0",
    }
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def rasa():
    return FakeRasa()


def app_client(rasa):
    app = create_app()
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    return TestClient(app)


@pytest.fixture
def client(twilio_env, rasa):
    with app_client(rasa) as test_client:
        yield test_client


# --- signature --------------------------------------------------------------------------------


def test_a_signed_message_goes_to_rasa_under_a_pseudonym_and_the_reply_through_twilio(client, rasa, twilio):
    response = post(client, form("text"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml") and "<Response>" in response.text
    assert rasa.calls == [(pseudonym(SENDER), "renew my driving licence")]
    assert "971500000001" not in rasa.calls[0][0]
    [sent] = twilio.requests
    assert sent["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent["auth"] == f"{ACCOUNT_SID}:{AUTH_TOKEN}"
    assert sent["form"] == {"From": FROM, "To": SENDER, "Body": "You can do it through the RTA Dubai app."}


@pytest.mark.parametrize(
    "signature",
    [None, "", "not-a-signature", "wrong"],
    ids=["missing", "empty", "garbage", "other-token"],
)
def test_a_missing_or_wrong_signature_is_refused(client, rasa, twilio, signature):
    fields = form("text")
    if signature is None:
        response = post(client, fields, token=None)
    elif signature == "wrong":
        response = post(client, fields, token="another-auth-token")
    else:
        response = post(client, fields, signature=signature)
    assert response.status_code == 403
    assert rasa.calls == [] and twilio.requests == []


def test_a_body_changed_after_signing_is_refused(client, rasa):
    from bot.channels.twilio.signature import sign
    from tests.support.twilio import URL

    signed = sign(URL, form("text"), AUTH_TOKEN)
    response = post(client, form("text", body="pay my dewa bill"), signature=signed)
    assert response.status_code == 403 and rasa.calls == []


def test_without_an_auth_token_the_webhook_is_closed(database_url, rasa, monkeypatch):
    monkeypatch.delenv("DALEEL_TWILIO_AUTH_TOKEN", raising=False)
    get_settings.cache_clear()
    with app_client(rasa) as test_client:
        assert post(test_client, form("text"), token="").status_code == 403
        assert post(test_client, form("text")).status_code == 403
    assert rasa.calls == []


def test_behind_a_proxy_the_public_url_is_what_is_signed(twilio_env, rasa, monkeypatch):
    public = "https://daleel.example.ae/webhooks/twilio"
    with app_client(rasa) as test_client:  # not configured: the URL the app sees is checked
        assert post(test_client, form("text"), url=public).status_code == 403
    monkeypatch.setenv("DALEEL_TWILIO_WEBHOOK_URL", public)
    get_settings.cache_clear()
    with app_client(rasa) as test_client:
        assert post(test_client, form("text"), url=public).status_code == 200
        assert post(test_client, form("empty")).status_code == 403  # signed for the internal URL
    assert len(rasa.calls) == 1


def test_another_twilio_account_is_refused(client, rasa):
    fields = form("text")
    fields["AccountSid"] = "AC99999999999999999999999999999999"
    assert post(client, fields).status_code == 403 and rasa.calls == []


# --- once per MessageSid, media, empty, status ----------------------------------------------


def test_the_same_message_sid_twice_is_processed_once(client, rasa, twilio, twilio_env):
    assert post(client, form("text")).status_code == 200
    assert post(client, form("text")).status_code == 200  # Twilio's retry
    assert len(rasa.calls) == 1 and len(twilio.delivered) == 1
    assert post(client, form("text", sid="SM00000000000000000000000000000002")).status_code == 200
    assert len(rasa.calls) == 2
    rows = query(twilio_env, "SELECT message_id, sender, text, outcome FROM whatsapp_inbox ORDER BY message_id")
    assert [r.message_id for r in rows] == [
        "twilio:SM00000000000000000000000000000002",
        f"twilio:{form('text')['MessageSid']}",
    ]
    assert all((r.sender, r.text, r.outcome) == ("", "", "answered") for r in rows)  # nothing kept once answered


@pytest.mark.parametrize("name, kind", [("image", "image"), ("empty", "empty"), ("location", "location")])
def test_media_an_empty_body_or_a_location_get_a_clear_answer_without_rasa(client, rasa, twilio, name, kind):
    assert parse(form(name)).message_type == kind
    assert post(client, form(name)).status_code == 200
    assert rasa.calls == []
    [text] = twilio.texts()
    assert text == f"{TEMPLATES['unsupported']['ar']}\n\n{EN_UNSUPPORTED}"  # language not known yet: both


def test_a_quick_reply_sends_its_payload(client, rasa):
    assert post(client, form("button")).status_code == 200
    assert rasa.calls == [(pseudonym(SENDER), "/affirm")]


def test_a_status_callback_is_acknowledged_and_not_processed(client, rasa, twilio_env):
    assert post(client, form("status")).status_code == 200
    assert rasa.calls == [] and query(twilio_env, "SELECT message_id FROM whatsapp_inbox") == []


def test_a_form_without_a_message_id_is_refused(client, rasa):
    fields = form("text")
    del fields["MessageSid"], fields["SmsMessageSid"]
    assert post(client, fields).status_code == 400 and rasa.calls == []


# --- choices, long texts, outage ------------------------------------------------------------


def test_choices_come_as_numbered_text_and_a_number_answers_them(client, rasa, twilio):
    rasa.replies = [
        {
            "text": "Which one?",
            "buttons": [
                {"title": "Renew driving licence", "payload": '/choose_service{"service_id": "s.1"}'},
                {"title": "Pay DEWA bill", "payload": '/choose_service{"service_id": "s.2"}'},
            ],
        }
    ]
    post(client, form("text", body="licence"))
    [text] = twilio.texts()
    assert "1. Renew driving licence" in text and "2. Pay DEWA bill" in text
    post(client, form("text", sid="SM00000000000000000000000000000003", body="2"))
    assert rasa.calls[-1] == (pseudonym(SENDER), '/choose_service{"service_id": "s.2"}')


def test_a_long_reply_is_split_within_twilio_s_limit(client, rasa, twilio):
    rasa.replies = [{"text": "x" * 4000}]
    post(client, form("text"))
    assert [len(t) for t in twilio.texts()] == [1600, 1600, 800]


def test_an_outage_keeps_the_reply_and_resend_delivers_it_through_twilio(client, rasa, twilio, twilio_env):
    twilio.always_fail = True
    assert post(client, form("text")).status_code == 200
    assert len(twilio.requests) == 3 and twilio.delivered == []
    [(recipient,)] = query(twilio_env, "SELECT recipient FROM whatsapp_outbox WHERE sent_at IS NULL")
    assert recipient == SENDER
    settings = get_settings()
    assert outbox.resend(GraphClient.from_settings(settings)).pending == 1  # without a Twilio client: waits
    twilio.always_fail = False
    report = outbox.resend(GraphClient.from_settings(settings), TwilioClient.from_settings(settings))
    assert (report.sent, report.failed) == (1, 0)
    assert twilio.texts() == ["You can do it through the RTA Dubai app."]


def test_an_unfinished_message_is_retried_through_twilio(client, rasa, twilio, twilio_env):
    from bot.channels.rasa import RasaUnavailable

    rasa.error = RasaUnavailable("unreachable", "ConnectError")
    post(client, form("text"))
    assert twilio.texts() == [TEMPLATES["unavailable"]["en"]]  # in the language of the message
    rasa.error = None
    settings = get_settings()
    assert inbox.retry_due(rasa, GraphClient.from_settings(settings), settings).skipped == 1  # no Twilio client
    report = inbox.retry_due(rasa, GraphClient.from_settings(settings), settings, TwilioClient.from_settings(settings))
    assert report.answered == 1
    assert twilio.texts()[-1] == "You can do it through the RTA Dubai app."


def test_no_phone_number_or_text_in_the_logs(client, rasa, twilio, caplog):
    caplog.set_level(logging.DEBUG)
    twilio.always_fail = True
    post(client, form("text", body="my emirates id is 784-1990-1234567-1"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "outbox" in logged
    assert "971500000001" not in logged and "784-1990" not in logged
