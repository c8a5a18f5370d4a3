"""The command line, `python -m bot <command>`: one module per command group.

Each group module (`sessions`, `attendance`, `officers`, `equipment`, `bast`, `export`,
`broadcast`, `backup`, `participants`, `migrate`, `running` for `run` and `demo`) owns its
arguments and its bodies. It exposes `register(commands)`, which adds its sub-parsers to the
`commands` sub-parser set and binds each command to its body with `set_defaults(func=...)`.
A body is `async def body(settings, args) -> int` returning the exit status (`run`, which
owns its event loop, is a plain function); it raises `CliError` for anything the operator
asked that cannot be done.

`entry.main` only parses, builds the settings and runs the body. It alone turns errors into
one line `error: ...` on stderr with exit status 2: `CliError`, bad configuration, and every
OS or SQLite error (full disk, read-only or missing folder, unreadable or corrupt file), so no
command prints a traceback for them.

Adding a group (faq, tickets, quiz, certificates, a console link, copy-database, ...) is one
new module here with a `register` function, listed in `entry.GROUPS`, and its lines in the
README's command-line section (a test checks that every command and option is documented
there). What several groups need — the error class, the audit actor, the output format and
folder checks, sheet reading, progress bars — lives once in `common.py`; a group module never
imports another group module.
"""

from bot.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
