"""A local stand-in for the OpenAI chat completions endpoint (loopback only), recording every request.

It answers like the API, by the schema the request names: a paraphrase request (ParaphrasedBatch)
gets each member's text with its word order reversed; an intro request (IntroBatch) gets, per group,
a why, two conversation starters and a message that use the group's placeholders. Markers in a
member's summary script failures: REFUSE (a refusal), TRUNCATE (finish_reason "length"), MALFORMED
(JSON that is not the schema), BROKENJSON (not JSON at all), RATELIMIT (a 429 the first time), and
for intros BADPLACEHOLDER (an answer naming a member the group lacks).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _completion(model: str, content: str | None, *, finish: str = "stop", refusal: str | None = None) -> dict:
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": refusal}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}}


def _intros(groups: list[dict]) -> dict:
    answers = []
    for group in groups:
        who = [m["placeholder"] for m in group["members"]]
        skill = (group["shared_skills"] or ["your work"])[0]
        bad = any("BADPLACEHOLDER" in m["summary"] for m in group["members"])
        answers.append({"ref": group["ref"], "why": f"{' and '.join(who)} were paired: {'; '.join(group['reasons'])}.",
                        "icebreakers": [f"Trade one lesson each about {skill}.",
                                        f"{who[0]}, ask {'{member_9}' if bad else who[-1]} about their current project."],
                        "message": "Say hi and book 30 minutes this week."})
    return {"intros": answers}


def _answer(body: dict, seen_rate_limit: set) -> tuple[int, dict]:
    records = json.loads(body["messages"][-1]["content"])
    intros = body["response_format"]["json_schema"]["name"] == "IntroBatch"
    members = [m for g in records for m in g["members"]] if intros else records
    text = " ".join(m["summary"] for m in members)
    model = body["model"]
    if "RATELIMIT" in text and text not in seen_rate_limit:
        seen_rate_limit.add(text)
        return 429, {"error": {"message": "Rate limit reached", "type": "rate_limit_error", "code": "rate_limit"}}
    if "REFUSE" in text:
        return 200, _completion(model, None, refusal="I can't help with that.")
    if "TRUNCATE" in text:
        return 200, _completion(model, '{"members": [{"ref": "m', finish="length")
    if "MALFORMED" in text:
        return 200, _completion(model, '{"people": "not the schema"}')
    if "BROKENJSON" in text:
        return 200, _completion(model, '{"members": [{"ref": "m0", "summary": unquoted}')
    if intros:
        return 200, _completion(model, json.dumps(_intros(records)))
    flip = (lambda s: " ".join(reversed(s.split())))
    answer = {"members": [{"ref": m["ref"], "summary": flip(m["summary"]), "skills": flip(m["skills"]),
                           "buddy_preferences": flip(m["buddy_preferences"])} for m in members]}
    return 200, _completion(model, json.dumps(answer))


class OpenAIStub:
    """Serve on 127.0.0.1 in a thread; `requests` holds every request body (parsed JSON),
    `authorizations` every request's Authorization header."""

    def __init__(self):
        self.requests: list[dict] = []
        self.raw_bodies: list[str] = []
        self.authorizations: list[str | None] = []
        stub, seen = self, set()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode()
                stub.raw_bodies.append(raw)
                stub.authorizations.append(self.headers.get("Authorization"))
                stub.requests.append(json.loads(raw))
                status, payload = _answer(json.loads(raw), seen)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("retry-after-ms", "10")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
