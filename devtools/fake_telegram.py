"""A fake Telegram Bot API on loopback, speaking the real wire format.

It records every call, answers like the real server (``{"ok": true, "result": ...}``), and
can be told to fail (429 with ``retry_after``, 5xx, 403 blocked). Tests start it in a
background thread::

    fake = FakeTelegram(token="123:TEST").start()
    ...  # TELEGRAM_API_BASE_URL=fake.url
    fake.wait_for("sendMessage", count=1)

:class:`DemoTelegram` also serves a small chat page at ``/`` that posts updates to Rasa's
webhook, so a newcomer can see a whole conversation without a real bot token
(``make demo``, :mod:`devtools.demo`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, web


@dataclass
class Call:
    """One recorded API call: method name, decoded parameters, arrival time."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)


def _decode_value(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeServer:
    """Base: an aiohttp app run in its own thread and event loop, with call recording."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._calls: list[Call] = []
        self._failures: list[tuple[str, Callable[[], web.Response], int]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.delay = 0.0

    @property
    def url(self) -> str:
        """Base URL of the server (the port is known once started)."""
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:  # pragma: no cover - overridden
        """The aiohttp application (subclasses add the routes)."""
        raise NotImplementedError

    # -- recording -------------------------------------------------------------------------
    def record(self, method: str, params: dict[str, Any]) -> None:
        """Record one API call."""
        with self._lock:
            self._calls.append(Call(method, params))

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, optionally of one method only."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def reset(self) -> None:
        """Forget recorded calls, queued failures and the delay."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
        self.delay = 0.0

    def fail_next(self, method: str, response: Callable[[], web.Response], count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with ``response()``."""
        with self._lock:
            self._failures.append((method, response, count))

    def take_failure(self, method: str) -> web.Response | None:
        """The queued failure response for ``method``, if any (consumes it)."""
        with self._lock:
            for index, (name, make, count) in enumerate(self._failures):
                if name == method:
                    if count <= 1:
                        self._failures.pop(index)
                    else:
                        self._failures[index] = (name, make, count - 1)
                    return make()
        return None

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 15.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` matching calls arrived or ``timeout`` passed; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._matching(method, where)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    async def async_wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 15.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Like :meth:`wait_for`, without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._matching(method, where)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.02)

    def _matching(self, method: str, where: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self.calls(method) if where is None or where(c)]

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeServer:
        """Serve in a background thread; raise if the port cannot be bound."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            runner = web.AppRunner(self.build_app(), access_log=None)
            try:
                loop.run_until_complete(runner.setup())
                site = web.TCPSite(runner, self.host, self.port)
                loop.run_until_complete(site.start())
            except BaseException as exc:  # noqa: BLE001 - reported by start()
                failure.append(exc)
                loop.run_until_complete(runner.cleanup())
                loop.close()
                ready.set()
                return
            server = getattr(site, "_server", None)
            if server is not None and server.sockets:
                self.port = server.sockets[0].getsockname()[1]
            self._runner = runner
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"{type(self).__name__} did not start on {self.url}")
        if failure:
            self._loop = None
            raise RuntimeError(f"{type(self).__name__} cannot serve on {self.url}") from failure[0]
        return self

    def stop(self) -> None:
        """Stop the server and its thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def add_control_routes(self, app: web.Application) -> None:
        """Add ``GET /_calls`` and ``POST /_reset`` (used by the chat pages)."""

        async def calls(request: web.Request) -> web.Response:
            method = request.query.get("method")
            return web.json_response([c.__dict__ for c in self.calls(method)])

        async def reset(_request: web.Request) -> web.Response:
            self.reset()
            return web.json_response({"ok": True})

        app.router.add_get("/_calls", calls)
        app.router.add_post("/_reset", reset)


def telegram_error(
    status: int, description: str, retry_after: int | None = None
) -> Callable[[], web.Response]:
    """Factory of a Bot API error response (``retry_after`` adds ``parameters``)."""

    def make() -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    return make


class FakeTelegram(FakeServer):
    """Fake Bot API: ``POST /bot<token>/<method>`` (form, JSON or query parameters)."""

    BOT_USER = {
        "id": 7000001,
        "is_bot": True,
        "first_name": "Lentera",
        "username": "lentera_test_bot",
    }

    def __init__(self, token: str = "123456:TESTTOKEN", **kwargs: Any) -> None:  # noqa: S107
        super().__init__(**kwargs)
        self.token = token
        self._ids = itertools.count(1000)
        # What each chat shows now: message id -> (chat id, text); deleteMessage removes.
        self.shown: dict[int, tuple[Any, str]] = {}
        self.updates: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}

    def channel_env(self, secret: str = "test_webhook_secret") -> dict[str, str]:  # noqa: S107
        """Environment that points Lentera's Telegram channel at this fake."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_WEBHOOK_SECRET": secret,
            "TELEGRAM_API_BASE_URL": self.url,
        }

    def rate_limit_next(
        self, method: str = "sendMessage", retry_after: int = 1, count: int = 1
    ) -> None:
        """Answer the next calls of ``method`` with 429 and ``retry_after``."""
        self.fail_next(
            method,
            telegram_error(429, f"Too Many Requests: retry after {retry_after}", retry_after),
            count,
        )

    def server_error_next(
        self, method: str = "sendMessage", status: int = 500, count: int = 1
    ) -> None:
        """Answer the next calls of ``method`` with a server error."""
        self.fail_next(method, telegram_error(status, "Internal Server Error"), count)

    def reset(self) -> None:
        """Forget calls, failures and what the chats show."""
        super().reset()
        self.shown.clear()

    def visible_texts(self, chat_id: int) -> list[str]:
        """The bot's messages a chat still shows (sent and not deleted), oldest first."""
        return [text for _id, (chat, text) in sorted(self.shown.items()) if chat == chat_id]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of ``sendMessage`` calls, optionally to one chat only."""
        return [
            str(c.params.get("text"))
            for c in self.calls("sendMessage")
            if chat_id is None or c.params.get("chat_id") == chat_id
        ]

    def build_app(self) -> web.Application:
        """Bot API routes ``/bot<token>/<method>`` plus the control routes."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        self.add_control_routes(app)
        return app

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _decode_value(v) for k, v in request.query.items()}
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                params.update({k: _decode_value(str(v)) for k, v in form.items()})
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return telegram_error(401, "Unauthorized")()
        method = request.match_info["method"]
        params = await self._params(request)
        self.record(method, params)
        if self.delay:
            await asyncio.sleep(self.delay)
        failure = self.take_failure(method)
        if failure is not None:
            return failure
        return web.json_response({"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.BOT_USER
        if method in ("sendMessage", "sendPhoto"):
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"},
                "from": self.BOT_USER,
            }
            if "text" in params:
                message["text"] = str(params["text"])
            self.shown[int(message["message_id"])] = (
                params.get("chat_id"),
                message.get("text", ""),
            )
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "deleteMessage":
            return self.shown.pop(int(params.get("message_id", 0) or 0), None) is not None
        if method == "setWebhook":
            self.webhook = params
            return True
        if method == "deleteWebhook":
            self.webhook = {}
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return self.updates[: int(params.get("limit", 100) or 100)]
        return True


# ---- updates as Telegram sends them -------------------------------------------------------

_update_ids = itertools.count(int(time.time()) % 1_000_000 * 100)


def next_update_id() -> int:
    """A fresh, increasing ``update_id``."""
    return next(_update_ids)


def _user(chat_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
    if language_code:
        user["language_code"] = language_code
    return user


def message_update(
    chat_id: int,
    text: str | None = None,
    *,
    language_code: str | None = "id",
    update_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` update; ``extra`` adds fields such as ``location`` or ``voice``."""
    message: dict[str, Any] = {
        "message_id": next_update_id() % 100000,
        "from": _user(chat_id, language_code),
        "chat": {"id": chat_id, "first_name": "Ana", "type": "private"},
        "date": int(time.time()),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [
                {"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}
            ]
    message.update(extra)
    return {
        "update_id": update_id if update_id is not None else next_update_id(),
        "message": message,
    }


def callback_update(chat_id: int, data: str, *, language_code: str | None = "id") -> dict[str, Any]:
    """A ``callback_query`` update (inline keyboard press)."""
    return {
        "update_id": next_update_id(),
        "callback_query": {
            "id": f"cbq{next_update_id()}",
            "from": _user(chat_id, language_code),
            "message": {
                "message_id": 1,
                "from": FakeTelegram.BOT_USER,
                "chat": {"id": chat_id, "first_name": "Ana", "type": "private"},
                "date": int(time.time()),
                "text": "?",
            },
            "chat_instance": "-1",
            "data": data,
        },
    }


def voice_update(chat_id: int, **kwargs: Any) -> dict[str, Any]:
    """A voice message update."""
    voice = {
        "file_id": "AwACAgQAAxkBAAIBZ2V",
        "file_unique_id": "AgADQhMAAqZ",
        "duration": 4,
        "mime_type": "audio/ogg",
    }
    return message_update(chat_id, None, voice=voice, **kwargs)


def location_update(
    chat_id: int, latitude: float, longitude: float, **kwargs: Any
) -> dict[str, Any]:
    """A location message update."""
    return message_update(
        chat_id, None, location={"latitude": latitude, "longitude": longitude}, **kwargs
    )


async def post_to_rasa(url: str, **kwargs: Any) -> web.Response:
    """POST to Rasa's webhook for a chat page: ``{"status": <HTTP status>}``, 0 if unreachable."""
    try:
        async with ClientSession() as session, session.post(url, **kwargs) as reply:
            return web.json_response({"status": reply.status})
    except ClientError:
        return web.json_response({"status": 0})


# ---- demo ---------------------------------------------------------------------------------

_DEMO_PAGE = """<!doctype html><meta charset="utf-8"><title>Lentera - fake Telegram</title>
<style>
body{font-family:sans-serif;max-width:40em;margin:2em auto}
#log div{margin:.3em 0;padding:.4em;border-radius:.4em;white-space:pre-wrap}
.u{background:#dcf8c6;text-align:right}.b{background:#eee}.e{color:#a00}button{margin:.2em}
</style>
<h1>Fake Telegram chat</h1><div id="log"></div>
<form id="f"><input id="t" size="50" autofocus> <button>Send</button></form>
<script>
let seen = 0;
const log = document.getElementById('log');
const post = async (b) => {
  const r = await (await fetch('/_demo/send', {method: 'POST', body: JSON.stringify(b)})).json();
  if (r.status === 0) add('e', 'Rasa is not reachable yet (still loading the model?)');
  else if (r.status !== 200) add('e', 'Rasa webhook answered ' + r.status);
};
function add(cls, txt, buttons) {
  const d = document.createElement('div');
  d.className = cls;
  d.textContent = txt;
  (buttons || []).forEach(b => {
    const e = document.createElement('button');
    e.textContent = b.text;
    e.type = 'button';
    e.onclick = () => { add('u', b.text); post({data: b.callback_data}); };
    d.appendChild(e);
  });
  log.appendChild(d);
}
document.getElementById('f').onsubmit = e => {
  e.preventDefault();
  const t = document.getElementById('t');
  add('u', t.value);
  post({text: t.value});
  t.value = '';
};
setInterval(async () => {
  const r = await (await fetch('/_calls?method=sendMessage')).json();
  r.slice(seen).forEach(c => {
    const kb = (c.params.reply_markup || {}).inline_keyboard || [];
    add('b', c.params.text, kb.flat());
  });
  seen = r.length;
}, 500);
</script>"""


class DemoTelegram(FakeTelegram):
    """Fake Bot API plus a browser chat page that posts updates to Rasa's webhook."""

    def __init__(
        self, webhook_url: str, secret: str, chat_id: int = 555000111, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.webhook_url = webhook_url
        self.secret = secret
        self.chat_id = chat_id

    def build_app(self) -> web.Application:
        """The Bot API plus the chat page ``/`` and ``POST /_demo/send``."""
        app = super().build_app()

        async def page(_request: web.Request) -> web.Response:
            return web.Response(text=_DEMO_PAGE, content_type="text/html")

        async def send(request: web.Request) -> web.Response:
            body = await request.json()
            if "data" in body:
                update = callback_update(self.chat_id, str(body["data"]))
            else:
                update = message_update(self.chat_id, str(body.get("text", "")))
            return await post_to_rasa(
                self.webhook_url,
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
            )

        app.router.add_get("/", page)
        app.router.add_post("/_demo/send", send)
        return app
