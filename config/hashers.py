"""Password hashing: Argon2id with OWASP's recommended minimum parameters.

Django's default Argon2 parameters (100 MiB, 8 lanes) cost about a quarter of a second of
several cores per hash: on a two-core web host, a circular's sign-up rush would queue every
other request behind password hashing (bench/load.py). OWASP's Password Storage Cheat Sheet
recommends for Argon2id at least 19 MiB of memory, 2 iterations and 1 lane; that is what we
use (about 30 ms per hash here). Hashes made with other parameters still verify and are
re-hashed with these at the next log-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
