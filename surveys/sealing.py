"""Sealing held survey submissions: authenticated encryption under a key the database never
holds, with every sealed value padded to the same size.

The key is derived from the server's SECRET_KEY (HKDF-SHA256, AES-256-GCM), so someone who can
read the database, its backups or its write-ahead log, but not the app servers' configuration,
cannot read a held response or offer to talk, and cannot tell the two apart: both are padded
to a multiple of PADDED_SIZE. Keys in SECRET_KEY_FALLBACKS still open what was sealed before a
key rotation, so rotating the secret loses no held submission.
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Every held value is this many bytes before encryption (or a multiple, for an unusually long
# set of written answers: 3,000 characters in each of several free-text questions).
PADDED_SIZE = 64 * 1024
_NONCE = 12
_LENGTH = 4


class SealBroken(Exception):
    """The sealed value was altered, or was sealed under a key this server no longer has."""


def _key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"arp.surveys.held-submission"
    ).derive(secret.encode())


def seal(value: dict, *, context: str) -> bytes:
    """`context` (the survey's id) is bound to the seal: a held row moved to another survey
    does not open."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    body = len(data).to_bytes(_LENGTH, "big") + data
    size = -(-len(body) // PADDED_SIZE) * PADDED_SIZE
    body += b"\0" * (size - len(body))
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, body, context.encode())


def unseal(sealed: bytes | memoryview, *, context: str) -> dict:
    sealed = bytes(sealed)
    nonce, ciphertext = sealed[:_NONCE], sealed[_NONCE:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            body = AESGCM(_key(secret)).decrypt(nonce, ciphertext, context.encode())
        except InvalidTag:
            continue
        length = int.from_bytes(body[:_LENGTH], "big")
        return json.loads(body[_LENGTH : _LENGTH + length])
    raise SealBroken("A held survey submission could not be opened with this server's keys.")
