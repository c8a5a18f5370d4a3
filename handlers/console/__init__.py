"""The officer web console: the desk in a browser, signed in by a link the bot sends.

- `signin`: one-time links, browser sessions, sign-out and revocation (channel-free);
- `features` and `chat`: `/konsol` in chat, which sends an officer their link;
- `services`: the one place the console imports the domain services chat and CLI use;
- `web` and the page modules: thin Starlette routes over those services, rendered with the
  Jinja2 templates and static files of this package; each page module lists its routes
  (`PAGES`) and its menu entry (`MENU`), and `app.PAGE_MODULES` mounts them all.
"""
