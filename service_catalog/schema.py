"""Typed schema of the service catalogue: one YAML file per entity under data/."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
# An app channel's link is its listing in one of the two stores (service_catalog/app_listings.yml).
STORE_HOSTS = frozenset({"apps.apple.com", "play.google.com"})
STORE_LINK = re.compile(r"^https://(apps\.apple\.com/[a-z]{2}/app/|play\.google\.com/store/apps/details\?id=)\S+$")
URL_PATTERN = re.compile(r"^(https?://[^\s/$.?#][^\s]*|[a-z][a-z0-9+.-]*://[^\s]+|tel:\+?[0-9]+)$")


class ChannelKind(str, Enum):
    app = "app"
    website = "website"
    kiosk = "kiosk"
    call_centre = "call_centre"
    whatsapp = "whatsapp"
    service_centre = "service_centre"


class VisitReason(str, Enum):
    """Who still has to come to a centre for a service (2017 kept these open)."""

    everyone = "everyone"
    elderly = "elderly"
    people_of_determination = "people_of_determination"
    no_uae_pass = "no_uae_pass"
    biometrics = "biometrics"
    original_documents = "original_documents"
    medical_or_eye_test = "medical_or_eye_test"
    inspection = "inspection"
    cash_payment = "cash_payment"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Channel(Strict):
    kind: ChannelKind
    name: str = Field(min_length=2)
    name_ar: str | None = None  # else from service_catalog/glossary.yml
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _well_formed(cls, value: str | None) -> str | None:
        if value is not None and not URL_PATTERN.match(value):
            raise ValueError(f"not a well-formed URL or deep link: {value!r}")
        return value


class Synonyms(Strict):
    """How people really ask: English, Modern Standard Arabic, Gulf dialect, Arabizi."""

    en: list[str] = []
    ar: list[str] = []
    gulf: list[str] = []
    arabizi: list[str] = []

    def all(self) -> list[str]:
        return [*self.en, *self.ar, *self.gulf, *self.arabizi]


class Service(Strict):
    id: str
    name_en: str = Field(min_length=3)
    name_ar: str = Field(min_length=2)
    name_ar_verified: bool = False
    description_en: str | None = None
    description_ar: str | None = None
    demand: Literal["high", "medium", "low"] = "low"
    synonyms: Synonyms = Synonyms()
    # What people in the service's situation say; from service_catalog/situations/, filled by the loader.
    situations: Synonyms = Synonyms()
    fee_paying: bool | None = None  # paying a fee is part of the service, whether or not the amount is known
    fee_aed: float | None = Field(default=None, ge=0)
    fee_text: str | None = None
    fee_text_ar: str | None = None
    fee_note: str | None = None
    fee_note_ar: str | None = None
    channels: list[Channel] = Field(min_length=1)
    documents: list[str] = []
    documents_ar: list[str] = []  # else from service_catalog/glossary.yml, item by item
    visit_needed_for: list[VisitReason] = []
    source: str = Field(min_length=3)
    verified_on: date | None = None  # when the source was last read
    status: Literal["active", "historic"] = "active"

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"id must be dotted lower_snake_case, got {value!r}")
        return value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if value != "unverified" and not URL_PATTERN.match(value):
            raise ValueError("source must be a URL or the word 'unverified'")
        return value

    @model_validator(mode="after")
    def _fee_reason(self) -> "Service":
        if self.fee_aed is None and not self.fee_note:
            raise ValueError("fee_aed is null: fee_note must say why")
        return self

    @model_validator(mode="after")
    def _documents_ar_beside_documents(self) -> "Service":
        if self.documents_ar and len(self.documents_ar) != len(self.documents):
            raise ValueError(
                f"documents_ar has {len(self.documents_ar)} items, documents has {len(self.documents)}: "
                "give one Arabic item for each document, in the same order"
            )
        return self


class SituationsFile(Strict):
    """One file of service_catalog/situations/: service id -> what people in that situation say."""

    entity: str
    services: dict[str, Synonyms]

    @model_validator(mode="after")
    def _ids_under_entity(self) -> "SituationsFile":
        for service_id in self.services:
            if not service_id.startswith(self.entity + "."):
                raise ValueError(f"service id {service_id!r} must start with '{self.entity}.'")
        return self


class EntityFile(Strict):
    """One file of service_catalog/data/: the services of one entity."""

    entity: str
    services: list[Service] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_under_entity(self) -> "EntityFile":
        for service in self.services:
            if not service.id.startswith(self.entity + "."):
                raise ValueError(f"service id {service.id!r} must start with '{self.entity}.'")
        return self


class Entity(Strict):
    code: str
    name_en: str
    name_ar: str
    aliases: Synonyms = Synonyms()
    channels: list[Channel] = Field(min_length=1)
    # Official hosts beyond those of the channel URLs (a subsidiary's or an older site: dubaicsd.ae for DFM);
    # a host covers its subdomains. Used by the quality gate to refuse third-party customer links.
    domains: list[str] = []


def is_store_listing(url: str | None) -> bool:
    return bool(url and STORE_LINK.match(url))


class AppListing(Strict):
    """An app's store listing (service_catalog/app_listings.yml): the link its app channels give."""

    url: str
    also: list[str] = []  # the same app in the other store
    evidence: str = Field(min_length=10)

    @field_validator("url", "also")
    @classmethod
    def _store_links(cls, value: str | list[str]) -> str | list[str]:
        for url in [value] if isinstance(value, str) else value:
            if not is_store_listing(url):
                raise ValueError(f"not an App Store or Google Play listing: {url!r}")
        return value


class AppListingsFile(Strict):
    apps: dict[str, AppListing]
