"""QR codes of catalogue links: SVG and PNG, and refusal of anything else."""

import xml.etree.ElementTree as ET

import pytest
import segno
from fastapi.testclient import TestClient

from bot.api.main import create_app

LINK = "https://www.rta.ae/wps/portal/rta/ae/home/rta-services"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def test_svg_of_a_catalogue_link(client):
    reply = client.get("/api/v1/qr", params={"url": LINK})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(reply.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # The same modules as segno draws for the link (version and size follow from the content).
    expected = segno.make(LINK, error="m", micro=False)
    size = (expected.symbol_size(scale=4, border=2))[0]
    assert root.attrib["width"] == str(size)


def test_png_of_a_catalogue_link(client):
    reply = client.get("/api/v1/qr", params={"url": LINK, "format": "png", "scale": 6})
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.content.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(reply.content[16:20], "big")
    assert width == segno.make(LINK, error="m", micro=False).symbol_size(scale=6, border=2)[0]


def test_an_app_store_listing_only_when_the_catalogue_gives_it(client):
    listing = client.get("/api/v1/qr", params={"url": "https://apps.apple.com/ae/app/rta-dubai/id426109507"})
    assert listing.status_code == 200
    other = client.get("/api/v1/qr", params={"url": "https://apps.apple.com/ae/app/some-other-app/id1"})
    assert other.status_code == 422 and "not an app listing the catalogue gives" in other.json()["detail"]


def test_different_links_give_different_codes(client):
    one = client.get("/api/v1/qr", params={"url": LINK}).content
    other = client.get("/api/v1/qr", params={"url": "https://www.dewa.gov.ae/en/consumer/billing"}).content
    assert one != other


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/login",
        "https://www.rta.ae.evil.example/",
        "javascript:alert(1)",
        "ftp://www.rta.ae/file",
        "tel:+97180090900",
        "https://user:pass@www.rta.ae/",
        "https://www.rta.ae:99999/",
        "https://www.rta.ae/a b",
        "www.rta.ae/no-scheme",
        "https://" + "a" * 700,
        "",
    ],
)
def test_other_links_are_refused(client, url):
    reply = client.get("/api/v1/qr", params={"url": url})
    assert reply.status_code == 422 and reply.json()["detail"]


@pytest.mark.parametrize(
    "params", [{}, {"url": LINK, "format": "gif"}, {"url": LINK, "scale": 0}, {"url": LINK, "scale": 100}]
)
def test_bad_parameters(client, params):
    assert client.get("/api/v1/qr", params=params).status_code == 422
