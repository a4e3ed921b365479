import pytest

from phrom.frameworks.models import Cycle, Framework
from phrom.frameworks.selectors import CycleNotFound, cycle_by_name
from phrom.frameworks.services import FrameworkRejected, load_framework
from scoring.loader import FrameworkError
from tests.conftest import FRAMEWORKS, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["th-2563", "th-2564", "un-egdi", "oecd-dgi"])
def test_every_shipped_framework_loads(name):
    result = load_framework(path=FRAMEWORKS / f"{name}.yaml")
    assert result.created
    assert result.cycle.code == name
    assert Framework.objects.get(code=name).spec().code == name


def test_shipped_thai_frameworks_have_six_dimensions_and_40_to_80_indicators():
    for name in ("th-2563", "th-2564"):
        spec = load_framework(path=FRAMEWORKS / f"{name}.yaml").spec
        assert [d.code for d in spec.dimensions] == [
            "policy", "capability", "services", "backoffice", "infrastructure", "technology"
        ]
        assert 40 <= len(spec.indicators) <= 80
        assert spec.note is not None and "DGA" in spec.note.en


def test_a_later_cycle_points_at_its_previous_whichever_loads_first():
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    load_framework(path=FRAMEWORKS / "th-2563.yaml")
    assert Cycle.objects.get(code="th-2564").previous.code == "th-2563"


def test_a_bad_framework_is_not_loaded_at_all(tmp_path):
    text = (FRAMEWORKS / "th-2564.yaml").read_text(encoding="utf-8")
    broken = text.replace("year_ce: 2021", "year_ce: 2020", 1)
    assert broken != text
    with pytest.raises(FrameworkError) as caught:
        load_framework(path=write(tmp_path / "broken.yaml", broken))
    assert "broken.yaml:" in str(caught.value)
    assert Framework.objects.count() == 0
    assert Cycle.objects.count() == 0


def test_reloading_cannot_orphan_answers_already_given(tmp_path):
    from phrom.agencies.models import Agency
    from phrom.responses.models import Answer, Response

    loaded = load_framework(path=FRAMEWORKS / "un-egdi.yaml")
    agency = Agency.objects.create(code="tha", name_th="ไทย", kind="department")
    response = Response.objects.create(cycle=loaded.cycle, agency=agency)
    Answer.objects.create(response=response, question="tii", value=0.5)
    text = (FRAMEWORKS / "un-egdi.yaml").read_text(encoding="utf-8")
    renamed = text.replace("code: tii", "code: tii2")
    with pytest.raises(FrameworkRejected, match="tii"):
        load_framework(path=write(tmp_path / "un-egdi.yaml", renamed))
    assert Framework.objects.get(code="un-egdi").source == text


def test_a_cycle_is_found_by_code_or_buddhist_year():
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    assert cycle_by_name("2564").code == "th-2564"
    assert cycle_by_name("th-2564").code == "th-2564"
    with pytest.raises(CycleNotFound, match="known cycles: th-2564"):
        cycle_by_name("2599")
