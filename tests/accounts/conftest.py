import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow (about half a second a hash on a busy CI machine), and
    every test makes eight personas. test_passwords_are_hashed_with_argon2 checks the real
    setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
