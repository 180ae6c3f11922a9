"""The agent console in a real headless Chromium (Debian's) against the live stack: a web-chat customer
asks for a person, an agent takes the hand-off, replies and hands back with the keyboard alone, the
widget shows the reply as from a person, and the assistant answers again. Screenshots of the console
in English and Arabic go to var/screenshots/ (agent-console-en.png, agent-console-ar.png)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.api.sessions import DEV_AGENT_SECRET, DEV_TEAM
from bot.store.deflections import hash_conversation
from devtools.live import query
from tests.browser import test_pages_browser as pages
from tests.browser.test_pages_browser import ANSWER, DESKTOP, PHONE, SHOTS, is_rtl, new_page, send

# The chat tests' fixtures: one Chromium and the warmed-up live stack.
browser, stack, page_errors = pages.browser, pages.stack, pages.page_errors

POLL = 20_000  # ms: the console and the widget poll every few seconds


def customer_asks_for_a_person(stack, browser, errors, lang: str, text: str):
    """A chat page whose customer has asked for a person; (page, the hand-off's id)."""
    page = new_page(browser, errors, PHONE)
    page.goto(f"{stack.app_url}/chat?lang={lang}")
    send(page, text)
    expect(page.locator(".msg-bot .bubble").last).to_be_visible(timeout=ANSWER)
    sender = page.evaluate("JSON.parse(localStorage.getItem('daleel.chat.v1')).sender")
    rows = query(
        stack.database_url,
        "SELECT id FROM handoffs WHERE conversation_hash = :h AND state = 'waiting'",
        h=hash_conversation(f"web-{sender}"),
    )
    assert len(rows) == 1, f"no waiting hand-off for the chat: {rows}"
    return page, rows[0][0]


def agent_signed_in(browser, errors, stack, lang: str):
    page = new_page(browser, errors, DESKTOP)
    page.goto(f"{stack.app_url}/agent?lang={lang}")
    assert "/agent/sign-in" in page.url
    assert page.locator("#team").input_value() == DEV_TEAM
    page.keyboard.type(DEV_AGENT_SECRET)  # the form opens on the access code
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/agent\?lang={lang}$"))
    return page


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.dataset.id)")


def open_with_the_keyboard(console, handoff_id: int) -> None:
    """Tab into the queue, then Down until the hand-off has the focus, then Enter."""
    item = console.locator(f'#queue [data-id="{handoff_id}"]')
    expect(item).to_be_visible(timeout=POLL)
    for _ in range(40):
        if focused(console) == str(handoff_id):
            break
        on_queue = console.evaluate("document.activeElement.closest('#queue') !== null")
        console.keyboard.press("ArrowDown" if on_queue else "Tab")
    assert focused(console) == str(handoff_id)
    console.keyboard.press("Enter")


def test_an_agent_answers_a_web_chat_customer_then_hands_back(stack, browser, page_errors):
    chat, handoff_id = customer_asks_for_a_person(stack, browser, page_errors, "en", "i want to talk to a human")
    expect(chat.locator(".msg-bot .bubble").last).to_contain_text("colleague")
    console = agent_signed_in(browser, page_errors, stack, "en")
    assert console.locator("html").get_attribute("dir") == "ltr"
    open_with_the_keyboard(console, handoff_id)
    expect(console.locator("#take")).to_be_focused(timeout=POLL)  # Enter moved into the hand-off
    facts = console.locator("#handoff-facts")
    expect(facts).to_contain_text("Waiting")
    expect(facts).to_contain_text("Web chat")
    expect(facts).to_contain_text("Asked for a person")
    expect(console.locator("#messages .msg-user .bubble").last).to_have_text("i want to talk to a human")

    console.keyboard.press("Enter")  # take
    expect(console.locator("#reply")).to_be_focused(timeout=POLL)
    expect(console.locator("#action-status")).to_have_text("You have taken this hand-off.")
    console.keyboard.type("Hello, this is Mariam from the Daleel team. How can I help?")
    console.keyboard.press("Enter")  # send
    expect(console.locator("#action-status")).to_have_text("Reply sent.", timeout=POLL)
    expect(console.locator("#messages .msg-agent .bubble").last).to_contain_text("Mariam", timeout=POLL)

    agent_bubble = chat.locator(".msg-agent .bubble")
    expect(agent_bubble).to_have_text(
        "Hello, this is Mariam from the Daleel team. How can I help?", timeout=POLL
    )  # the widget shows it, as from a person
    expect(chat.locator(".msg-agent .msg-from")).to_have_text("Daleel team")
    chat.reload()  # kept with the conversation, shown once
    expect(chat.locator(".msg-agent .bubble")).to_have_count(1)
    console.screenshot(path=str(SHOTS / "agent-console-en.png"), full_page=True)

    console.locator("#hand-back").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#action-status")).to_contain_text("Handed back", timeout=POLL)
    expect(console.locator(f'#queue [data-id="{handoff_id}"]')).to_be_focused()
    expect(console.locator("#reply-form")).to_be_hidden()
    send(chat, "renew my driving licence")
    expect(chat.locator(".msg-bot .bubble", has_text="RTA").last).to_be_visible(timeout=ANSWER)  # the assistant again
    assert page_errors == []


def test_the_console_in_arabic_right_to_left(stack, browser, page_errors):
    chat, handoff_id = customer_asks_for_a_person(stack, browser, page_errors, "ar", "ابي اكلم موظف")
    console = agent_signed_in(browser, page_errors, stack, "ar")
    assert console.locator("html").get_attribute("dir") == "rtl" and is_rtl(console.locator("#console"))
    open_with_the_keyboard(console, handoff_id)
    facts = console.locator("#handoff-facts")
    expect(facts).to_contain_text("ينتظر", timeout=POLL)
    expect(facts).to_contain_text("المحادثة على الموقع")
    console.keyboard.press("Enter")  # take
    expect(console.locator("#reply")).to_be_focused(timeout=POLL)
    console.keyboard.type("هلا، معك مريم من فريق دليل. كيف أقدر أساعدك؟")
    console.keyboard.press("Enter")
    expect(console.locator("#action-status")).to_have_text("تم إرسال الرد.", timeout=POLL)
    expect(chat.locator(".msg-agent .bubble")).to_contain_text("مريم", timeout=POLL)
    expect(chat.locator(".msg-agent .msg-from")).to_have_text("فريق دليل")
    # Everything the page itself says is Arabic (the customer's and the team's own words aside).
    labels = console.evaluate(
        "Array.from(document.querySelectorAll('h1, h2, h3, label, button, dt, #console-help, #action-status'))"
        ".map(e => e.textContent).join(' ')"
    )
    assert not re.search(r"[A-Za-z]{2,}", labels.replace("English", "")), labels
    console.screenshot(path=str(SHOTS / "agent-console-ar.png"), full_page=True)
    console.locator("#close").focus()
    console.keyboard.press("Enter")
    expect(console.locator("#action-status")).to_have_text("تم الإغلاق.", timeout=POLL)
    assert page_errors == []
