"""QR codes of service links, for the customer's phone (segno, SVG or PNG).

Only http(s) links to hosts that the catalogue itself links to, and on an app store's host only the
listings the catalogue gives: the endpoint cannot be used to put someone else's link behind the app's name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from bot.api.deps import RouterDep
from service_catalog.loader import Catalogue
from service_catalog.schema import STORE_HOSTS, is_store_listing

router = APIRouter(tags=["qr"])
MAX_URL = 600
_links_cache: dict[int, tuple[Catalogue, "CatalogueLinks"]] = {}


@dataclass(frozen=True)
class CatalogueLinks:
    hosts: frozenset[str]  # of every channel link
    listings: frozenset[str]  # the app-store listings (a store's host carries anyone's apps)


def catalogue_links(catalogue: Catalogue) -> CatalogueLinks:
    """The catalogue's channel links as the QR code may take them (computed once per catalogue object)."""
    cached = _links_cache.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    channels = [c for s in catalogue.services for c in s.channels]
    channels += [c for e in catalogue.entities.values() for c in e.channels]
    links = CatalogueLinks(
        hosts=frozenset(host for c in channels if c.url and (host := urlsplit(c.url).hostname)),
        listings=frozenset(c.url for c in channels if is_store_listing(c.url)),
    )
    _links_cache.clear()
    _links_cache[id(catalogue)] = (catalogue, links)
    return links


def check_url(url: str, links: CatalogueLinks) -> str:
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
    if host not in links.hosts:
        raise HTTPException(status_code=422, detail=f"url host {host!r} is not a catalogue channel host")
    if host in STORE_HOSTS and url not in links.listings:
        raise HTTPException(status_code=422, detail="url is not an app listing the catalogue gives")
    return url


@router.get("/qr", responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def qr_code(
    service_router: RouterDep,
    url: Annotated[str, Query(min_length=8, max_length=MAX_URL)],
    format: Literal["svg", "png"] = "svg",
    scale: Annotated[int, Query(ge=1, le=20)] = 4,
) -> Response:
    """A QR code of a catalogue channel link."""
    check_url(url, catalogue_links(service_router.catalogue))
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
