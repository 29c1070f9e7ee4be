"""Password hashing at OWASP's recommended minimum for argon2id.

Django's defaults (t=2, m=100 MiB, p=8) cost about 200 ms of CPU per login: 7 logins/s on
two cores, when every family of the territory logs in within minutes of bookings opening.
OWASP's minimum for argon2id (19 MiB, 2 iterations, 1 lane) keeps a memory-hard hash at a
fraction of that. The algorithm name stays "argon2", so hashes made with other parameters
still verify and are rewritten with these at the next successful login (`must_update`)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
