from pathlib import Path

import openpyxl
import pytest

from phrom.agencies.models import Agency
from phrom.agencies.services import ImportRejected, import_agencies
from tests.conftest import write

pytestmark = pytest.mark.django_db

GOOD = """code,name_th,name_en,kind,ministry,group
mot,กระทรวงคมนาคม,Ministry of Transport,ministry,,
mot-drr,กรมทางหลวงชนบท,Department of Rural Roads,department,mot,service
mot-doh,กรมทางหลวง,Department of Highways,department,mot,service
"""


def test_it_imports_ministries_and_their_departments(tmp_path):
    summary = import_agencies(path=write(tmp_path / "a.csv", GOOD))
    assert (summary.created, summary.updated) == (3, 0)
    drr = Agency.objects.get(code="mot-drr")
    assert drr.ministry.code == "mot"
    assert drr.name_th == "กรมทางหลวงชนบท"
    assert drr.group == "service"


def test_importing_again_updates_and_keeps_the_rest(tmp_path):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))
    changed = GOOD.replace("Department of Highways", "Department of Highways (DOH)")
    summary = import_agencies(path=write(tmp_path / "a.csv", changed))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert Agency.objects.get(code="mot-doh").name_en == "Department of Highways (DOH)"


def test_it_imports_an_xlsx_workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "agencies.xlsx"
    book.save(path)
    assert import_agencies(path=path).created == 3


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path):
    bad = GOOD + (
        "mot-drr,ซ้ำ,Duplicate,department,mot,service\n"
        ",ไม่มีรหัส,No code,department,mot,service\n"
        "x-1,หน่วยงาน,Agency,galaxy,mot,service\n"
        "x-2,หน่วยงาน 2,Agency 2,department,nowhere,service\n"
        "x 3,,Agency 3,department,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(tmp_path / "bad.csv", bad))
    text = str(caught.value)
    assert "nothing was imported" in text
    assert "bad.csv: row 5, column code: 'mot-drr' is already on row 3" in text
    assert "row 6, column code: empty" in text
    assert "row 7, column kind: 'galaxy' is not a kind" in text
    assert "row 8, column ministry: 'nowhere' is not a registered ministry" in text
    assert "row 9, column code: 'x 3' may hold only" in text
    assert "row 9, column name_th: empty" in text
    assert Agency.objects.count() == 0


def test_a_missing_column_is_named(tmp_path):
    with pytest.raises(ImportRejected, match="missing column\\(s\\) kind"):
        import_agencies(path=write(tmp_path / "a.csv", "code,name_th\nx,ก\n"))


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("code,name_th,kind\nx,กรม,department\n".encode("cp874"))
    with pytest.raises(ImportRejected, match="not UTF-8"):
        import_agencies(path=path)
    assert Agency.objects.count() == 0


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ImportRejected, match="file not found"):
        import_agencies(path=Path(tmp_path / "nope.csv"))


def test_the_demo_registry_imports_311_departments(repo):
    import_agencies(path=repo / "phrom" / "demo" / "data" / "agencies.csv")
    assert Agency.objects.filter(kind="department").count() == 311
    assert Agency.objects.get(code="mot-drr").ministry.code == "mot"


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "/"])
def test_importing_a_device_or_a_folder_is_an_error_and_exit_2(capsys, special):
    from phrom.cli import main

    if not Path(special).exists():
        pytest.skip(f"no {special} here")
    assert main(["agencies", "import", special]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert "nothing was imported" in err
    assert not Agency.objects.exists()
