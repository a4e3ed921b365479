from pathlib import Path

import openpyxl
import pytest

from phrom.agencies.models import Agency
from phrom.agencies.services import ImportRejected, import_agencies
from tests.conftest import FRAMEWORKS, write

pytestmark = pytest.mark.django_db

GOOD = """code,name_th,name_en,kind,ministry,group
mot,กระทรวงคมนาคม,Ministry of Transport,ministry,,
mot-drr,กรมทางหลวงชนบท,Department of Rural Roads,department,mot,service
mot-doh,กรมทางหลวง,Department of Highways,department,mot,service
"""


@pytest.fixture
def peer_groups(db):
    """th-2564 stored: its peer groups (service, policy, ...) are those of the registry."""
    from phrom.frameworks.services import load_framework

    load_framework(path=FRAMEWORKS / "th-2564.yaml")


def test_it_imports_ministries_and_their_departments(tmp_path, peer_groups):
    summary = import_agencies(path=write(tmp_path / "a.csv", GOOD))
    assert (summary.created, summary.updated) == (3, 0)
    drr = Agency.objects.get(code="mot-drr")
    assert drr.ministry.code == "mot"
    assert drr.name_th == "กรมทางหลวงชนบท"
    assert drr.group == "service"


def test_importing_again_updates_and_keeps_the_rest(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))
    changed = GOOD.replace("Department of Highways", "Department of Highways (DOH)")
    summary = import_agencies(path=write(tmp_path / "a.csv", changed))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert Agency.objects.get(code="mot-doh").name_en == "Department of Highways (DOH)"


def test_it_imports_an_xlsx_workbook(tmp_path, peer_groups):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "agencies.xlsx"
    book.save(path)
    assert import_agencies(path=path).created == 3


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path, peer_groups):
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


def test_the_demo_registry_imports_311_departments(repo, peer_groups):
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


# --- what a file leaves out, and what it may not change ------------------------------------


def test_columns_a_file_leaves_out_keep_the_registered_values(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))

    summary = import_agencies(path=write(
        tmp_path / "names.csv", "code,name_th,kind\nmot-drr,กรมทางหลวงชนบท (ใหม่),department\n"
    ))

    assert (summary.updated, summary.kept) == (1, ("name_en", "ministry", "group"))
    drr = Agency.objects.get(code="mot-drr")
    assert drr.name_th == "กรมทางหลวงชนบท (ใหม่)"
    assert (drr.name_en, drr.ministry.code, drr.group) == (
        "Department of Rural Roads", "mot", "service"
    )


def test_a_column_the_file_has_is_written_even_empty(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))

    import_agencies(path=write(
        tmp_path / "g.csv", "code,name_th,kind,group,ministry\nmot-drr,กรมทางหลวงชนบท,department,,\n"
    ))

    drr = Agency.objects.get(code="mot-drr")
    assert (drr.group, drr.ministry, drr.name_en) == ("", None, "Department of Rural Roads")


def test_a_new_agency_gets_the_columns_a_file_leaves_out_empty(tmp_path):
    summary = import_agencies(path=write(tmp_path / "a.csv", "code,name_th,kind\nnew-1,กรมใหม่,department\n"))

    assert summary.created == 1
    new = Agency.objects.get(code="new-1")
    assert (new.name_en, new.ministry, new.group) == ("", None, "")


def test_a_department_made_a_ministry_must_leave_its_ministry_in_the_file(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))

    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(tmp_path / "m.csv", "code,name_th,kind\nmot-drr,กรม,ministry\n"))

    assert "row 2, column kind: 'mot-drr' belongs to a ministry" in str(caught.value)
    assert Agency.objects.get(code="mot-drr").kind == "department"


def test_a_ministry_with_departments_cannot_change_kind(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))

    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(
            tmp_path / "d.csv",
            "code,name_th,name_en,kind,ministry,group\n"
            "mot,กระทรวงคมนาคม,Ministry of Transport,department,,\n",
        ))

    assert (
        "row 2, column kind: 'mot' is a ministry with 2 department(s) (mot-doh, mot-drr); "
        "it cannot become 'department' while they belong to it"
    ) in str(caught.value)
    assert Agency.objects.get(code="mot").kind == "ministry"


