"""The errors a user can act on: bad input, settings or controls, a busy store, an infeasible round.

Each is a `UserError`, and its message names the file, row, column or setting and what was expected.
An asset turns a `UserError` (and only a `UserError`) into a one-line step failure. Any other
exception is a bug, and it keeps its traceback.
"""


class UserError(Exception):
    """Something the user can fix or wait out; the message says what and where, in one line."""


class SettingsError(UserError, ValueError):
    """A setting with a value outside what it accepts (e.g. VC_MEMBERS_MODE)."""


class ExportError(UserError, ValueError):
    """The organizer export cannot join the round's pairs back to its members."""


MEMBER_MODES = ("synthetic", "passthrough")


def check_member_mode(mode: str) -> str:
    """`mode` when it is a VC_MEMBERS_MODE we know; SettingsError otherwise."""
    if mode not in MEMBER_MODES:
        raise SettingsError(f"VC_MEMBERS_MODE is '{mode}'; expected 'synthetic' or 'passthrough'")
    return mode
