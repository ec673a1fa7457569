"""The secret store: generated credentials, encrypted at rest with Fernet (AES-128-CBC + HMAC).

The key comes from `PAVED_SECRET_KEY` or a key file created on first start, readable only by
its owner. Secrets are referenced by name (`<external name>#password`) and never copied into
logs, events or API responses other than the credentials endpoint.
"""

from __future__ import annotations

import os
import secrets as random
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete
from sqlalchemy.orm import Session

from paved.core.errors import UnavailableError
from paved.store.models import Secret


def load_or_create_key(key: str | None, key_file: Path) -> bytes:
    """The Fernet key: given, or read from `key_file`, or created there with mode 0600."""
    if key:
        return key.encode()
    if key_file.exists():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    new_key = Fernet.generate_key()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(new_key)
    return new_key


class SecretBox:
    """Encrypts and decrypts secret values, and keeps them in the `secrets` table."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def put(self, session: Session, ref: str, value: str) -> None:
        row = session.get(Secret, ref)
        ciphertext = self._fernet.encrypt(value.encode())
        if row is None:
            session.add(Secret(ref=ref, ciphertext=ciphertext))
        else:
            row.ciphertext = ciphertext

    def get(self, session: Session, ref: str) -> str | None:
        row = session.get(Secret, ref)
        if row is None:
            return None
        try:
            return self._fernet.decrypt(row.ciphertext).decode()
        except InvalidToken as err:
            raise UnavailableError(
                f"secret {ref} cannot be decrypted: the secret key changed "
                "(set PAVED_SECRET_KEY to the key it was written with)"
            ) from err

    def get_or_create(self, session: Session, ref: str) -> str:
        """The secret named `ref`, generated (32 url-safe random bytes) on first use."""
        value = self.get(session, ref)
        if value is None:
            value = random.token_urlsafe(32)
            self.put(session, ref, value)
        return value

    def delete_prefix(self, session: Session, prefix: str) -> None:
        session.execute(delete(Secret).where(Secret.ref.startswith(prefix, autoescape=True)))
