"""The agent console in a real headless Chromium (Debian's) against the app under uvicorn: a temporary
SQLite database whose hand-off is seeded through the store, and a fake Rasa API (the conversation's
messages, the resume on hand back). An agent signs in, takes, replies and hands back (or closes) with
the keyboard alone. Screenshots: var/screenshots/agent-console-en.png, agent-console-ar.png."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from bot.store import db
from bot.store.deflections import record_handoff
from bot.store.models import AgentReply, Handoff
from tests.support.browser import SHOTS, app_under_uvicorn
from tests.support.rasa_api import TOKEN, FakeRasaApi

TEAM, CODE = "contact-centre", "cc-browser-code-123456"
SERVICE = "rta.driving_licence.renew"
WAIT = 20_000  # ms: the console polls every 3 s


@pytest.fixture
def rasa():
    fake = FakeRasaApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def app_url(database_url, rasa, tmp_path):
    env = {
        "DALEEL_DATABASE_URL": database_url,
        "DALEEL_RASA_URL": rasa.url,
        "DALEEL_RASA_TOKEN": TOKEN,
        "DALEEL_AGENT_SECRETS": json.dumps({TEAM: CODE}),
    }
    with app_under_uvicorn(tmp_path / "app.log", "/agent/sign-in", env) as url:
        yield url


def waiting_handoff(rasa: FakeRasaApi, sender: str, language: str, said: str) -> int:
    """A web-chat hand-off written as the action server writes it, with its conversation in the fake Rasa."""
    record_handoff(f"web-{sender}", SERVICE, "customer_asked", channel="web", language=language)
    rasa.trackers[f"web-{sender}"] = [{"event": "user", "text": said, "timestamp": 1.0}]
    with db.session() as session:
        return session.scalars(select(Handoff.id).order_by(Handoff.id.desc())).first()


def signed_in(browser, app_url: str, lang: str, problems: list[str]):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{app_url}/agent?lang={lang}")
    assert "/agent/sign-in" in page.url
    assert page.locator("#team").input_value() == TEAM
    page.keyboard.type(CODE)  # the form opens on the access code
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/agent\?lang={lang}$"))
    return page


def focused(page) -> str | None:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.dataset.id)")


def open_with_tab(page, handoff_id: int) -> None:
    """Tab from the top of the page until the hand-off in the queue has the focus, then Enter."""
    page.locator(f'#queue [data-id="{handoff_id}"]').wait_for(timeout=WAIT)
    for _ in range(20):
        if focused(page) == str(handoff_id):
            break
        page.keyboard.press("Tab")
    assert focused(page) == str(handoff_id)
    page.keyboard.press("Enter")


def tab_to(page, element_id: str) -> None:
    for _ in range(10):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused(page) == element_id


def queue_item(page, handoff_id: int):
    return page.locator(f'#queue [data-id="{handoff_id}"]')


def replies(handoff_id: int) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AgentReply.text).where(AgentReply.handoff_id == handoff_id)))


def test_an_agent_takes_replies_and_hands_back_with_the_keyboard(app_url, rasa, browser):
    from playwright.sync_api import expect

    handoff_id = waiting_handoff(rasa, "browser-en", "en", "i want to talk to a human")
    problems: list[str] = []
    page = signed_in(browser, app_url, "en", problems)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    expect(queue_item(page, handoff_id)).to_have_class(re.compile("handoff-waiting"), timeout=WAIT)
    expect(queue_item(page, handoff_id)).to_contain_text("Waiting")

    open_with_tab(page, handoff_id)
    expect(page.locator("#take")).to_be_focused(timeout=WAIT)  # Enter moved into the hand-off
    facts = page.locator("#handoff-facts")
    expect(facts).to_contain_text("Web chat")
    expect(facts).to_contain_text("Asked for a person")
    expect(page.locator("#messages .msg-user .bubble")).to_have_text(["i want to talk to a human"])

    page.keyboard.press("Enter")  # take
    expect(page.locator("#reply")).to_be_focused(timeout=WAIT)
    expect(page.locator("#action-status")).to_have_text("You have taken this hand-off.")
    expect(queue_item(page, handoff_id)).to_have_class(re.compile("handoff-taken"))
    expect(queue_item(page, handoff_id)).to_contain_text("Taken")

    page.keyboard.type("Hello, this is Mariam from the Daleel team.")
    page.keyboard.press("Enter")  # send
    expect(page.locator("#action-status")).to_have_text("Reply sent.", timeout=WAIT)
    expect(page.locator("#messages .msg-agent .bubble")).to_have_text(
        ["Hello, this is Mariam from the Daleel team."], timeout=WAIT
    )
    assert replies(handoff_id) == ["Hello, this is Mariam from the Daleel team."]
    page.screenshot(path=str(SHOTS / "agent-console-en.png"), full_page=True)

    tab_to(page, "hand-back")
    page.keyboard.press("Enter")
    expect(page.locator("#action-status")).to_contain_text("Handed back", timeout=WAIT)
    expect(queue_item(page, handoff_id)).to_be_focused()  # back in the queue
    expect(queue_item(page, handoff_id)).to_have_class(re.compile("handoff-handed_back"))
    expect(page.locator("#reply-form")).to_be_hidden()
    assert rasa.posted == [("web-browser-en", [{"event": "resume"}])]
    assert problems == []


def test_the_arabic_console_is_right_to_left_and_arabic_only(app_url, rasa, browser):
    from playwright.sync_api import expect

    handoff_id = waiting_handoff(rasa, "browser-ar", "ar", "ابي اكلم موظف")
    problems: list[str] = []
    page = signed_in(browser, app_url, "ar", problems)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("#console").evaluate("e => getComputedStyle(e).direction") == "rtl"
    expect(queue_item(page, handoff_id)).to_contain_text("ينتظر", timeout=WAIT)

    open_with_tab(page, handoff_id)
    expect(page.locator("#take")).to_be_focused(timeout=WAIT)
    expect(page.locator("#handoff-facts")).to_contain_text("المحادثة على الموقع")
    page.keyboard.press("Enter")  # take
    expect(page.locator("#reply")).to_be_focused(timeout=WAIT)
    expect(queue_item(page, handoff_id)).to_contain_text("مستلم")
    page.keyboard.type("هلا، معك مريم من فريق دليل.")
    page.keyboard.press("Enter")
    expect(page.locator("#action-status")).to_have_text("تم إرسال الرد.", timeout=WAIT)
    expect(page.locator("#messages .msg-agent .bubble")).to_have_text(["هلا، معك مريم من فريق دليل."], timeout=WAIT)

    # Everything the page itself says is Arabic: all but the team's name, the other language's link and
    # the customer's and agent's own words (Arabic here anyway).
    ours = page.evaluate(
        """() => {
          const copy = document.body.cloneNode(true);
          copy.querySelectorAll('script, .staff-tools strong, a[hreflang="en"]').forEach(e => e.remove());
          return copy.innerText;
        }"""
    )
    assert not re.search(r"[A-Za-z]", ours.replace(TEAM, "")), ours  # the team's name is also in the facts
    page.screenshot(path=str(SHOTS / "agent-console-ar.png"), full_page=True)

    tab_to(page, "hand-back")
    page.keyboard.press("Enter")
    expect(page.locator("#action-status")).to_have_text(
        "تمت الإعادة: المساعد يرد على رسالة المتعامل الجاية.", timeout=WAIT
    )
    expect(queue_item(page, handoff_id)).to_contain_text("أُعيد للمساعد")
    expect(queue_item(page, handoff_id)).to_be_focused()
    assert problems == []
