"""The loader accepts the real catalogue and rejects a bad record with its file, line and reason."""

from pathlib import Path

import pytest

from service_catalog.loader import CatalogueError, load_catalogue, load_entities

GOOD = """entity: rta
services:
  - id: rta.test.renew
    name_en: Renew test permit
    name_ar: تجديد تصريح
    fee_aed: 10
    channels:
      - {kind: app, name: RTA Dubai app}
    source: unverified
"""


def write(tmp_path: Path, text: str | bytes, name: str = "rta.yml") -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    path = data / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return data


def test_real_catalogue_loads():
    catalogue = load_catalogue()
    assert len(catalogue.services) >= 150
    assert {s.id.split(".")[0] for s in catalogue.services} <= set(catalogue.entities)


def test_a_good_file_loads(tmp_path):
    catalogue = load_catalogue(write(tmp_path, GOOD))
    assert [s.id for s in catalogue.services] == ["rta.test.renew"]


@pytest.mark.parametrize(
    "bad, line, reason",
    [
        (GOOD.replace("fee_aed: 10", "fee_aed: -5"), 6, "fee_aed"),
        (GOOD.replace("    fee_aed: 10\n", ""), 3, "fee_note"),
        (GOOD.replace("kind: app", "kind: fax"), 8, "kind"),
        (
            GOOD.replace("{kind: app, name: RTA Dubai app}", "{kind: app, name: RTA Dubai app, url: 'not a url'}"),
            8,
            "url",
        ),
        (GOOD.replace("rta.test.renew", "dewa.test.renew"), 1, "must start with 'rta.'"),
        (GOOD.replace("rta.test.renew", "RTA Test"), 3, "id must be dotted"),
        (GOOD.replace("    source: unverified\n", "    source: unverified\n    colour: red\n"), 10, "colour"),
        (GOOD.replace("name_en: Renew test permit", "name_en: [oops"), 5, "invalid YAML"),
    ],
)
def test_bad_record_reports_file_line_and_reason(tmp_path, bad, line, reason):
    data = write(tmp_path, bad)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(data)
    assert error.value.path.name == "rta.yml"
    assert error.value.line == line
    assert reason in error.value.reason
    assert f"rta.yml:{line}:" in str(error.value)


def test_unknown_entity_is_rejected(tmp_path):
    data = write(tmp_path, GOOD.replace("entity: rta", "entity: nowhere").replace("rta.test", "nowhere.test"))
    with pytest.raises(CatalogueError, match="unknown entity code 'nowhere'"):
        load_catalogue(data)


def test_duplicate_id_across_files_is_rejected(tmp_path):
    write(tmp_path, GOOD, "a.yml")
    data = write(tmp_path, GOOD, "b.yml")
    with pytest.raises(CatalogueError, match="duplicate service id 'rta.test.renew'"):
        load_catalogue(data)


def test_invalid_utf8_is_rejected_with_the_file(tmp_path):
    data = write(tmp_path, GOOD.encode("utf-8") + b"\xff\xfe")
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(data)


