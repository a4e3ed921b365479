"""Old export files are deleted: the file of an export finished more than
PHROM_EXPORT_KEEP_DAYS days ago leaves storage, its row stays as history, and the page and
the download say so. ``phrom worker`` does it at the start and hourly, ``phrom manage
remove_old_exports`` from cron."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from phrom.cli import main
from phrom.exports.models import Export, ExportStatus
from phrom.exports.services import export_request, exports_remove_old
from tests.conftest import in_english, make_world
from tests.core.test_security import run_python

pytestmark = pytest.mark.django_db

DATA = b"PK\x03\x04 an export's bytes"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Export files in a folder of this test's own, the retention at its default."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PHROM_EXPORT_KEEP_DAYS = 30
    return tmp_path / "media"


def finished(world, *, days_ago: float, status: str = ExportStatus.COMPLETE,
             kind: str = "results") -> Export:  # type: ignore[no-untyped-def]
    """An export of WORLD's cycle finished DAYS_AGO days ago, its file in storage."""
    export = Export.objects.create(cycle=world.cycle, kind=kind, status=status,
                                   requested_by=world.user("administrator"),
                                   filename=f"{world.cycle.code}-{kind}.xlsx", size=len(DATA))
    export.file.save("export.xlsx", ContentFile(DATA), save=False)
    when = timezone.now() - dt.timedelta(days=days_ago)
    Export.objects.filter(pk=export.pk).update(
        file=export.file.name, started_at=when, updated_at=when,
        finished_at=when if status in (ExportStatus.COMPLETE, ExportStatus.FAILED) else None)
    export.refresh_from_db()
    assert default_storage.exists(export.file.name)
    return export


# --- the service ---------------------------------------------------------------------------


def test_an_old_exports_file_is_deleted_and_its_row_kept_as_history(world) -> None:  # type: ignore[no-untyped-def]
    old = finished(world, days_ago=40)
    old_failed = finished(world, days_ago=31, status=ExportStatus.FAILED, kind="answers")
    recent = finished(world, days_ago=10)
    running = finished(world, days_ago=40, status=ExportStatus.RUNNING)
    pending = finished(world, days_ago=40, status=ExportStatus.PENDING)
    names = {e.pk: e.file.name for e in (old, old_failed, recent, running, pending)}
    now = timezone.now()

    assert exports_remove_old(now=now) == 2

    for export in (old, old_failed):
        export.refresh_from_db()
        assert not default_storage.exists(names[export.pk])
        assert export.removed_at == now and not export.file
        # who asked for what, and when, stays
        assert export.requested_by == world.user("administrator")
        assert export.filename and export.finished_at and export.size == len(DATA)
    for export in (recent, running, pending):
        export.refresh_from_db()
        assert default_storage.exists(names[export.pk])
        assert export.removed_at is None and export.file.name == names[export.pk]
    assert Export.objects.count() == 5
    assert exports_remove_old(now=now) == 0  # again: nothing more to do


def test_a_file_is_kept_for_exactly_the_days_set(world, settings) -> None:  # type: ignore[no-untyped-def]
    export = finished(world, days_ago=0)
    assert exports_remove_old(now=export.finished_at + dt.timedelta(days=30)) == 0
    assert exports_remove_old(now=export.finished_at + dt.timedelta(days=30, seconds=1)) == 1
    settings.PHROM_EXPORT_KEEP_DAYS = 3
    shorter = finished(world, days_ago=4)
    kept = finished(world, days_ago=2)
    assert exports_remove_old() == 1
    shorter.refresh_from_db()
    kept.refresh_from_db()
    assert shorter.removed_at is not None and kept.removed_at is None


def test_a_file_already_gone_from_storage_does_not_stop_the_others(world, caplog) -> None:  # type: ignore[no-untyped-def]
    gone, other = finished(world, days_ago=40), finished(world, days_ago=35)
    default_storage.delete(gone.file.name)
    gone_name = gone.file.name
    with caplog.at_level(logging.WARNING, logger="phrom.exports.services"):
        assert exports_remove_old() == 2
    gone.refresh_from_db()
    other.refresh_from_db()
    assert gone.removed_at is not None and other.removed_at is not None
    assert f"the file {gone_name} of export {gone.pk} was already gone" in caplog.text


def test_a_file_that_cannot_be_deleted_now_is_logged_and_tried_again_later(
    world, media, caplog
) -> None:  # type: ignore[no-untyped-def]
    stuck, other = finished(world, days_ago=40), finished(world, days_ago=35)
    # A non-empty folder where the file should be: the storage refuses to delete it.
    (media / "exports" / "stuck").mkdir(parents=True)
    (media / "exports" / "stuck" / "inside").write_bytes(b"x")
    Export.objects.filter(pk=stuck.pk).update(file="exports/stuck")
    with caplog.at_level(logging.ERROR, logger="phrom.exports.services"):
        assert exports_remove_old() == 1
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert stuck.removed_at is None and stuck.file.name == "exports/stuck"  # next round
    assert other.removed_at is not None
    assert f"the file of export {stuck.pk} could not be removed" in caplog.text


def test_the_command_for_cron_removes_old_files(world) -> None:  # type: ignore[no-untyped-def]
    old, recent = finished(world, days_ago=40), finished(world, days_ago=1)
    out = io.StringIO()
    call_command("remove_old_exports", stdout=out)
    assert out.getvalue().strip() == "1 old export file(s) removed (kept 30 days)"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.removed_at is not None and recent.removed_at is None


