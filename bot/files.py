"""Files the bot writes beside its database (heartbeat, charts, reports, keys, exports): readable
by the bot's own user only, from the moment they exist, and never half-written."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed over it), mode 0600."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.chmod(temporary, PRIVATE)  # an old temporary file may have had other rights
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
