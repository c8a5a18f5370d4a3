"""Long desk work (imports, exports) on the server the bot runs on: the bot comes first."""

from __future__ import annotations

import os
from typing import Final

# CPU weight of a niceness of 10 is about a tenth of the bot's: on a small server the
# people waiting for a reply get the CPU first, and the desk job takes what is left.
DESK_NICENESS: Final = 10


def give_the_bot_the_cpu_first() -> None:
    """Lower this process's CPU priority to DESK_NICENESS (never raise it; ignore refusals)."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < DESK_NICENESS:
            os.setpriority(os.PRIO_PROCESS, 0, DESK_NICENESS)
    except (AttributeError, OSError):
        pass  # not on this system, or not allowed: the job runs at normal priority
