"""`python -m bot`: parse the command and run it."""

import os
import sys

# python-telegram-bot 22 warns on every RetryAfter unless told to use timedelta values.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.cli import main  # noqa: E402 - the environment must be set before telegram loads

sys.exit(main())
