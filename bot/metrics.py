"""Prometheus metrics read from the deflection events, so every process that writes events counts."""
from __future__ import annotations

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, select

from bot.db import session_factory
from bot.models import DeflectionEvent
from bot.whatsapp.metrics import OutboxCollector

# A visit counts as deflected once the customer was sent to a smart channel and did not decline it.
DEFLECTED_OUTCOMES = ("routed", "confirmed")


class DeflectionCollector(Collector):
    def collect(self):
        family = CounterMetricFamily(
            "deflected_visits", "Visits sent to a smart channel instead of a service centre",
            labels=["entity", "channel"],
        )
        query = (select(DeflectionEvent.entity, DeflectionEvent.channel, func.count())
                 .where(DeflectionEvent.outcome.in_(DEFLECTED_OUTCOMES))
                 .group_by(DeflectionEvent.entity, DeflectionEvent.channel))
        with session_factory()() as session:
            for entity, channel, count in session.execute(query):
                family.add_metric([entity, channel], count)
        yield family


def build_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DeflectionCollector())
    registry.register(OutboxCollector())
    return registry
