"""Quality checks over the whole catalogue, beyond what one record's schema can say."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from rapidfuzz import fuzz

from bot.text.normalise import normalise_for_matching
from service_catalog.loader import Catalogue
from service_catalog.schema import Service

NEAR_DUPLICATE_SCORE = 92


@dataclass(frozen=True)
class NamePair:
    first: str
    second: str
    field: str
    score: float


def _by_entity(catalogue: Catalogue) -> dict[str, list]:
    groups = defaultdict(list)
    for service in catalogue.services:
        groups[service.id.split(".", 1)[0]].append(service)
    return groups


def duplicate_names(catalogue: Catalogue) -> list[NamePair]:
    """Two services of one entity whose English or Arabic names are equal once normalised."""
    found = []
    for services in _by_entity(catalogue).values():
        for field in ("name_en", "name_ar"):
            seen: dict[str, str] = {}
            for service in services:
                key = normalise_for_matching(getattr(service, field))
                if key in seen:
                    found.append(NamePair(seen[key], service.id, field, 100.0))
                seen.setdefault(key, service.id)
    return found


def near_duplicates(catalogue: Catalogue, threshold: float = NEAR_DUPLICATE_SCORE) -> list[NamePair]:
    """Pairs of services whose English names are very similar (a report for a reviewer)."""
    found = []
    services = list(catalogue.services)
    names = [normalise_for_matching(s.name_en) for s in services]
    for i, first in enumerate(services):
        for j in range(i + 1, len(services)):
            score = fuzz.token_sort_ratio(names[i], names[j], score_cutoff=threshold)
            if score:
                found.append(NamePair(first.id, services[j].id, "name_en", score))
    return found


# --- issue #15: a catalogue people can trust ----------------------------------------------

REFUSED_HOSTS_FILE = Path(__file__).resolve().parent / "refused_hosts.yml"
# The goal (issue #15) is 1,000 real fee-paying services; the catalogue has 886 today (2026-12-04), every
# one a real service, none split into variants. The floor only rises: raise it as sourced services are added.
REQUIRED_FEE_PAYING = 1000
FEE_PAYING_FLOOR = 886
REQUIRED_FEE_PAYING_ENTITIES = 36
# Active services whose every web link is a homepage (issue #15 item 5; the goal is at most 15% of them).
# A ceiling that only falls as services get their own page; raised only for a new service whose own page
# no source shows (det.trade_licence.freeze: 826 -> 827). 807 since the stored official pages of 20 services
# were found; 833 with 27 new services whose own page no stored source shows (2026-12-04); 694 once app
# channels give their app's store listing (app_listings.yml, 2026-12-06).
HOMEPAGE_LINK_CEILING = 694
STALE_AFTER = timedelta(days=365)
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
URL_IN_TEXT = re.compile(r"(?:https?://|tel:|[a-z][a-z0-9+.-]*://)\S+", re.IGNORECASE)
_LANGUAGE_SEGMENT = re.compile(r"^(en|ar)([-_][a-z]{2})?$", re.IGNORECASE)
_HOME_PAGES = {"home", "index", "index.html", "index.htm", "index.php", "default.aspx", "home.aspx", "main"}
ARABIC_SERVICE_FIELDS = ("fee_text_ar", "fee_note_ar", "description_ar")


@dataclass(frozen=True)
class Finding:
    """One record (service id or entity code) that breaks a rule, and where."""

    record: str
    field: str
    value: str
    detail: str = ""


def has_latin(text: str | None) -> bool:
    return bool(text and LATIN.search(text))


def latin_outside_urls(text: str | None) -> list[str]:
    """The Latin-letter words of a text once its URLs and deep links are taken out."""
    return re.findall(r"\S*[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]\S*", URL_IN_TEXT.sub(" ", text or ""))


@lru_cache(maxsize=4)
def load_refused_hosts(path: Path = REFUSED_HOSTS_FILE) -> dict[str, str]:
    """refused_hosts.yml: {category: [host, ...]} -> {host: category}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of category to a list of hosts")
    return {str(host).lower().strip("."): category for category, hosts in data.items() for host in hosts}


