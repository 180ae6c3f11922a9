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


@pytest.mark.parametrize("bad, line, reason", [
    (GOOD.replace("fee_aed: 10", "fee_aed: -5"), 6, "fee_aed"),
    (GOOD.replace("    fee_aed: 10\n", ""), 3, "fee_note"),
    (GOOD.replace("kind: app", "kind: fax"), 8, "kind"),
    (GOOD.replace("{kind: app, name: RTA Dubai app}", "{kind: app, name: RTA Dubai app, url: 'not a url'}"), 8, "url"),
    (GOOD.replace("rta.test.renew", "dewa.test.renew"), 1, "must start with 'rta.'"),
    (GOOD.replace("rta.test.renew", "RTA Test"), 3, "id must be dotted"),
    (GOOD.replace("    source: unverified\n", "    source: unverified\n    colour: red\n"), 10, "colour"),
    (GOOD.replace("name_en: Renew test permit", "name_en: [oops"), 5, "invalid YAML"),
])
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
    path.write_text("entities:\n  - {code: a, name_en: A, name_ar: ا, channels: [{kind: app, name: A app}]}\n"
                    "  - {code: a, name_en: B, name_ar: ب, channels: [{kind: app, name: B app}]}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate entity code 'a'"):
        load_entities(path)
