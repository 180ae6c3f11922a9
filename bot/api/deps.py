"""Every dependency of the API as an Annotated alias; tests override the functions behind them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bot.api import sessions
from bot.api.sign_in_limits import SignInLimiter
from bot.channels.rasa import RasaClient, rest_client
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp.graph import GraphClient
from bot.route import Router, default_router
from bot.settings import Settings, get_settings
from bot.store import db
from service_catalog.loader import Catalogue, default_catalogue


def get_router() -> Router:
    return default_router()


def get_catalogue() -> Catalogue:
    return default_catalogue()


def get_session(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Session]:
    with db.session(settings.database_url) as opened:
        yield opened


def get_sign_in_limiter(request: Request) -> SignInLimiter:
    return request.app.state.sign_in_limiter


def get_rasa_client(settings: Annotated[Settings, Depends(get_settings)]) -> RasaClient:
    return rest_client(
        settings.rasa_url, settings.rasa_token.get_secret_value(), settings.whatsapp_rasa_timeout_seconds
    )


def get_graph_client(settings: Annotated[Settings, Depends(get_settings)]) -> GraphClient:
    return GraphClient.from_settings(settings)


def get_twilio_client(settings: Annotated[Settings, Depends(get_settings)]) -> TwilioClient:
    return TwilioClient.from_settings(settings)


def require_staff(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> str:
    return sessions.require_staff(request, settings)


def require_agent(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> str:
    return sessions.require_agent(request, settings)


def require_manager(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    sessions.require_manager(request, settings)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RouterDep = Annotated[Router, Depends(get_router)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
SessionDep = Annotated[Session, Depends(get_session)]
SignInLimiterDep = Annotated[SignInLimiter, Depends(get_sign_in_limiter)]
RasaDep = Annotated[RasaClient, Depends(get_rasa_client)]
GraphDep = Annotated[GraphClient, Depends(get_graph_client)]
TwilioDep = Annotated[TwilioClient, Depends(get_twilio_client)]
StaffDep = Annotated[str, Depends(require_staff)]
AgentDep = Annotated[str, Depends(require_agent)]  # the signed-in agent's team
ManagerDep = Annotated[None, Depends(require_manager)]
