"""The caseworker console: a separate, stateless web process over Lentera's database.

``python -m bot.console serve`` runs it (uvicorn, ``127.0.0.1:8080`` unless
``LENTERA_CONSOLE_HOST``/``LENTERA_CONSOLE_PORT`` say otherwise); the same command also
creates organisations and staff (``../shared/spec/console.md``). Pages are rendered on the
server with Jinja2 (autoescaped); htmx 2.0.8 and its SSE extension are vendored under
``static/vendor`` and are the only scripts besides our own ``static/console.js``.

Why Starlette + uvicorn, not the Sanic that Rasa already ships
(``../shared/reference/console_anchors.md``, section 3):

- it keeps the console's sessions server-side and revocable: Starlette has no session
  opinion we must fight (its ``SessionMiddleware`` is a signed client cookie, which we do not
  use), so a session is a row in ``console_sessions`` that logout and ``user disable`` end;
- server-sent events are a plain ``StreamingResponse``, with disconnects handled by the
  framework, for the live queue and case pages;
- it is ASGI, served by uvicorn, and tested in-process with its ``TestClient``;
- Sanic 21.12, the version Rasa 3.6 pins, left LTS support in December 2023: the part of
  Lentera that holds survivors' words runs on a maintained framework (Starlette 1.7.0, the
  last for Python 3.10, no pydantic), leaving Rasa's Sanic alone.

Layout: :mod:`.app` builds the application from a :class:`.app.Console`; :mod:`.security`
holds the headers, cookies, CSRF and the route guard every route goes through;
:mod:`.sessions`, :mod:`.staff` and :mod:`.passwords` are the login side; :mod:`.views`
the pages; :mod:`.events` the SSE stream; :mod:`.charts` the dashboard. The console never
imports a channel or Rasa: replies go through the case store's outbox.
"""
