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
    assert cycle_by_name("๒๕๖๔").code == "th-2564"  # Thai digits, as the web's date fields
    assert cycle_by_name("th-2564").code == "th-2564"
    with pytest.raises(CycleNotFound, match="known cycles: th-2564"):
        cycle_by_name("2599")


# --- cycles whose answers are final keep their framework ----------------------------------


def _set_status(code: str, status: str) -> Cycle:
    Cycle.objects.filter(code=code).update(status=status)
    return Cycle.objects.get(code=code)


def _revised(tmp_path, name: str = "th-2564"):
    """The shipped file with a comment added: same framework, different text."""
    text = (FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8")
    return write(tmp_path / f"{name}.yaml", text + "\n# revised\n")


@pytest.mark.parametrize("status", ["closed", "in_review", "published"])
def test_a_framework_cannot_be_reloaded_onto_a_closed_in_review_or_published_cycle(
    tmp_path, status
):
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", status)
    before = Framework.objects.get(code="th-2564")

    with pytest.raises(FrameworkRejected) as caught:
        load_framework(path=_revised(tmp_path))

    message = str(caught.value)
    assert f"cycle th-2564 is {status.replace('_', ' ')}" in message
    assert "load the file under a new framework code" in message
    after = Framework.objects.get(code="th-2564")
    assert (after.source, after.sha256, after.loaded_at) == (
        before.source, before.sha256, before.loaded_at
    )


def test_phrom_framework_load_refuses_a_published_cycle_with_exit_2(tmp_path, capsys):
    from phrom.cli import main

    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "published")

    assert main(["framework", "load", str(_revised(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: th-2564.yaml: cycle th-2564 is published")
    assert "Traceback" not in err


def test_a_closed_cycle_is_told_it_can_be_opened_again_first(tmp_path):
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "closed")
    with pytest.raises(FrameworkRejected, match="open the cycle again first"):
        load_framework(path=_revised(tmp_path))


def test_another_framework_cannot_be_loaded_onto_a_published_cycle(tmp_path):
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "published")

    with pytest.raises(FrameworkRejected, match="cycle th-2564 is published"):
        load_framework(path=FRAMEWORKS / "un-egdi.yaml", cycle_code="th-2564")

    assert Cycle.objects.get(code="th-2564").framework.code == "th-2564"
    assert not Framework.objects.filter(code="un-egdi").exists()  # nothing of it kept


def test_the_same_file_again_leaves_a_published_cycle_as_it_is(tmp_path):
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    published = _set_status("th-2564", "published")

    result = load_framework(path=FRAMEWORKS / "th-2564.yaml")

    assert not result.created
    cycle = Cycle.objects.get(code="th-2564")
    assert (cycle.status, cycle.framework_id) == ("published", published.framework_id)


def test_an_open_cycle_still_takes_a_revised_framework(tmp_path):
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "open")
    load_framework(path=_revised(tmp_path))
    assert Framework.objects.get(code="th-2564").source.endswith("# revised\n")


def test_a_published_cycle_is_not_pointed_at_a_previous_cycle_loaded_after_it():
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "published")
    load_framework(path=FRAMEWORKS / "th-2563.yaml")
    assert Cycle.objects.get(code="th-2564").previous is None


# --- a cycle keeps its framework once it is open or answered -------------------------------


def _answered(cycle: Cycle, question: str = "POL-01-1") -> None:
    from phrom.agencies.models import Agency
    from phrom.responses.models import Answer, Response

    agency = Agency.objects.create(code="mot-drr", name_th="กรมทางหลวงชนบท", kind="department")
    response = Response.objects.create(cycle=cycle, agency=agency)
    Answer.objects.create(response=response, question=question, value=True, version=1)


@pytest.mark.parametrize("other", ["un-egdi", "th-2563"])
def test_an_open_cycle_keeps_its_framework_when_another_is_loaded_onto_it(other):
    load_framework(path=FRAMEWORKS / "th-2563.yaml")
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    cycle = _set_status("th-2564", "open")

    with pytest.raises(FrameworkRejected) as caught:
        load_framework(path=FRAMEWORKS / f"{other}.yaml", cycle_code="th-2564")

    message = str(caught.value)
    assert f"cycle th-2564 uses framework th-2564 and is open, so framework {other} " \
           "cannot replace it" in message
    assert "load" in message and "as a new cycle instead" in message
    after = Cycle.objects.get(code="th-2564")
    assert (after.framework_id, after.previous_id) == (cycle.framework_id, cycle.previous_id)


def test_a_draft_cycle_with_answers_keeps_its_framework():
    cycle = load_framework(path=FRAMEWORKS / "th-2564.yaml").cycle
    _answered(cycle)

    with pytest.raises(FrameworkRejected, match="is draft with 1 answer\\(s\\)"):
        load_framework(path=FRAMEWORKS / "un-egdi.yaml", cycle_code="th-2564")

    assert Cycle.objects.get(code="th-2564").framework.code == "th-2564"
    assert not Framework.objects.filter(code="un-egdi").exists()


