"""Evidence through S3-compatible storage (PHROM_S3_* settings), against moto's S3.

moto stands in for the S3 service only; Phrom's own storage code runs for real.
"""

from __future__ import annotations

import hashlib

import pytest

pytest.importorskip("moto")
pytest.importorskip("storages")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from phrom.responses.evidence import evidence_add_file  # noqa: E402
from tests.responses.test_evidence import POLICY_Q, make_pdf, upload  # noqa: E402

pytestmark = pytest.mark.django_db
BUCKET = "phrom-evidence"


@pytest.fixture
def s3(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")
    with mock_aws():
        client = boto3.client("s3", region_name="ap-southeast-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "region_name": "ap-southeast-1",
                            "default_acl": None, "querystring_auth": True},
            },
        }
        yield client


def test_evidence_is_stored_in_the_bucket_and_downloaded_through_the_permission_check(
    s3, client, world
):
    data = make_pdf("S3")
    evidence = evidence_add_file(
        response=world.response_a, question=POLICY_Q, upload=upload("แผน.pdf", data),
        by=world.user("coordinator_a"),
    )
    stored = s3.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    assert stored == data
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    client.force_login(world.user("coordinator_a"))
    reply = client.get(f"/responses/evidence/{evidence.pk}/download")
    assert reply.status_code == 200
    assert b"".join(reply.streaming_content) == data
    client.force_login(world.user("coordinator_b"))
    assert client.get(f"/responses/evidence/{evidence.pk}/download").status_code == 404
