"""The chat widget and the ambassadors' lookup page in a real headless Chromium (Debian's), against
the live stack (the app talks to the real Rasa and action server). Screenshots go to var/screenshots/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from bot.api.sessions import DEV_CENTRE, DEV_SECRET
from devtools.live import query
from tests.support.browser import SHOTS, app_under_uvicorn
from tests.support.rasa_api import TOKEN, FakeRasaApi

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 780}
DESKTOP = {"width": 1280, "height": 860}
ANSWER = 90_000  # ms: a reply goes through Rasa and the action server on a busy machine


@pytest.fixture(scope="module")
def stack(live_stack):
    """The live stack, warmed up: the first message loads the route core in the action server."""
    for attempt in range(4):
        try:
            live_stack.say("browser-warm-up", "renew my driving licence")
            break
        except httpx.HTTPError:
            if attempt == 3:
                raise
    return live_stack


@pytest.fixture
def page_errors():
    return []


def new_page(browser, errors, viewport, **options):
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def is_rtl(locator) -> bool:
    return locator.evaluate("e => getComputedStyle(e).direction") == "rtl"


def send(page, message: str) -> None:
    page.locator("#chat-input").fill(message)
    page.keyboard.press("Enter")


def ambassador_events(database_url: str) -> int:
    [(count,)] = query(database_url, "SELECT count(*) FROM deflection_events WHERE source = 'ambassador'")
    return count


# --- the chat ------------------------------------------------------------------------------------


def test_english_chat_with_buttons_survives_a_reload(stack, browser, page_errors):
    page = new_page(browser, page_errors, PHONE)
    page.goto(f"{stack.app_url}/chat?lang=en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    send(page, "renew my licence")  # vague: the assistant offers the services as buttons
    choices = page.locator(".msg-bot .choice:not([disabled])")
    expect(choices.first).to_be_visible(timeout=ANSWER)
    assert choices.count() >= 2
    driving = page.locator(".msg-bot .choice:not([disabled])", has_text="driving licence").first
    title = driving.inner_text()
    driving.click()
    expect(page.locator(".msg-user .bubble").last).to_have_text(title)  # the title shown, the payload sent
    answer = page.locator(".msg-bot .bubble", has_text="RTA")
    expect(answer.first).to_be_visible(timeout=ANSWER)
    link = answer.first.locator("a")
    assert re.match(r"^https://", link.first.get_attribute("href"))
    assert link.first.get_attribute("target") == "_blank" and "noopener" in link.first.get_attribute("rel")
    assert answer.first.get_attribute("dir") == "auto" and not is_rtl(answer.first)
    assert page.locator(".msg-bot .choice[disabled]").count() >= 2  # the earlier choice is closed
    expect(page.locator(".msg-bot .choice:not([disabled])").first).to_be_visible(timeout=ANSWER)  # did it help?
    # Phone-sized: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "chat-en.png"))
    # Untrusted text stays text: no element is made from it.
    send(page, '<img src=x id=injected onerror="document.title=1"> renew my driving licence')
    expect(page.locator(".msg-user .bubble").last).to_contain_text("<img src=x")
    expect(page.locator(".msg-bot .bubble").last).to_be_visible(timeout=ANSWER)
    expect(page.locator("#chat-send")).to_be_enabled(timeout=ANSWER)
    assert page.locator("#injected").count() == 0

    before = page.locator(".chat-log .bubble").all_inner_texts()
    sender = page.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender")
    page.reload()
    expect(page.locator(".chat-log .bubble")).to_have_count(len(before))
    assert page.locator(".chat-log .bubble").all_inner_texts() == before
    assert page.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender") == sender
    assert page_errors == []


def test_arabic_chat_renders_right_to_left(stack, browser, page_errors):
    page = new_page(browser, page_errors, PHONE, locale="ar-AE")
    page.goto(f"{stack.app_url}/chat?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("#chat-send")).to_have_text("إرسال")
    send(page, "ابي اجدد رخصة القيادة")
    mine = page.locator(".msg-user .bubble").last
    expect(mine).to_have_text("ابي اجدد رخصة القيادة")
    reply = page.locator(".msg-bot .bubble").first
    expect(reply).to_be_visible(timeout=ANSWER)
    assert re.search("[\u0600-\u06ff]", reply.inner_text())
    assert reply.get_attribute("dir") == "auto" and is_rtl(reply) and is_rtl(mine)
    assert reply.locator("a").first.get_attribute("href").startswith("https://")
    expect(page.locator(".msg-bot .choice").first).to_be_visible(timeout=ANSWER)  # "did this help?"
    page.screenshot(path=str(SHOTS / "chat-ar.png"))
    # Mixed: an English message in the Arabic page reads left to right.
    send(page, "renew my driving licence")
    english = page.locator(".msg-user .bubble").last
    expect(english).to_have_text("renew my driving licence")
    assert not is_rtl(english)
    expect(page.locator("#chat-send")).to_be_enabled(timeout=ANSWER)
    assert page_errors == []


def test_new_conversation_starts_afresh(stack, browser, page_errors):
    page = new_page(browser, page_errors, PHONE)
    page.goto(f"{stack.app_url}/chat?lang=en")
    send(page, "hello")
    expect(page.locator(".msg-bot").first).to_be_visible(timeout=ANSWER)
    sender = page.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender")
    page.locator("#chat-new").click()
    expect(page.locator(".chat-log .msg")).to_have_count(0)
    expect(page.locator("#chat-welcome")).to_be_visible()
    assert page.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender") != sender


@pytest.fixture
def shop_site(stack):
    """Somebody else's site (another origin) that embeds the widget with one script tag."""
    page = (
        f'<!doctype html><html lang="en"><body><h1>A shop</h1>'
        f'<script src="{stack.app_url}/static/widget.js" async></script></body></html>'
    ).encode()

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_widget_embedded_on_another_site(shop_site, browser, page_errors):
    page = new_page(browser, page_errors, PHONE)
    page.goto(shop_site)
    launcher = page.locator("#daleel-launcher")
    expect(launcher).to_be_visible()
    expect(page.locator("#daleel-frame")).to_be_hidden()
    launcher.click()
    expect(page.locator("#daleel-frame")).to_be_visible()
    assert launcher.get_attribute("aria-expanded") == "true"
    chat = page.frame_locator("#daleel-frame")
    chat.locator("#chat-input").fill("pay my DEWA bill")
    chat.locator("#chat-input").press("Enter")
    expect(chat.locator(".msg-bot .bubble").first).to_contain_text("DEWA", timeout=ANSWER)
    page.screenshot(path=str(SHOTS / "chat-embedded.png"))
    assert page_errors == []


