"""``/open-data/<year>/`` itself leads to the list of the published cycle's files."""

from typing import Any

from tests.publications.test_frozen import _fresh_process, _published, published, world  # noqa: F401


def test_the_open_data_folder_of_a_published_year_leads_to_its_downloads(
    client: Any, published: Any  # noqa: F811
) -> None:
    answer = client.get("/open-data/2564/")
    assert answer.status_code == 302
    assert answer["Location"] == "/results/2564/downloads/"
    assert client.get(answer["Location"]).status_code == 200


def test_the_open_data_folder_of_a_year_not_published_is_not_found(
    client: Any, world: Any  # noqa: F811
) -> None:
    assert client.get("/open-data/2564/").status_code == 404
    assert client.get("/open-data/2999/").status_code == 404