def test_a_ministry_whose_departments_the_same_file_moves_may_change_kind(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", GOOD))

    import_agencies(path=write(
        tmp_path / "d.csv",
        "code,name_th,kind,ministry\n"
        "mod,กระทรวงกลาโหม,ministry,\n"
        "mot,กระทรวงคมนาคม,department,mod\n"
        "mot-drr,กรมทางหลวงชนบท,department,mod\n"
        "mot-doh,กรมทางหลวง,department,\n",
    ))

    assert Agency.objects.get(code="mot").kind == "department"
    assert not Agency.objects.filter(ministry__code="mot").exists()


def test_a_department_cannot_point_at_a_ministry_the_same_file_demotes(tmp_path, peer_groups):
    import_agencies(path=write(tmp_path / "a.csv", "code,name_th,kind\nmoi,กระทรวงมหาดไทย,ministry\n"))

    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(
            tmp_path / "d.csv",
            "code,name_th,kind,ministry\nmoi,มหาดไทย,department,\nx-1,กรม,department,moi\n",
        ))

    assert "row 3, column ministry: 'moi' stops being a ministry in this file" in str(caught.value)


def test_a_column_named_twice_is_refused(tmp_path):
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(tmp_path / "a.csv", "code,name_th,kind,code\nok-6,ชื่อ,department,ok-7\n"))

    assert "row 1: column(s) code appear more than once" in str(caught.value)
    assert not Agency.objects.exists()


def test_a_peer_group_no_stored_framework_defines_is_refused_with_the_nearest(tmp_path, peer_groups):
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(tmp_path / "a.csv", GOOD.replace(
            "mot-doh,กรมทางหลวง,Department of Highways,department,mot,service",
            "mot-doh,กรมทางหลวง,Department of Highways,department,mot,servise",
        )))

    text = str(caught.value)
    assert "row 4, column group: 'servise' is not a peer group of any stored framework; " \
           "did you mean 'service'?" in text
    assert "Peer groups: local, policy, province, security, service, support" in text
    assert not Agency.objects.exists()


def test_a_peer_group_cannot_be_checked_before_any_framework_defines_one(tmp_path):
    with pytest.raises(ImportRejected, match="no stored framework defines peer groups; load "
                       "the framework first"):
        import_agencies(path=write(tmp_path / "a.csv", GOOD))
    assert not Agency.objects.exists()


def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path, peer_groups):
    with pytest.raises(ImportRejected) as caught:
        import_agencies(path=write(
            tmp_path / "a.csv", "code,name_th,kind\nmot-x,กรม, ใหม่,department\nmot-y,กรม,department,\n"
        ))

    assert str(caught.value).splitlines()[1:] == [
        "a.csv: row 2: 4 cells but the header has 3; quote values that contain commas "
        '(as in "Bangkok, Thailand"), or add the missing column to the header',
        # in a CSV, an empty cell past the header may be a shifted empty value too
        "a.csv: row 3: 4 cells but the header has 3; quote values that contain commas "
        '(as in "Bangkok, Thailand"), or add the missing column to the header, or remove '
        "the comma that ends the row",
    ]
    assert not Agency.objects.exists()


def test_empty_cells_right_of_the_named_columns_of_a_workbook_are_harmless(tmp_path, peer_groups):
    book = openpyxl.Workbook()
    book.active.append(["code", "name_th", "kind"])
    book.active.append(["mot-y", "กรม", "department", "", None])
    book.active.cell(row=2, column=6).number_format = "0.00"  # a formatted empty cell
    path = tmp_path / "a.xlsx"
    book.save(path)

    assert import_agencies(path=path).created == 1


def test_phrom_agencies_import_refuses_a_twice_named_column_with_exit_2(tmp_path, capsys):
    from phrom.cli import main

    path = write(tmp_path / "a.csv", "code,name_th,kind,kind\nx,ก,department,ministry\n")

    assert main(["agencies", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "column(s) kind appear more than once" in err and "Traceback" not in err
