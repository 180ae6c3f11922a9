"""Dependencies as Annotated aliases; tests override the functions behind them."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from bot.route import Router, default_router
from bot.settings import Settings, get_settings


def get_router() -> Router:
    return default_router()


SettingsDep = Annotated[Settings, Depends(get_settings)]
RouterDep = Annotated[Router, Depends(get_router)]
