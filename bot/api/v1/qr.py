"""QR codes of service links, for the customer's phone (segno, SVG or PNG).

Only http(s) links to hosts that the catalogue itself links to: the endpoint cannot be used to
put someone else's link behind the app's name.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from bot.api.deps import RouterDep
from service_catalog.loader import Catalogue

router = APIRouter(tags=["qr"])
MAX_URL = 600
_hosts_cache: dict[int, tuple[Catalogue, frozenset[str]]] = {}


def catalogue_hosts(catalogue: Catalogue) -> frozenset[str]:
    """Hosts of every channel link in the catalogue (computed once per catalogue object)."""
    cached = _hosts_cache.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    channels = [c for s in catalogue.services for c in s.channels]
    channels += [c for e in catalogue.entities.values() for c in e.channels]
    hosts = frozenset(host for c in channels if c.url and (host := urlsplit(c.url).hostname))
    _hosts_cache.clear()
    _hosts_cache[id(catalogue)] = (catalogue, hosts)
    return hosts


def check_url(url: str, hosts: frozenset[str]) -> str:
    """The URL when it may be encoded; HTTPException 422 with the reason otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise HTTPException(status_code=422, detail="url is not a well-formed URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise HTTPException(status_code=422, detail="url must be an http(s) link")
    if parts.username or parts.password or any(ch.isspace() for ch in url):
        raise HTTPException(status_code=422, detail="url must not carry credentials or spaces")
    if host not in hosts:
        raise HTTPException(status_code=422, detail=f"url host {host!r} is not a catalogue channel host")
    return url


@router.get("/qr", responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def qr_code(
    service_router: RouterDep,
    url: Annotated[str, Query(min_length=8, max_length=MAX_URL)],
    format: Literal["svg", "png"] = "svg",
    scale: Annotated[int, Query(ge=1, le=20)] = 4,
) -> Response:
    """A QR code of a catalogue channel link."""
    check_url(url, catalogue_hosts(service_router.catalogue))
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if format == "png":
        code.save(buffer, kind="png", scale=scale, border=2)
        media_type = "image/png"
    else:
        code.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=None)
        media_type = "image/svg+xml"
    return Response(
        buffer.getvalue(),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
