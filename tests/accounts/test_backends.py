"""phrom.accounts.backends.ProfileBackend: the user comes with the profile, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model

from phrom.accounts.backends import ProfileBackend
from phrom.accounts.gates import profile_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

def test_get_user_reads_the_profile_in_the_same_query(world, django_assert_num_queries):
    user = world.user("coordinator_a")
    with django_assert_num_queries(1):
        loaded = ProfileBackend().get_user(user.pk)
        profile = profile_of(loaded)
    assert profile is not None and profile.agency_id == world.agency_a.pk


def test_a_user_without_a_profile_has_none_and_no_further_query(db, django_assert_num_queries):
    user = get_user_model().objects.create_user(username="nobody@example.go.th")
    with django_assert_num_queries(1):
        assert profile_of(ProfileBackend().get_user(user.pk)) is None


def test_unknown_and_inactive_users_are_none(world):
    user = world.user("coordinator_a")
    assert ProfileBackend().get_user(10**9) is None
    user.is_active = False
    user.save()
    assert ProfileBackend().get_user(user.pk) is None


def test_it_is_the_configured_backend_and_signs_in_as_model_backend_does(world, settings):
    # (The sign-in throttle comes first; it never signs anyone in.)
    assert settings.AUTHENTICATION_BACKENDS[-1] == "phrom.accounts.backends.ProfileBackend"
    user = authenticate(None, username=world.user("coordinator_a").username, password=PASSWORD)
    assert user == world.user("coordinator_a")
    assert authenticate(None, username=world.user("coordinator_a").username,
                        password="wrong") is None


def test_the_user_and_profile_are_the_orm_s_field_for_field(world):
    stored = get_user_model().objects.select_related("profile").get(pk=world.user("coordinator_a").pk)
    loaded = ProfileBackend().get_user(stored.pk)
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    assert [getattr(loaded, f) for f in fields] == [getattr(stored, f) for f in fields]
    profile_fields = [f.attname for f in type(stored.profile)._meta.concrete_fields]
    assert [getattr(loaded.profile, f) for f in profile_fields] == [
        getattr(stored.profile, f) for f in profile_fields
    ]
    assert loaded.profile.user is loaded
    assert not loaded._state.adding and loaded._state.db == "default"
    loaded.profile.text_size = "lg"
    loaded.profile.save()  # an instance the ORM can save, as its own would be
    assert type(stored.profile).objects.get(pk=stored.profile.pk).text_size == "lg"
