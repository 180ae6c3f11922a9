"""The action tests' fixture: a fake route core and catalogue, deflections recorded in memory."""

import pytest

from bot.route.contract import ChannelRef
from tests.support.actions import FAKE_SERVICES, Recorder, fake_route_text


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    """Fake route core + fake catalogue + recorded deflections (nothing touches a database)."""
    import bot.route
    import bot.store.deflections
    import service_catalog.loader

    rec = Recorder()
    monkeypatch.setattr(bot.route, "route_text", fake_route_text)
    monkeypatch.setattr(service_catalog.loader, "get_service", lambda service_id: FAKE_SERVICES.get(service_id))
    monkeypatch.setattr(bot.store.deflections, "record_deflection", rec.record_deflection)
    monkeypatch.setattr(bot.store.deflections, "record_handoff", rec.record_handoff)

    class _Router:
        def channel_for(self, service):
            first = service.channels[0]
            return ChannelRef(kind=first.kind.value, name=first.name, url=first.url or "https://example.gov.ae")

    monkeypatch.setattr(bot.route, "default_router", lambda: _Router())
    return rec