def test_the_refusal_names_a_free_cycle_code_to_load_the_framework_under():
    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "open")

    with pytest.raises(FrameworkRejected) as caught:
        load_framework(path=FRAMEWORKS / "un-egdi.yaml", cycle_code="th-2564")

    assert "phrom framework load un-egdi.yaml (its own cycle un-egdi)" in str(caught.value)


def test_a_draft_cycle_nobody_answered_takes_another_framework_with_its_year_and_previous():
    load_framework(path=FRAMEWORKS / "th-2563.yaml")
    load_framework(path=FRAMEWORKS / "un-egdi.yaml", cycle_code="next")
    assert Cycle.objects.get(code="next").year_be != 2564

    load_framework(path=FRAMEWORKS / "th-2564.yaml", cycle_code="next")

    cycle = Cycle.objects.get(code="next")
    assert (cycle.framework.code, cycle.year_be, cycle.previous.code) == (
        "th-2564", 2564, "th-2563"
    )


def test_an_open_cycle_with_answers_still_takes_a_revised_text_of_its_own_framework(tmp_path):
    cycle = load_framework(path=FRAMEWORKS / "th-2564.yaml").cycle
    _set_status("th-2564", "open")
    _answered(cycle)

    load_framework(path=_revised(tmp_path))

    assert Framework.objects.get(code="th-2564").source.endswith("# revised\n")


def test_phrom_framework_load_onto_an_open_cycle_exits_2_and_says_what_to_do(capsys):
    from phrom.cli import main

    load_framework(path=FRAMEWORKS / "th-2564.yaml")
    _set_status("th-2564", "open")

    assert main(["framework", "load", "un-egdi", "--cycle", "th-2564"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: un-egdi.yaml: cycle th-2564 uses framework th-2564 and is open")
    assert "Traceback" not in err
    assert Cycle.objects.get(code="th-2564").framework.code == "th-2564"


# --- cycle codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("bad code/with slash", "'bad code/with slash' may hold only letters A-Z and a-z"),
        ("รอบ-2564", "may hold only letters"),
        ("-x", "starting with a letter or a digit"),
        ("", "empty"),
        ("2564", "'2564' is only digits, which phrom reads as a Buddhist Era year"),
        ("c" * 65, "65 characters; at most 64 fit"),
    ],
)
def test_a_cycle_code_that_web_addresses_or_years_would_misread_is_refused(code, expected):
    with pytest.raises(FrameworkRejected) as caught:
        load_framework(path=FRAMEWORKS / "th-2563.yaml", cycle_code=code)

    assert expected in str(caught.value)
    assert not Cycle.objects.exists() and not Framework.objects.exists()


def test_phrom_framework_load_refuses_a_cycle_code_with_a_slash_and_exit_2(capsys):
    from phrom.cli import main

    assert main(["framework", "load", "th-2563", "--cycle", "bad code/with slash"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: th-2563.yaml: cannot load it as cycle 'bad code/with slash'")
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("code", ["bad code/with slash", "2564", "x y"])
def test_the_cycle_model_refuses_a_code_web_addresses_or_years_would_misread(code):
    from django.core.exceptions import ValidationError

    framework = load_framework(path=FRAMEWORKS / "th-2563.yaml").framework
    with pytest.raises(ValidationError) as caught:
        Cycle(code=code, year_be=2563, framework=framework).full_clean()
    assert "code" in caught.value.message_dict


def test_every_shipped_framework_and_the_demo_cycle_codes_pass_the_cycle_model():
    from phrom.demo.review import REVIEW_CYCLE

    for name in ("th-2563", "th-2564", "un-egdi", "oecd-dgi"):
        load_framework(path=FRAMEWORKS / f"{name}.yaml").cycle.full_clean()
    load_framework(path=FRAMEWORKS / "th-2564.yaml", cycle_code=REVIEW_CYCLE).cycle.full_clean()


# --- files that cannot be read -------------------------------------------------------------


def test_loading_a_folder_says_so_without_a_raw_errno(tmp_path, capsys):
    from phrom.cli import main

    assert main(["framework", "load", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot read the file (Is a directory); check the path" in err
    assert "Errno" not in err


def test_loading_a_file_that_is_not_utf8_names_its_line(tmp_path):
    text = (FRAMEWORKS / "un-egdi.yaml").read_text(encoding="utf-8")
    path = tmp_path / "un-egdi.yaml"
    path.write_bytes(text.replace("Nations", "Nations\xe9", 1).encode("latin-1", "replace"))
    line = text[: text.index("Nations")].count("\n") + 1

    with pytest.raises(FrameworkError) as caught:
        load_framework(path=path)

    assert f"un-egdi.yaml:{line}" in str(caught.value)
    assert "not UTF-8" in str(caught.value)
