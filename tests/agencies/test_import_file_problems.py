"""A problem with the file itself (not one of its rows) names no row."""

import pytest

from phrom.agencies.services import ImportRejected, import_agencies
from phrom.cli import main

pytestmark = pytest.mark.django_db


def test_a_missing_file_names_no_row_zero(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    with pytest.raises(ImportRejected) as raised:
        import_agencies(path=missing)
    assert "row 0" not in str(raised.value)
    assert "nope.csv: file not found" in str(raised.value)
    assert main(["agencies", "import", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "row 0" not in err
    assert "Traceback" not in err


def test_a_folder_given_as_the_file_names_no_row_zero(tmp_path):
    with pytest.raises(ImportRejected) as raised:
        import_agencies(path=tmp_path)
    assert "row 0" not in str(raised.value)