def test_empty_folder_is_rejected(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(CatalogueError, match="no services"):
        load_catalogue(tmp_path / "data")


def test_entities_have_unique_codes(tmp_path):
    path = tmp_path / "entities.yml"
    path.write_text(
        "entities:\n  - {code: a, name_en: A, name_ar: ا, channels: [{kind: app, name: A app}]}\n"
        "  - {code: a, name_en: B, name_ar: ب, channels: [{kind: app, name: B app}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="duplicate entity code 'a'"):
        load_entities(path)


# --- Arabic beside the English: the glossary (issue #15) ------------------------------------

GLOSSARY = """channels:
  RTA Dubai app: تطبيق هيئة الطرق والمواصلات في دبي
documents:
  Emirates ID: بطاقة الهوية الإماراتية
  eye test result: نتيجة فحص النظر
"""


def glossary(tmp_path: Path, text: str = GLOSSARY) -> Path:
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_glossary_fills_channel_and_document_arabic(tmp_path):
    data = write(
        tmp_path,
        GOOD.replace(
            "    source: unverified\n", "    documents: [Emirates ID, eye test result]\n    source: unverified\n"
        ),
    )
    service = load_catalogue(data, glossary_file=glossary(tmp_path)).services[0]
    assert service.channels[0].name == "RTA Dubai app"
    assert service.channels[0].name_ar == "تطبيق هيئة الطرق والمواصلات في دبي"
    assert service.documents_ar == ["بطاقة الهوية الإماراتية", "نتيجة فحص النظر"]


def test_a_records_own_arabic_wins_over_the_glossary(tmp_path):
    own = GOOD.replace("{kind: app, name: RTA Dubai app}", "{kind: app, name: RTA Dubai app, name_ar: تطبيق الهيئة}")
    own = own.replace(
        "    source: unverified\n", "    documents: [Emirates ID]\n    documents_ar: [الهوية]\n    source: unverified\n"
    )
    service = load_catalogue(write(tmp_path, own), glossary_file=glossary(tmp_path)).services[0]
    assert service.channels[0].name_ar == "تطبيق الهيئة"
    assert service.documents_ar == ["الهوية"]


def test_documents_take_arabic_only_when_the_glossary_knows_every_one(tmp_path):
    data = write(
        tmp_path,
        GOOD.replace(
            "    source: unverified\n", "    documents: [Emirates ID, tenancy contract]\n    source: unverified\n"
        ),
    )
    service = load_catalogue(data, glossary_file=glossary(tmp_path)).services[0]
    assert service.documents_ar == []


def test_entity_channels_take_arabic_from_the_glossary(tmp_path):
    entities = tmp_path / "entities.yml"
    entities.write_text(
        "entities:\n  - {code: rta, name_en: RTA, name_ar: الهيئة, channels: [{kind: app, name: RTA Dubai app}]}\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(write(tmp_path, GOOD), entities, glossary(tmp_path))
    assert catalogue.entities["rta"].channels[0].name_ar == "تطبيق هيئة الطرق والمواصلات في دبي"


def test_without_a_glossary_nothing_is_filled(tmp_path):
    service = load_catalogue(write(tmp_path, GOOD), glossary_file=None).services[0]
    assert service.channels[0].name_ar is None


def test_documents_ar_must_match_documents_item_for_item(tmp_path):
    bad = GOOD.replace(
        "    source: unverified\n",
        "    documents: [Emirates ID, eye test result]\n    documents_ar: [الهوية]\n    source: unverified\n",
    )
    with pytest.raises(CatalogueError, match="documents_ar has 1 items, documents has 2"):
        load_catalogue(write(tmp_path, bad), glossary_file=None)


@pytest.mark.parametrize(
    "text, line, reason",
    [
        (GLOSSARY + "  Emirates ID: الهوية\n", 6, "'Emirates ID' given twice"),
        (GLOSSARY.replace("نتيجة فحص النظر", "''"), 5, "needs its Arabic"),
        ("channels: [a, b]\n", 1, "expected a mapping of English to Arabic"),
        ("colours: {}\n", 1, "expected a mapping with only channels and documents"),
    ],
)
def test_a_bad_glossary_is_rejected_with_its_line(tmp_path, text, line, reason):
    with pytest.raises(CatalogueError) as error:
        load_catalogue(write(tmp_path, GOOD), glossary_file=glossary(tmp_path, text))
    assert error.value.line == line and reason in error.value.reason


# --- Exact links: an app channel gives its app's store listing (issue #15) -------------------------
RTA_LISTING = "https://apps.apple.com/ae/app/rta-dubai/id426109507"
LISTINGS = f"""apps:
  RTA Dubai app:
    url: {RTA_LISTING}
    also: [https://play.google.com/store/apps/details?id=com.rta.rtadubai]
    evidence: listed by two independent public projects
"""


def listings(tmp_path: Path, text: str = LISTINGS) -> Path:
    path = tmp_path / "app_listings.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_app_channel_takes_its_apps_store_listing(tmp_path):
    noted = GOOD.replace("name: RTA Dubai app}", "name: RTA Dubai app (UAE PASS signing)}")
    for text in (GOOD, noted):
        service = load_catalogue(write(tmp_path, text), app_listings_file=listings(tmp_path)).services[0]
        assert service.channels[0].url == RTA_LISTING


def test_an_app_channels_own_link_and_other_apps_are_left_alone(tmp_path):
    own = GOOD.replace("name: RTA Dubai app}", "name: RTA Dubai app, url: 'rtadubai://renew'}")
    other = GOOD.replace("name: RTA Dubai app}", "name: Salik app}")
    website = GOOD.replace("{kind: app, name: RTA Dubai app}", "{kind: website, name: RTA Dubai app}")
    found = [
        load_catalogue(write(tmp_path, text), app_listings_file=listings(tmp_path)).services[0].channels[0].url
        for text in (own, other, website)
    ]
    assert found == ["rtadubai://renew", None, None]
    assert load_catalogue(write(tmp_path, GOOD), app_listings_file=None).services[0].channels[0].url is None


@pytest.mark.parametrize(
    "text, line, reason",
    [
        (LISTINGS.replace(RTA_LISTING, "https://www.rta.ae/app"), 3, "not an App Store or Google Play listing"),
        (LISTINGS.replace("    evidence: listed by two independent public projects\n", ""), 3, "evidence"),
        ("apps: [RTA Dubai app]\n", 1, "apps"),
    ],
)
def test_a_bad_listing_is_rejected_with_its_line(tmp_path, text, line, reason):
    with pytest.raises(CatalogueError) as error:
        load_catalogue(write(tmp_path, GOOD), app_listings_file=listings(tmp_path, text))
    assert error.value.line == line and reason in error.value.reason
