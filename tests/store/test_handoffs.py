"""Hand-offs in the store, on SQLite and PostgreSQL: taking is atomic, the ends blank the ids that reach
the customer, and the timed steps give the dashboard's waiting and handling times."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.store import db, handoffs
from bot.store.deflections import record_handoff
from bot.store.models import Handoff, HandoffStep

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=timezone.utc)


def new_handoff(conversation: str = "web-store-test-1", channel: str = "web") -> int:
    record_handoff(conversation, "rta.driving_licence.renew", "customer_asked", channel=channel, language="ar")
    with db.session() as session:
        return session.scalars(select(Handoff.id).order_by(Handoff.id.desc())).first()


def test_a_handoff_is_recorded_waiting_with_its_channel_language_and_first_step(store_url):
    handoff_id = new_handoff(channel="whatsapp")
    with db.session() as session:
        handoff = session.get(Handoff, handoff_id)
        [step] = session.scalars(select(HandoffStep)).all()
    assert (handoff.state, handoff.channel, handoff.language, handoff.conversation_id) == (
        "waiting",
        "whatsapp",
        "ar",
        "web-store-test-1",
    )
    assert (step.handoff_id, step.step, step.channel) == (handoff_id, "waiting", "whatsapp")


def test_of_many_agents_taking_at_once_exactly_one_wins(store_url):
    handoff_id = new_handoff()
    barrier, results = threading.Barrier(8), []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            handoffs.take(handoff_id, f"team-{n}")
            results.append(f"team-{n}")
        except handoffs.HandoffConflict as exc:
            results.append(exc.state)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r.startswith("team-")]
    assert len(winners) == 1 and results.count("taken") == 7
    with db.session() as session:
        assert session.get(Handoff, handoff_id).team == winners[0]
        assert list(session.scalars(select(HandoffStep.step).order_by(HandoffStep.id))) == ["waiting", "taken"]


def test_the_whatsapp_number_is_attached_to_open_handoffs_only_and_blanked_at_the_end(store_url):
    handoff_id = new_handoff("wa-pseudonym", channel="whatsapp")
    assert handoffs.attach_recipient("wa-pseudonym", "971501112233") == 1
    assert handoffs.attach_recipient("wa-pseudonym", "971501112233") == 0  # set once
    handoffs.take(handoff_id, "team")
    handoffs.end(handoff_id, "team", "handed_back")
    with db.session() as session:
        ended = session.get(Handoff, handoff_id)
    assert (ended.recipient, ended.conversation_id, ended.state) == ("", "", "handed_back")
    assert handoffs.attach_recipient("wa-pseudonym", "971501112233") == 0  # not on an ended one


def _steps(session, handoff_id: int, **offsets: float) -> None:
    for step, minutes in offsets.items():
        session.add(HandoffStep(handoff_id=handoff_id, step=step, at=T0 + timedelta(minutes=minutes), channel="web"))


def test_waiting_and_handling_times_are_medians_over_the_period(store_url):
    with db.session() as session:
        _steps(session, 1, waiting=0, taken=2, replied=3, handed_back=10)  # waited 2 min, handled 8
        _steps(session, 2, waiting=5, taken=9, closed=11)  # waited 4 min, handled 2
        _steps(session, 3, waiting=6, taken=12)  # waited 6 min, still taken
        _steps(session, 4, waiting=7)  # still waiting
        _steps(session, 5, waiting=60 * 24 * 2, taken=60 * 24 * 2 + 1)  # another day
        session.commit()
        times = handoffs.handoff_times(session, T0, T0 + timedelta(days=1))
    assert (times.count, times.taken, times.ended) == (4, 3, 2)
    assert times.median_waiting_seconds == 240.0  # 2, 4, 6 minutes
    assert times.median_handling_seconds == 300.0  # 8 and 2 minutes
    assert (times.waiting, times.with_agent) == (1, 1)
    assert times.p90_waiting_seconds == pytest.approx(336.0)  # 4 min + 0.8 of the way to 6
    assert times.p90_handling_seconds == pytest.approx(444.0)  # 2 min + 0.9 of the way to 8
    with db.session() as session:
        assert handoffs.handoff_times(session, channel="whatsapp").count == 0


@pytest.mark.parametrize("state", ["handed_back", "closed"])
def test_an_ended_handoff_cannot_be_ended_or_replied_to_again(store_url, state):
    handoff_id = new_handoff()
    handoffs.take(handoff_id, "team")
    handoffs.end(handoff_id, "team", state)
    with pytest.raises(handoffs.HandoffConflict):
        handoffs.end(handoff_id, "team", "closed")
    with pytest.raises(handoffs.HandoffConflict):
        handoffs.add_reply(handoff_id, "team", "key-12345678", "hello")
