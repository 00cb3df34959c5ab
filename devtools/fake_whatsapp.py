"""A fake WhatsApp Cloud API (Graph) on loopback, speaking the real wire format.

``POST /<version>/<phone-number-id>/messages`` with a Bearer token is recorded and
answered like Meta does (``{"messaging_product": "whatsapp", "contacts": [...],
"messages": [{"id": "wamid..."}]}``); errors can be injected (429/130429, 5xx, 131047
re-engagement outside the 24-hour window). Helpers build signed webhook notifications.

:class:`DemoWhatsApp` also serves a chat page at ``/`` that posts signed notifications to
Rasa's webhook (``make demo``, :mod:`devtools.demo`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from devtools.fake_telegram import FakeServer, post_to_rasa

PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"


def graph_error(
    status: int, code: int, message: str, details: str = ""
) -> Callable[[], web.Response]:
    """Factory of a Graph API error response."""

    def make() -> web.Response:
        error = {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": uuid.uuid4().hex[:12],
        }
        return web.json_response({"error": error}, status=status)

    return make


RE_ENGAGEMENT = graph_error(
    400,
    131047,
    "Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer "
    "last replied to this number.",
)


class FakeWhatsApp(FakeServer):
    """Fake Graph API for one business phone number."""

    def __init__(
        self,
        access_token: str = "EAAG-test-token",  # noqa: S107 - a test value
        phone_number_id: str = PHONE_NUMBER_ID,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.closed_windows: set[str] = set()
        self._ids = itertools.count(1)

    def channel_env(self, app_secret: str = "test_app_secret") -> dict[str, str]:  # noqa: S107
        """Environment that points Lentera's WhatsApp channel at this fake."""
        return {
            "WHATSAPP_ACCESS_TOKEN": self.access_token,
            "WHATSAPP_APP_SECRET": app_secret,
            "WHATSAPP_VERIFY_TOKEN": "test_verify_token",
            "WHATSAPP_PHONE_NUMBER_ID": self.phone_number_id,
            "WHATSAPP_API_BASE_URL": self.url,
            "WHATSAPP_API_VERSION": "v21.0",
            "WHATSAPP_TEMPLATE_NAME": "lentera_followup",
        }

    def rate_limit_next(self, count: int = 1) -> None:
        """Answer the next sends with 429, code 130429."""
        self.fail_next("messages", graph_error(429, 130429, "Rate limit hit"), count)

    def server_error_next(self, status: int = 500, count: int = 1) -> None:
        """Answer the next sends with a server error."""
        self.fail_next("messages", graph_error(status, 1, "An unknown error occurred"), count)

    def close_window(self, wa_id: str) -> None:
        """Answer 131047 to free-form messages for ``wa_id`` (templates still pass)."""
        self.closed_windows.add(wa_id)

    def sent(self, wa_id: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """Bodies of sent messages (not read receipts), optionally filtered."""
        return [
            c.params
            for c in self.calls("messages")
            if c.params.get("type")
            and (wa_id is None or c.params.get("to") == wa_id)
            and (kind is None or c.params.get("type") == kind)
        ]

    def build_app(self) -> web.Application:
        """Graph API route ``/<version>/<number>/messages`` plus the control routes."""
        app = web.Application()
        app.router.add_post("/{version}/{number}/messages", self._messages)
        self.add_control_routes(app)
        return app

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return graph_error(401, 190, "Error validating access token")()
        if request.match_info["number"] != self.phone_number_id:
            return graph_error(400, 100, "Unsupported post request")()
        try:
            body = await request.json()
        except ValueError:
            return graph_error(400, 100, "Invalid parameter")()
        self.record("messages", body)
        failure = self.take_failure("messages")
        if failure is not None:
            return failure
        if body.get("status") == "read":
            return web.json_response({"success": True})
        to = str(body.get("to", ""))
        if to in self.closed_windows and body.get("type") != "template":
            return RE_ENGAGEMENT()
        wamid = f"wamid.FAKE{next(self._ids):08d}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            }
        )


# ---- webhook notifications as Meta sends them ----------------------------------------------


def sign(body: bytes, app_secret: str) -> str:
    """``X-Hub-Signature-256`` header value for a raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def new_wamid() -> str:
    """A fresh WhatsApp message id."""
    return "wamid.HBgL" + uuid.uuid4().hex.upper()


def notification(
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    wa_id: str = "6281234567890",
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """A ``whatsapp_business_account`` notification with messages and/or statuses."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": phone_number_id},
    }
    if messages is not None:
        value["contacts"] = [{"profile": {"name": "Sari"}, "wa_id": wa_id}]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def inbound(
    wa_id: str,
    kind: str,
    content: dict[str, Any] | None,
    *,
    wamid: str | None = None,
    timestamp: float | None = None,
) -> dict[str, Any]:
    """One inbound message of type ``kind`` as it appears in a notification."""
    message: dict[str, Any] = {
        "from": wa_id,
        "id": wamid or new_wamid(),
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "type": kind,
    }
    if content is not None:
        message[kind] = content
    return message


