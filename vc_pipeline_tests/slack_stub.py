"""A local stand-in for the Slack Web API (loopback only) that slack_sdk's WebClient talks to.

Like the real API it checks the bot token (`Authorization: Bearer ...`, else `invalid_auth`) and
each method's required parameters (else `invalid_arguments`), answers HTTP 200 with `ok: false`
and Slack's error codes (`users_not_found`, `user_not_found`, `channel_not_found`), paginates
users.list with cursors, returns the same group DM for the same set of users, keeps message
metadata for conversations.history, and answers 429 with `Retry-After` and `ratelimited` when
told to (`rate_limit`). `hang_after_posts(n)` makes the (n+1)th chat.postMessage be recorded as
posted and then never answered, like a process killed mid-request.
"""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "xoxb-test-token"
_REQUIRED = {"users.lookupByEmail": ("email",), "users.list": (), "conversations.open": ("users",),
             "chat.postMessage": ("channel",), "conversations.history": ("channel",), "auth.test": ()}


class SlackStub:
    """Serve on 127.0.0.1 in a thread. `users` are dicts with id, name, email, display_name.
    `calls` holds every (method, params) received; `channels` every DM: id -> {members, messages}."""

    def __init__(self, users: list[dict], page_size: int = 50):
        self.users = [{"id": u["id"], "name": u["name"], "deleted": False, "is_bot": False, "real_name": u["name"],
                       "profile": {"email": u.get("email", ""), "display_name": u.get("display_name", ""),
                                   "display_name_normalized": u.get("display_name", "")}} for u in users]
        self.page_size = page_size
        self.calls: list[tuple[str, dict]] = []
        self.channels: dict[str, dict] = {}
        self._limits: dict[str, list[int]] = {}
        self._hang_after: int | None = None
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._seq = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                self._serve(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                kind = self.headers.get("Content-Type", "")
                params = json.loads(raw) if "json" in kind else dict(urllib.parse.parse_qsl(raw))
                params.update(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
                self._serve(params)

            def _serve(self, params: dict):
                method = urllib.parse.urlsplit(self.path).path.rsplit("/", 1)[-1]
                status, headers, body = stub.answer(method, params, self.headers.get("Authorization"))
                if body is None:  # hung: the client never hears back
                    stub._release.wait(60)
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        """The next `times` calls of `method` get HTTP 429 with Retry-After."""
        self._limits.setdefault(method, []).extend([retry_after] * times)

    def hang_after_posts(self, posts: int | None) -> None:
        self._hang_after = posts

    def posts(self) -> list[dict]:
        return [p for m, p in self.calls if m == "chat.postMessage"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # the API

    def answer(self, method: str, params: dict, authorization: str | None) -> tuple[int, dict, dict | None]:
        with self._lock:
            self.calls.append((method, params))
            if authorization != f"Bearer {TOKEN}":
                return 200, {}, {"ok": False, "error": "not_authed" if not authorization else "invalid_auth"}
            if method not in _REQUIRED:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            if any(not params.get(name) for name in _REQUIRED[method]):
                return 200, {}, {"ok": False, "error": "invalid_arguments"}
            if self._limits.get(method):
                retry_after = self._limits[method].pop(0)
                return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
            handler = getattr(self, "_" + method.replace(".", "_"))
            return handler(params)

    def _user(self, user_id: str) -> dict | None:
        return next((u for u in self.users if u["id"] == user_id), None)

    def _auth_test(self, params):
        return 200, {}, {"ok": True, "user_id": "UBOT", "team": "stub"}

    def _users_lookupByEmail(self, params):  # noqa: N802 (Slack's method name)
        email = params["email"].casefold()
        user = next((u for u in self.users if u["profile"]["email"].casefold() == email), None)
        return 200, {}, ({"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"})

    def _users_list(self, params):
        start = int(params.get("cursor") or 0)
        limit = min(int(params.get("limit") or self.page_size), self.page_size)
        page = self.users[start:start + limit]
        cursor = str(start + limit) if start + limit < len(self.users) else ""
        return 200, {}, {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_open(self, params):
        members = frozenset(params["users"].split(","))
        if not all(self._user(u) for u in members):
            return 200, {}, {"ok": False, "error": "user_not_found"}
        channel = next((c for c, info in self.channels.items() if info["members"] == members), None)
        if channel is None:
            channel = f"{'D' if len(members) == 1 else 'G'}{len(self.channels):06d}"
            self.channels[channel] = {"members": members, "messages": []}
        return 200, {}, {"ok": True, "channel": {"id": channel}}

    def _chat_postMessage(self, params):  # noqa: N802
        if params["channel"] not in self.channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        metadata = params.get("metadata")
        metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
        self._seq += 1
        ts = f"{int(time.time())}.{self._seq:06d}"
        message = {"type": "message", "user": "UBOT", "text": params.get("text", ""), "ts": ts, "metadata": metadata}
        self.channels[params["channel"]]["messages"].append(message)
        if self._hang_after is not None and len(self.posts()) > self._hang_after:
            return 200, {}, None
        return 200, {}, {"ok": True, "channel": params["channel"], "ts": ts, "message": message}

    def _conversations_history(self, params):
        if params["channel"] not in self.channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [dict(m) if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                    for m in reversed(self.channels[params["channel"]]["messages"])]
        return 200, {}, {"ok": True, "messages": messages[:int(params.get("limit") or 100)], "has_more": False}
