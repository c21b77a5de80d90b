"""Whether a file in the data folder may be trusted: this user's, and no one else may write it."""

from __future__ import annotations

import os
import stat


def ours_alone(status: os.stat_result) -> bool:
    """Whether the file of `status` is this user's and no one else may write it."""
    owner = getattr(os, "geteuid", None)
    mine = owner is None or status.st_uid == owner()
    return mine and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
