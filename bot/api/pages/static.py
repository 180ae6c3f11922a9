"""Static files of the pages and the embeddable chat widget (bot/static/), by plain file name only."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter(tags=["pages"])
STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(js|css|svg)$")
_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> FileResponse:
    path = STATIC_DIR / name
    if not _NAME.match(name) or not path.is_file():
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    # widget.js is loaded by other sites: anyone may fetch it; a short cache so updates reach them.
    headers = {
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    return FileResponse(path, media_type=_TYPES[name.rsplit(".", 1)[1]], headers=headers)
