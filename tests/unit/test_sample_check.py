"""devtools.sample_check: the seeded draw behind docs/catalogue-sample-2026-12.md."""

from devtools.sample_check import SEED, SIZE, draw
from service_catalog.loader import default_catalogue
from tests.support.catalogue import write_catalogue


def test_the_draw_is_the_same_for_the_same_seed_and_only_active_records():
    catalogue = default_catalogue()
    first = [s.id for s in draw(catalogue)]
    assert first == [s.id for s in draw(catalogue, SEED, SIZE)]
    assert len(first) == SIZE == len(set(first))
    assert all(s.status == "active" for s in draw(catalogue))
    assert first != [s.id for s in draw(catalogue, SEED + 1)]


def test_the_draw_is_capped_at_the_active_records(tmp_path):
    catalogue = write_catalogue(
        tmp_path,
        "rta",
        """\
        - id: rta.a.renew
          name_en: Renew a
          name_ar: تجديد أ
          fee_note: not published
          channels: [{kind: app, name: RTA Dubai app}]
          source: unverified
        - id: rta.b.renew
          name_en: Renew b
          name_ar: تجديد ب
          fee_note: not published
          status: historic
          channels: [{kind: app, name: RTA Dubai app}]
          source: unverified
        """,
    )
    assert [s.id for s in draw(catalogue, size=30)] == ["rta.a.renew"]
