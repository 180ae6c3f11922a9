"""Prometheus figures for the WhatsApp outbox, read from the database (every process counts)."""
from __future__ import annotations

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.db import session_factory
from bot.whatsapp.models import OutboxMessage


class OutboxCollector(Collector):
    def collect(self):
        with session_factory()() as session:
            kept = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
            pending = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.sent_at.is_(None))) or 0
        yield CounterMetricFamily("whatsapp_outbox_kept", "WhatsApp replies the Graph API did not take in time",
                                  value=kept)
        yield GaugeMetricFamily("whatsapp_outbox_pending", "WhatsApp replies waiting in the outbox to be resent",
                                value=pending)
