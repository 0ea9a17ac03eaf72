"""A fast hasher reserved for one-time passwords.

One-time passwords are random (about 60 bits), issued in bulk (a bank onboards 18,000 staff at
once) and must be changed at first login, when Django re-hashes the new password with the default
PBKDF2 hasher. Slow hashing exists to protect *human-chosen* passwords against guessing; for a
high-entropy random secret a single keyed round is enough, and 18,000 default hashes would take
hours. `one_time_password_set` is the only writer that uses it.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "otp_pbkdf2_sha256"
    iterations = 1_000

    def must_update(self, encoded):
        # Never "upgrade" in place: the password is replaced at first login anyway.
        return False
