"""Exception handlers, registered once: input the core refuses is a 422 with the reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.route import InvalidText
from bot.store.metrics import InvalidQuery


async def _unprocessable(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": str(exc)})


def register(app: FastAPI) -> None:
    app.add_exception_handler(InvalidText, _unprocessable)
    app.add_exception_handler(InvalidQuery, _unprocessable)
