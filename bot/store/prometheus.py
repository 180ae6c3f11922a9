"""Prometheus exposition, read from the database (deflection events, the WhatsApp outbox), so every
process that writes them counts."""

from __future__ import annotations

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, select

from bot.store import db
from bot.store.deflections import DEFLECTED_OUTCOMES
from bot.store.models import DeflectionEvent, OutboxMessage


class DeflectionCollector(Collector):
    def collect(self):
        family = CounterMetricFamily(
            "deflected_visits",
            "Visits sent to a smart channel instead of a service centre",
            labels=["entity", "channel"],
        )
        query = (
            select(DeflectionEvent.entity, DeflectionEvent.channel, func.count())
            .where(DeflectionEvent.outcome.in_(DEFLECTED_OUTCOMES))
            .group_by(DeflectionEvent.entity, DeflectionEvent.channel)
        )
        with db.session() as session:
            for entity, channel, count in session.execute(query):
                family.add_metric([entity, channel], count)
        yield family


class OutboxCollector(Collector):
    def collect(self):
        with db.session() as session:
            kept = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
            pending = (
                session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
                or 0
            )
        yield CounterMetricFamily(
            "whatsapp_outbox_kept", "WhatsApp replies the Graph API did not take in time", value=kept
        )
        yield GaugeMetricFamily(
            "whatsapp_outbox_pending", "WhatsApp replies waiting in the outbox to be resent", value=pending
        )


def build_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DeflectionCollector())
    registry.register(OutboxCollector())
    return registry
