"""Who a member is in Slack: by the email on the form (users.lookupByEmail), else by the Slack
handle on the form, matched against the workspace's user names (one paginated users.list per run)."""


def normalize_handle(handle: str) -> str:
    """A handle as typed on a form ("@Ana.Lima ") as Slack's names compare: no `@`, casefolded."""
    return str(handle or "").strip().lstrip("@").strip().casefold()


class SlackDirectory:
    """Finds members' Slack user ids for one run, caching what it learnt."""

    def __init__(self, client, page_size: int = 200):
        self.client = client
        self.page_size = page_size
        self._by_email: dict[str, str | None] = {}
        self._by_handle: dict[str, str] | None = None
        self.list_pages = 0

    def find(self, email: str, handle: str) -> str | None:
        """The user id of the member with this email (first) or handle; None when Slack knows neither."""
        if email:
            user = self._lookup(email.strip())
            if user:
                return user
        return self._handles().get(normalize_handle(handle)) if normalize_handle(handle) else None

    def _lookup(self, email: str) -> str | None:
        from slack_sdk.errors import SlackApiError

        if email not in self._by_email:
            try:
                user = self.client.users_lookupByEmail(email=email)["user"]
                self._by_email[email] = None if user.get("deleted") else user["id"]
            except SlackApiError as error:
                if error.response.get("error") != "users_not_found":
                    raise
                self._by_email[email] = None
        return self._by_email[email]

    def _handles(self) -> dict[str, str]:
        if self._by_handle is None:
            self._by_handle, cursor = {}, None
            while True:
                page = self.client.users_list(limit=self.page_size, **({"cursor": cursor} if cursor else {}))
                self.list_pages += 1
                for user in page["members"]:
                    if user.get("deleted") or user.get("is_bot"):
                        continue
                    profile = user.get("profile", {})
                    for name in (user.get("name"), profile.get("display_name"), profile.get("display_name_normalized")):
                        if name:
                            self._by_handle.setdefault(normalize_handle(name), user["id"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        return self._by_handle