def host_of(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def refused_host(url: str | None, refused: dict[str, str] | None = None) -> str | None:
    """The refused_hosts.yml entry the URL's host is, or is under; None when it is allowed."""
    host = host_of(url)
    if host is None:
        return None
    refused = load_refused_hosts() if refused is None else refused
    return next((entry for entry in refused if host == entry or host.endswith("." + entry)), None)


def is_homepage(url: str | None) -> bool:
    """A web address that names a site, not a page: no path (or "/"), or only a language
    segment with at most a home page after it (/en, /ar-AE, /en/home, /index.html), and no query."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.query:
        return False
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1].lower() in _HOME_PAGES:
        segments = segments[:-1]
    return not segments or (len(segments) == 1 and bool(_LANGUAGE_SEGMENT.match(segments[0])))


def has_fee(service: Service) -> bool:
    return service.fee_aed is not None or bool(service.fee_text)


def is_sourced(service: Service) -> bool:
    return service.source != "unverified"


def is_stale(service: Service, today: date | None = None) -> bool:
    """A sourced record whose source was never read, or not in the last twelve months."""
    today = today or date.today()
    return is_sourced(service) and (service.verified_on is None or today - service.verified_on > STALE_AFTER)


def _urls(record) -> list[tuple[str, str]]:
    found = [("source", record.source)] if isinstance(record, Service) else []
    found += [(f"channels[{i}].url", c.url) for i, c in enumerate(record.channels) if c.url]
    return found


def refused_urls(catalogue: Catalogue, refused: dict[str, str] | None = None) -> list[Finding]:
    """Every source or channel URL, of any service or entity, on a refused host."""
    refused = load_refused_hosts() if refused is None else refused
    found = []
    records = [(s.id, s) for s in catalogue.services] + list(catalogue.entities.items())
    for record_id, record in records:
        for field, url in _urls(record):
            entry = refused_host(url, refused)
            if entry:
                found.append(Finding(record_id, field, url, f"{entry} ({refused[entry]})"))
    return found


def official_hosts(catalogue: Catalogue) -> frozenset[str]:
    """The hosts a customer web link may use: every entity's channel URL hosts (without "www.") and its
    `domains` in entities.yml. Any entity's host is official for any service, since a service may be
    done on another entity's site (a DET licence through investindubai.gov.ae for an RTA activity)."""
    hosts = set()
    for entity in catalogue.entities.values():
        hosts.update(d.lower().removeprefix("www.") for d in entity.domains)
        hosts.update(h.removeprefix("www.") for c in entity.channels if (h := host_of(c.url)))
    return frozenset(hosts)


def is_official(url: str | None, hosts: frozenset[str]) -> bool:
    host = (host_of(url) or "").removeprefix("www.")
    return any(host == entry or host.endswith("." + entry) for entry in hosts)


def third_party_links(catalogue: Catalogue, refused: dict[str, str] | None = None) -> list[Finding]:
    """Website channel URLs (of services and entities) on a refused host or on no entity's official host:
    the customer is sent to the link, so it must be the government's own page."""
    refused = load_refused_hosts() if refused is None else refused
    hosts = official_hosts(catalogue)
    found = []
    records = [(s.id, s) for s in catalogue.services] + list(catalogue.entities.items())
    for record_id, record in records:
        for i, c in enumerate(record.channels):
            if c.kind.value != "website" or not c.url or not c.url.startswith(("http://", "https://")):
                continue
            entry = refused_host(c.url, refused)
            if entry or not is_official(c.url, hosts):
                found.append(Finding(record_id, f"channels[{i}].url", c.url, entry or "not an official host"))
    return found


def fees_without_page(catalogue: Catalogue) -> list[Finding]:
    """Records with a fee (amount or text) whose source is `unverified` or only a homepage."""
    return [
        Finding(s.id, "source", s.source, "unverified" if not is_sourced(s) else "homepage")
        for s in catalogue.services
        if has_fee(s) and (not is_sourced(s) or is_homepage(s.source))
    ]


def fees_without_verified_on(catalogue: Catalogue) -> list[Finding]:
    return [
        Finding(s.id, "verified_on", "", "fee given, source never dated")
        for s in catalogue.services
        if has_fee(s) and s.verified_on is None
    ]


def channels_without_arabic(catalogue: Catalogue) -> list[Finding]:
    """Channels of active services (and of entities) with no Arabic name, own or from the glossary."""
    records = [(s.id, s) for s in catalogue.services if s.status == "active"] + list(catalogue.entities.items())
    return [
        Finding(record_id, f"channels[{i}].name_ar", c.name)
        for record_id, record in records
        for i, c in enumerate(record.channels)
        if not c.name_ar
    ]


def documents_without_arabic(catalogue: Catalogue, glossary=None) -> list[Finding]:
    """Active services with documents but no documents_ar; detail names the strings the glossary lacks."""
    found = []
    for s in catalogue.services:
        if s.status == "active" and s.documents and len(s.documents_ar) != len(s.documents):
            missing = [d for d in s.documents if glossary is None or d not in glossary.documents]
            found.append(Finding(s.id, "documents_ar", "; ".join(s.documents), "; ".join(missing)))
    return found


def arabic_fields(record) -> list[tuple[str, str]]:
    """(field, text) of every Arabic catalogue text a reply may carry, bar the service's own name."""
    found = [(f"channels[{i}].name_ar", c.name_ar) for i, c in enumerate(record.channels) if c.name_ar]
    if isinstance(record, Service):
        found += [(f"documents_ar[{i}]", d) for i, d in enumerate(record.documents_ar)]
        found += [(field, getattr(record, field)) for field in ARABIC_SERVICE_FIELDS if getattr(record, field)]
    return found


def latin_in_arabic(catalogue: Catalogue) -> list[Finding]:
    """Arabic fields (channel names, documents, fee text and note, description) with Latin letters."""
    records = [(s.id, s) for s in catalogue.services] + list(catalogue.entities.items())
    return [
        Finding(record_id, field, text)
        for record_id, record in records
        for field, text in arabic_fields(record)
        if has_latin(text)
    ]


def web_links(service: Service, catalogue: Catalogue) -> list[str]:
    """The web links the customer can be given: the service's own, else its entity's."""
    own = [c.url for c in service.channels if c.url and c.url.startswith(("http://", "https://"))]
    if own:
        return own
    entity = catalogue.entities.get(service.id.split(".", 1)[0])
    return [c.url for c in (entity.channels if entity else ()) if c.url and c.url.startswith(("http://", "https://"))]


def gives_only_homepages(service: Service, catalogue: Catalogue) -> bool:
    """The customer (reply, WhatsApp, the lookup's QR code) can only be sent to a site's front page."""
    links = web_links(service, catalogue)
    return bool(links) and all(is_homepage(u) for u in links)


def homepage_links(catalogue: Catalogue) -> list[Finding]:
    """Active services that give no web link but a homepage."""
    return [
        Finding(s.id, "channels", " ".join(web_links(s, catalogue)), "homepage only")
        for s in catalogue.services
        if s.status == "active" and gives_only_homepages(s, catalogue)
    ]


def fee_paying(catalogue: Catalogue) -> tuple[int, int]:
    """(active services with fee_paying: true, entities they come from)."""
    paying = [s for s in catalogue.services if s.status == "active" and s.fee_paying]
    return len(paying), len({s.id.split(".", 1)[0] for s in paying})