def text_notification(wa_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
    """A notification with one text message."""
    return notification([inbound(wa_id, "text", {"body": text}, **kwargs)], wa_id=wa_id)


def button_reply_notification(wa_id: str, reply_id: str, title: str = "Ya") -> dict[str, Any]:
    """A notification with one reply-button press."""
    content = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return notification([inbound(wa_id, "interactive", content)], wa_id=wa_id)


def list_reply_notification(wa_id: str, reply_id: str, title: str = "Pilihan") -> dict[str, Any]:
    """A notification with one list-row choice."""
    content = {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}}
    return notification([inbound(wa_id, "interactive", content)], wa_id=wa_id)


def template_button_notification(wa_id: str, payload: str, text: str = "Ya") -> dict[str, Any]:
    """A notification with one template quick-reply press."""
    return notification([inbound(wa_id, "button", {"payload": payload, "text": text})], wa_id=wa_id)


def location_notification(wa_id: str, latitude: float, longitude: float) -> dict[str, Any]:
    """A notification with one shared location."""
    return notification(
        [inbound(wa_id, "location", {"latitude": latitude, "longitude": longitude})], wa_id=wa_id
    )


def audio_notification(wa_id: str) -> dict[str, Any]:
    """A notification with one voice note."""
    content = {
        "mime_type": "audio/ogg; codecs=opus",
        "sha256": "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=",
        "id": "1234567890987654321",
        "voice": True,
    }
    return notification([inbound(wa_id, "audio", content)], wa_id=wa_id)


def status_notification(
    wa_id: str, status: str = "delivered", error_code: int | None = None
) -> dict[str, Any]:
    """A delivery status notification (``failed`` with ``error_code``)."""
    item: dict[str, Any] = {
        "id": new_wamid(),
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if error_code is not None:
        item["errors"] = [{"code": error_code, "title": "Re-engagement message"}]
    return notification(statuses=[item], wa_id=wa_id)


def encode(data: dict[str, Any]) -> bytes:
    """Serialise like Meta: compact JSON, non-ASCII kept as UTF-8."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- demo ---------------------------------------------------------------------------------

_DEMO_PAGE = """<!doctype html><meta charset="utf-8"><title>Lentera - fake WhatsApp</title>
<style>
body{font-family:sans-serif;max-width:40em;margin:2em auto}
#log div{margin:.3em 0;padding:.4em;border-radius:.4em;white-space:pre-wrap}
.u{background:#dcf8c6;text-align:right}.b{background:#eee}.e{color:#a00}button{margin:.2em}
</style>
<h1>Fake WhatsApp chat</h1><div id="log"></div>
<form id="f"><input id="t" size="50" autofocus> <button>Send</button></form>
<script>
let seen = 0;
const log = document.getElementById('log');
const post = async (b) => {
  const r = await (await fetch('/_demo/send', {method: 'POST', body: JSON.stringify(b)})).json();
  if (r.status === 0) add('e', 'Rasa is not reachable yet (still loading the model?)');
  else if (r.status !== 200) add('e', 'Rasa webhook answered ' + r.status);
};
function add(cls, txt, options) {
  const d = document.createElement('div');
  d.className = cls;
  d.textContent = txt;
  (options || []).forEach(o => {
    const e = document.createElement('button');
    e.textContent = o.title;
    e.type = 'button';
    e.onclick = () => { add('u', o.title); post({reply: o.id, title: o.title}); };
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
  const r = await (await fetch('/_calls?method=messages')).json();
  r.slice(seen).forEach(c => {
    const p = c.params;
    if (p.type === 'text') add('b', p.text.body);
    if (p.type === 'template') add('b', '[template ' + p.template.name + ']');
    if (p.type === 'interactive') {
      const a = p.interactive.action;
      const opts = a.buttons ? a.buttons.map(b => b.reply) : a.sections.flatMap(s => s.rows);
      add('b', p.interactive.body.text, opts);
    }
  });
  seen = r.length;
}, 500);
</script>"""


class DemoWhatsApp(FakeWhatsApp):
    """Fake Graph API plus a browser chat page that posts signed notifications to Rasa."""

    def __init__(
        self, webhook_url: str, app_secret: str, wa_id: str = "6281234567890", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.wa_id = wa_id

    def build_app(self) -> web.Application:
        """The Graph API plus the chat page ``/`` and ``POST /_demo/send``."""
        app = super().build_app()

        async def page(_request: web.Request) -> web.Response:
            return web.Response(text=_DEMO_PAGE, content_type="text/html")

        async def send(request: web.Request) -> web.Response:
            body = await request.json()
            if "reply" in body:
                data = button_reply_notification(
                    self.wa_id, str(body["reply"]), str(body.get("title", ""))
                )
            else:
                data = text_notification(self.wa_id, str(body.get("text", "")))
            raw = encode(data)
            headers = {
                "X-Hub-Signature-256": sign(raw, self.app_secret),
                "Content-Type": "application/json",
            }
            return await post_to_rasa(self.webhook_url, data=raw, headers=headers)

        app.router.add_get("/", page)
        app.router.add_post("/_demo/send", send)
        return app