@pytest.fixture(scope="module")
def app_without_rasa(tmp_path_factory):
    """The real app, with Rasa's address pointing at a closed port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        app_port = sock.getsockname()[1]
    # Held bound (never listening) until the end: connecting is refused, and no process started
    # meanwhile can take the port and accept without answering.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    workdir = tmp_path_factory.mktemp("norasa")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DALEEL_RASA_URL": f"http://127.0.0.1:{dead_port}",
        "DALEEL_DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
    }
    log = (workdir / "app.log").open("w")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "bot.api.main:app", "--port", str(app_port), "--host", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{app_port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)
    dead.close()


def test_chat_says_so_when_the_assistant_is_down(app_without_rasa, browser, page_errors):
    page = new_page(browser, page_errors, PHONE)
    page.goto(f"{app_without_rasa}/chat?lang=ar")
    send(page, "ابي اجدد رخصة القيادة")
    status = page.locator("#chat-status.is-error")
    expect(status).to_have_text("المساعد غير متاح الحين. حاول مرة ثانية بعد شوي.")
    expect(page.locator(".msg-user .bubble")).to_have_count(1)  # the message is kept, nothing made up
    expect(page.locator(".msg-bot")).to_have_count(0)
    expect(page.locator("#chat-send")).to_be_enabled()


@pytest.fixture
def fake_rasa():
    fake = FakeRasaApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def app_with_fake_rasa(fake_rasa, database_url, tmp_path):
    """The real app (its own database: the widget polls for a person's replies) with the fake Rasa."""
    env = {"DALEEL_RASA_URL": fake_rasa.url, "DALEEL_RASA_TOKEN": TOKEN, "DALEEL_DATABASE_URL": database_url}
    with app_under_uvicorn(tmp_path / "app.log", "/chat", env) as url:
        yield url


def kept_conversation(page, app_url: str, minutes_ago: float) -> None:
    """localStorage holding a conversation whose last message (a "did it help?") is `minutes_ago` old."""
    page.goto(f"{app_url}/chat?lang=en")  # the origin whose storage the widget reads
    kept = {
        "sender": "returning-customer-1",
        "agentAfter": 0,
        "lastAt": int((time.time() - minutes_ago * 60) * 1000),
        "messages": [
            {"from": "user", "text": "renew my driving licence"},
            {"from": "bot", "text": "Did this help?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
        ],
    }
    page.evaluate("kept => localStorage.setItem('daleel.chat.v1', JSON.stringify(kept))", kept)


def test_chat_tells_the_assistant_once_when_the_customer_comes_back(
    app_with_fake_rasa, fake_rasa, browser, page_errors
):
    fake_rasa.replies = [
        {
            "text": "Did this help?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        }
    ]
    page = new_page(browser, page_errors, PHONE)
    kept_conversation(page, app_with_fake_rasa, minutes_ago=45)
    page.reload()
    expect(page.locator(".msg-bot .bubble")).to_have_count(2, timeout=20_000)  # the assistant's question again
    assert fake_rasa.said == [("web-returning-customer-1", "/returned")]
    expect(page.locator(".msg-user .bubble")).to_have_count(1)  # the payload is no customer bubble
    page.locator(".msg-bot").last.locator(".choice", has_text="No").click()
    expect(page.locator(".msg-user .bubble").last).to_have_text("No")
    expect(page.locator(".msg-bot .bubble")).to_have_count(3, timeout=20_000)  # the answer to "No"
    assert fake_rasa.said[-1] == ("web-returning-customer-1", "/deny")
    page.reload()  # just active: not "back" again
    expect(page.locator(".chat-log .bubble")).to_have_count(5)
    assert [message for _, message in fake_rasa.said] == ["/returned", "/deny"]
    assert page_errors == []


def test_chat_back_within_the_pause_sends_nothing(app_with_fake_rasa, fake_rasa, browser, page_errors):
    page = new_page(browser, page_errors, PHONE)
    kept_conversation(page, app_with_fake_rasa, minutes_ago=10)
    page.reload()
    expect(page.locator(".chat-log .bubble")).to_have_count(2)
    page.wait_for_timeout(1000)
    assert fake_rasa.said == []
    assert page_errors == []


# --- the ambassadors' lookup page --------------------------------------------------------------------


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); "
        "return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
    )


def test_lookup_with_the_keyboard_alone(stack, browser, page_errors):
    page = new_page(browser, page_errors, DESKTOP)
    page.goto(f"{stack.app_url}/ambassador")
    assert "/ambassador/sign-in" in page.url
    assert focused(page) == "secret"  # the form opens on the access code
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "centre" and focus_is_visible(page)
    assert page.locator("#centre").input_value() == DEV_CENTRE
    page.keyboard.press("Tab")
    page.keyboard.type(DEV_SECRET)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ambassador\?lang=en$"))
    assert focused(page) == "q"

    page.keyboard.type("renew driving licence")
    first = page.locator(".result").first
    expect(first).to_contain_text("Renew driving licence", timeout=20_000)
    expect(first).to_contain_text("AED 320")
    page.keyboard.press("Enter")  # opens the first result and takes the keyboard there
    detail = page.locator("#detail")
    expect(detail.locator("h2")).to_have_text("Renew driving licence")
    expect(detail).to_be_focused()
    expect(detail.locator("dd.fee")).to_have_text("AED 320")
    expect(detail.locator("li").first).to_be_visible()  # documents
    qr = detail.locator(".qr img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "/api/v1/qr?url=https" in qr.get_attribute("src")

    before = ambassador_events(stack.database_url)
    for _ in range(6):  # Tab through the details to the button, every stop visibly focused
        page.keyboard.press("Tab")
        assert focus_is_visible(page), focused(page)
        if focused(page) == "moved":
            break
    assert focused(page) == "moved"
    page.keyboard.press("Enter")
    expect(page.locator("#moved-confirm")).to_contain_text("Recorded: one visit moved to RTA Dubai app")
    assert ambassador_events(stack.database_url) == before + 1
    page.screenshot(path=str(SHOTS / "lookup.png"))

    page.keyboard.press("Escape")
    assert focused(page) == "q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = page.locator(".result").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    expect(detail.locator("h2")).to_have_text(second.locator(".result-name").inner_text())
    expect(second).to_have_attribute("aria-current", "true")
    assert page_errors == []


def test_lookup_in_arabic_right_to_left(stack, browser, page_errors):
    page = new_page(browser, page_errors, DESKTOP)
    page.goto(f"{stack.app_url}/ambassador/sign-in?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("#secret").fill(DEV_SECRET)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ambassador\?lang=ar$"))
    assert page.locator("html").get_attribute("dir") == "rtl" and is_rtl(page.locator("#detail"))
    page.keyboard.type("تجديد رخصة القيادة")
    expect(page.locator(".result").first).to_contain_text("تجديد رخصة القيادة", timeout=20_000)
    expect(page.locator("#detail .qr img")).to_be_visible()
    expect(page.locator("#moved")).to_have_text("المتعامل انتقل إلى التطبيق")
    fees = page.locator(".result-meta").all_inner_texts()
    assert any("درهم" in fee for fee in fees) or any("الرسوم غير معروفة" in fee for fee in fees)
    # Channel names and documents in Arabic (name_ar, documents_ar): no Latin letters but the link's own.
    expect(page.locator("#detail dl li").first).to_be_visible()
    latin = re.compile(r"[A-Za-z]")
    assert not latin.search(page.locator("#detail dl").inner_text())
    assert not any(latin.search(meta) for meta in page.locator(".result-meta").all_inner_texts())
    page.screenshot(path=str(SHOTS / "lookup-ar.png"))
    # The toggle goes back to English, still signed in.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en$"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page_errors == []


def test_lookup_refuses_without_sign_in(stack, browser, page_errors):
    page = new_page(browser, page_errors, DESKTOP)
    page.goto(f"{stack.app_url}/ambassador/sign-in?lang=en")
    page.locator("#secret").fill("not the code")
    page.keyboard.press("Enter")
    expect(page.locator("#sign-in-error")).to_be_visible()
    status = page.evaluate("""fetch('/api/v1/ambassador/deflections', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service_id: 'rta.driving_licence.renew'})})
        .then(r => r.status)""")
    assert status == 401
    page.goto(f"{stack.app_url}/ambassador")
    assert "/ambassador/sign-in" in page.url