# --- the page and the download -------------------------------------------------------------


def test_the_page_says_how_long_files_are_kept_and_shows_a_removed_export(
    client, world, settings
) -> None:  # type: ignore[no-untyped-def]
    old, recent = finished(world, days_ago=40), finished(world, days_ago=1)
    exports_remove_old()
    client.force_login(world.user("administrator"))
    page = client.get(f"/exports/{world.cycle.code}/").content.decode()
    assert "เก็บไฟล์ไว้ 30 วันหลังสร้างเสร็จ" in page
    assert "ลบไฟล์แล้วเมื่อครบ 40 วัน ขอส่งออกใหม่ได้" in page
    assert f"/{old.pk}/download" not in page and f"/{recent.pk}/download" in page
    assert old.filename in page  # the history still names it
    in_english(client)
    settings.PHROM_EXPORT_KEEP_DAYS = 1
    page = client.get(f"/exports/{world.cycle.code}/").content.decode()
    assert "Files are kept for 1 day after they are made" in page
    assert "Removed after 40 days; ask again." in page


def test_the_download_of_a_removed_export_is_refused_in_words(client, world) -> None:  # type: ignore[no-untyped-def]
    old = finished(world, days_ago=40)
    exports_remove_old()
    client.force_login(world.user("administrator"))
    reply = client.get(f"/exports/{world.cycle.code}/{old.pk}/download")
    assert reply.status_code == 410
    page = reply.content.decode()
    assert "ไฟล์ของการส่งออกนี้ถูกลบแล้ว" in page and "เก็บไฟล์ไว้ 30 วันหลังสร้างเสร็จ" in page
    assert f'href="/exports/{world.cycle.code}/"' in page  # the way to ask again
    # other roles still get 403, before anything about the export is said
    client.force_login(world.user("reviewer"))
    assert client.get(f"/exports/{world.cycle.code}/{old.pk}/download").status_code == 403


# --- the setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "said"), [
    ("0", "PHROM_EXPORT_KEEP_DAYS='0' is too small: use 1 or more."),
    ("a month", "PHROM_EXPORT_KEEP_DAYS='a month' is not a whole number."),
])
def test_a_bad_retention_setting_stops_the_start_with_a_clear_message(
    tmp_path, value, said
) -> None:  # type: ignore[no-untyped-def]
    result = run_python("import django; django.setup()", tmp_path, PHROM_EXPORT_KEEP_DAYS=value)
    assert result.returncode != 0
    assert said in result.stderr
    # what an administrator starting the worker sees: the message alone, no traceback
    worker = run_python("from phrom.cli import main; raise SystemExit(main(['worker', '--batch']))",
                        tmp_path, PHROM_EXPORT_KEEP_DAYS=value)
    assert worker.returncode == 2
    assert worker.stderr == f"error: {said}\n"


def test_the_retention_setting_is_read_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = "import django; django.setup(); from django.conf import settings; " \
           "print(settings.PHROM_EXPORT_KEEP_DAYS)"
    assert run_python(code, tmp_path).stdout.strip() == "30"
    assert run_python(code, tmp_path, PHROM_EXPORT_KEEP_DAYS="7").stdout.strip() == "7"


# --- the worker ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_phrom_worker_batch_writes_exports_and_removes_old_files() -> None:
    # A transactional test: the worker closes its database connection as it ends.
    world = make_world()
    export = export_request(cycle=world.cycle, kind="answers", by=world.user("administrator"))
    assert main(["worker", "--batch"]) == 0
    export.refresh_from_db()
    assert export.status == ExportStatus.COMPLETE, export.error
    name = export.file.name
    assert default_storage.exists(name) and export.removed_at is None  # new: kept
    Export.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=31))
    assert main(["worker", "--batch"]) == 0
    export.refresh_from_db()
    assert not default_storage.exists(name)
    assert export.removed_at is not None and not export.file


@pytest.mark.django_db(transaction=True)
def test_the_workers_hourly_thread_removes_old_files_after_expiring_clarifications() -> None:
    from phrom.core.housekeeping import run_in_background

    world = make_world()
    old = finished(world, days_ago=40)
    thread = run_in_background(every=3600)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        old.refresh_from_db()
        if old.removed_at is not None:
            break
        time.sleep(0.1)
    assert old.removed_at is not None and thread.is_alive()


# --- S3 ------------------------------------------------------------------------------------


def test_old_export_files_are_deleted_from_an_s3_bucket_too(world, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Against moto's S3 (it stands in for the service only; the storage code is real)."""
    pytest.importorskip("moto")
    pytest.importorskip("storages")
    import boto3
    from django.core.files.storage import storages
    from moto import mock_aws

    bucket = "phrom-exports"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    with mock_aws():
        s3 = boto3.client("s3", region_name="ap-southeast-1")
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": "ap-southeast-1"})
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "region_name": "ap-southeast-1",
                        "default_acl": None, "querystring_auth": True}}}
        assert type(storages["default"]).__name__ == "S3Storage"
        old, recent, gone = (finished(world, days_ago=40), finished(world, days_ago=1),
                             finished(world, days_ago=50))
        s3.delete_object(Bucket=bucket, Key=gone.file.name)
        assert exports_remove_old() == 2
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        assert keys == {recent.file.name}
        for export in (old, gone):
            export.refresh_from_db()
            assert export.removed_at is not None and not export.file
