"""The agent console with a web-chat customer, end to end on the live stack (real Rasa, action server,
SQLite) and the app under uvicorn, in two headless Chromium pages: the customer on /chat asks a service
question and then for a person; the agent on /agent signs in, takes the hand-off with the keyboard and
replies; the customer sees the reply as from the Daleel team; the agent hands back and the assistant
answers the customer's next question. Screenshots: var/screenshots/agent-console-web-en.png, -ar.png
and web-chat-agent-reply.png."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from bot.store.deflections import hash_conversation
from devtools.live import query
from tests.support.browser import SHOTS, app_under_uvicorn

TEAM, CODE = "contact-centre", "web-e2e-contact-centre-code"
ANSWER = 180_000  # ms: a real Rasa answer on a loaded 2-core machine can take a while
WAIT = 30_000  # ms: the console polls every 3 s, the widget every 4 s


@pytest.fixture(scope="module")
def stack(live_stack):
    """The live stack, warmed up: the first message loads the route core in the action server."""
    for attempt in range(4):
        try:
            live_stack.say("web-console-warm-up", "renew my driving licence")
            break
        except httpx.HTTPError:
            if attempt == 3:
                raise
    return live_stack


@pytest.fixture
def app_url(stack, tmp_path):
    """The app under uvicorn on the live stack's database and Rasa, with an agent team configured."""
    env = {
        "DALEEL_DATABASE_URL": stack.database_url,
        "DALEEL_RASA_URL": stack.rasa_url,
        "DALEEL_RASA_TOKEN": stack.rasa_token,
        "DALEEL_SPOOL_PATH": str(tmp_path / "spool.db"),
        "DALEEL_AGENT_SECRETS": json.dumps({TEAM: CODE}),
        "DALEEL_CHAT_RASA_TIMEOUT_SECONDS": "150",
    }
    with app_under_uvicorn(tmp_path / "app.log", "/agent/sign-in", env) as url:
        yield url


def watched(context, problems: list[str]):
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def customer_says(page, text: str) -> None:
    """Type into the chat and wait until the assistant's answer to it has arrived."""
    from playwright.sync_api import expect

    page.locator("#chat-input").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator("#chat-log .msg-user .bubble").last).to_have_text(text, timeout=WAIT)
    expect(page.locator("#daleel-chat")).to_have_attribute("aria-busy", "false", timeout=ANSWER)
    expect(page.locator("#chat-status")).to_be_hidden()  # no error shown
    last = page.locator("#chat-log > li").last
    expect(last).to_have_class(re.compile("msg-bot"))


def bot_texts_after_last_question(page) -> str:
    return page.evaluate(
        """() => {
          const items = [...document.querySelectorAll('#chat-log > li')];
          let last = -1;
          items.forEach((li, i) => { if (li.classList.contains('msg-user')) last = i; });
          return items.slice(last + 1).filter(li => li.classList.contains('msg-bot'))
                      .map(li => li.innerText).join(' ');
        }"""
    )


def focused(page) -> str | None:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.dataset.id)")


def tab_until(page, wanted: str, presses: int = 20) -> None:
    for _ in range(presses):
        if focused(page) == wanted:
            return
        page.keyboard.press("Tab")
    assert focused(page) == wanted


def signed_in_console(context, app_url: str, lang: str, problems: list[str]):
    page = watched(context, problems)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{app_url}/agent?lang={lang}")
    if "/agent/sign-in" in page.url:
        assert page.locator("#team").input_value() == TEAM
        page.keyboard.type(CODE)  # the form opens on the access code
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/agent\?lang={lang}$"))
    return page


def open_handoff(page, handoff_id: int) -> None:
    """Tab through the queue to the hand-off, Enter opens it (the focus moves to Take or the reply box)."""
    page.locator(f'#queue [data-id="{handoff_id}"]').wait_for(timeout=WAIT)
    tab_until(page, str(handoff_id))
    page.keyboard.press("Enter")


def test_a_web_chat_customer_gets_a_person_then_the_assistant_again(app_url, stack, browser):
    from playwright.sync_api import expect

    problems: list[str] = []
    customer_context = browser.new_context(viewport={"width": 420, "height": 820})
    agent_context = browser.new_context()
    try:
        # 1. The customer asks a service question, then for a person.
        chat = watched(customer_context, problems)
        chat.goto(f"{app_url}/chat?lang=en")
        customer_says(chat, "renew my driving licence")
        assert "RTA" in bot_texts_after_last_question(chat)
        customer_says(chat, "I want to talk to a real person")
        assert "colleague" in bot_texts_after_last_question(chat)  # utter_handoff

        sender = chat.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender")
        [(handoff_id,)] = query(
            stack.database_url,
            "SELECT id FROM handoffs WHERE conversation_hash = :h AND state = 'waiting'",
            h=hash_conversation("web-" + sender),
        )

        # 2. The agent signs in, sees the waiting hand-off, takes it and replies, keyboard only.
        console = signed_in_console(agent_context, app_url, "en", problems)
        item = console.locator(f'#queue [data-id="{handoff_id}"]')
        expect(item).to_have_class(re.compile("handoff-waiting"), timeout=WAIT)
        open_handoff(console, handoff_id)
        expect(console.locator("#take")).to_be_focused(timeout=WAIT)
        expect(console.locator("#handoff-facts")).to_contain_text("Web chat")
        expect(console.locator("#handoff-facts")).to_contain_text("Asked for a person")
        expect(console.locator("#messages .msg-user .bubble")).to_contain_text(
            ["renew my driving licence", "I want to talk to a real person"], timeout=WAIT
        )
        console.keyboard.press("Enter")  # take
        expect(console.locator("#reply")).to_be_focused(timeout=WAIT)
        expect(item).to_have_class(re.compile("handoff-taken"), timeout=WAIT)
        console.keyboard.type("Hello, I am Sara from the team")
        console.keyboard.press("Enter")  # send
        expect(console.locator("#action-status")).to_have_text("Reply sent.", timeout=WAIT)
        expect(console.locator("#messages .msg-agent .bubble")).to_have_text(
            ["Hello, I am Sara from the team"], timeout=WAIT
        )
        console.screenshot(path=str(SHOTS / "agent-console-web-en.png"), full_page=True)

        # 3. The customer's page shows the reply as from the team, within the widget's poll.
        from_team = chat.locator("#chat-log .msg-agent")
        expect(from_team.locator(".bubble")).to_have_text(["Hello, I am Sara from the team"], timeout=WAIT)
        expect(from_team.locator(".msg-from")).to_have_text(["Daleel team"])
        chat.screenshot(path=str(SHOTS / "web-chat-agent-reply.png"), full_page=True)

        # The same hand-off in the Arabic console (same agent session): right to left, Arabic labels.
        arabic = signed_in_console(agent_context, app_url, "ar", problems)
        assert arabic.evaluate("document.documentElement.dir") == "rtl"
        expect(arabic.locator(f'#queue [data-id="{handoff_id}"]')).to_contain_text("مستلم", timeout=WAIT)
        open_handoff(arabic, handoff_id)
        expect(arabic.locator("#handoff-facts")).to_contain_text("المحادثة على الموقع", timeout=WAIT)
        expect(arabic.locator("#messages .msg-agent .bubble")).to_have_text(
            ["Hello, I am Sara from the team"], timeout=WAIT
        )
        arabic.screenshot(path=str(SHOTS / "agent-console-web-ar.png"), full_page=True)
        arabic.close()

        # 4. The agent hands back; the assistant answers the customer's next question.
        console.bring_to_front()
        console.locator("#reply").focus()
        tab_until(console, "hand-back", 10)
        console.keyboard.press("Enter")
        expect(console.locator("#action-status")).to_contain_text("Handed back", timeout=WAIT)
        expect(item).to_have_class(re.compile("handoff-handed_back"), timeout=WAIT)

        customer_says(chat, "how do i pay a salik fine")
        answer = bot_texts_after_last_question(chat)
        assert "Salik" in answer and "https://" in answer, answer
        expect(chat.locator("#chat-log .msg-agent")).to_have_count(1)  # nothing more from the team

        steps = query(
            stack.database_url, "SELECT step FROM handoff_steps WHERE handoff_id = :i ORDER BY id", i=handoff_id
        )
        assert [s for (s,) in steps] == ["waiting", "taken", "replied", "handed_back"]
        assert problems == []
    finally:
        customer_context.close()
        agent_context.close()
