"""What earlier rounds left in the store: who met whom, and who had a bye."""

import datetime as dt
import itertools

import duckdb

from vc_pipeline.pairing.rule_order import RoundHistory
from vc_pipeline.store.tables import qualified, stored_types, table_exists


def _earlier_rounds(connection: duckdb.DuckDBPyConnection, round_date: dt.date, last: int | None) -> list[dt.date]:
    rounds = [r for (r,) in connection.execute(
        f"SELECT DISTINCT round FROM {qualified(connection, 'ilp_pairing')} WHERE round < ? ORDER BY round DESC",
        [round_date]).fetchall()]
    return rounds if last is None else rounds[:last]


def _who_met(connection: duckdb.DuckDBPyConnection) -> str:
    """A query of each round's groups: final_pairing (who really met) where a round has it, else
    the planned ilp_pairing."""
    planned = f"SELECT round, group_id, member_id, kind FROM {qualified(connection, 'ilp_pairing')}"
    if not table_exists(connection, "final_pairing"):
        return planned
    final = f"SELECT round, group_id, member_id, kind FROM {qualified(connection, 'final_pairing')}"
    return f"{final} UNION ALL {planned} WHERE round NOT IN (SELECT DISTINCT round FROM ({final}))"


def pair_ages(connection: duckdb.DuckDBPyConnection, round_date: dt.date,
              lookback: int | None = None) -> dict[frozenset[str], int]:
    """Every pair of member ids that shared a group (pair or triad) in the `lookback` rounds before
    `round_date` (all earlier rounds when None), with how many rounds ago they last met (1 = the
    previous round with a pairing)."""
    if not table_exists(connection, "ilp_pairing"):
        return {}
    rounds = _earlier_rounds(connection, round_date, lookback)
    if not rounds:
        return {}
    ago = {day: k + 1 for k, day in enumerate(rounds)}
    groups = connection.execute(
        f"SELECT round, list(member_id) FROM ({_who_met(connection)}) WHERE round IN (SELECT unnest(?::DATE[])) "
        "AND kind IN ('pair', 'triad') GROUP BY round, group_id", [rounds]).fetchall()
    ages: dict[frozenset[str], int] = {}
    for day, members in groups:
        for pair in itertools.combinations(members, 2):
            key = frozenset(pair)
            ages[key] = min(ages.get(key, ago[day]), ago[day])
    return ages


def earlier_pairs(connection: duckdb.DuckDBPyConnection, round_date: dt.date, lookback: int | None = None) -> set[frozenset[str]]:
    """Every pair of member ids that shared a group in the `lookback` rounds before `round_date`."""
    return set(pair_ages(connection, round_date, lookback))


def worse_off_members(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> set[str]:
    """Members worse off in the last round before `round_date` that has a pairing: a setback in
    ilp_pairing (bye, unpaired, similar-role request unmet or only by family, a weak pair) or a
    buddy who did not show (final_pairing: met a backup, were re-paired, or left unpaired)."""
    if not table_exists(connection, "ilp_pairing"):
        return set()
    last = _earlier_rounds(connection, round_date, 1)
    if not last:
        return set()
    worse = set()
    if "setback" in stored_types(connection, "ilp_pairing"):
        worse |= {m for (m,) in connection.execute(
            f"SELECT member_id FROM {qualified(connection, 'ilp_pairing')} WHERE round = ? AND setback IS NOT NULL",
            last).fetchall()}
    if table_exists(connection, "final_pairing"):
        worse |= {m for (m,) in connection.execute(
            f"SELECT member_id FROM {qualified(connection, 'final_pairing')} WHERE round = ? "
            "AND source IN ('backup', 'rematch', 'unpaired')", last).fetchall()}
    return worse


def recent_byes(connection: duckdb.DuckDBPyConnection, round_date: dt.date, rounds: int) -> set[str]:
    """Members who had a bye (or were left unpaired after no-shows) in the `rounds` rounds before `round_date`."""
    if rounds == 0 or not table_exists(connection, "ilp_pairing"):
        return set()
    recent = _earlier_rounds(connection, round_date, rounds)
    if not recent:
        return set()
    return {m for (m,) in connection.execute(
        f"SELECT member_id FROM ({_who_met(connection)}) "
        "WHERE round IN (SELECT unnest(?::DATE[])) AND kind IN ('bye', 'unpaired')", [recent]).fetchall()}


def unpaired_earlier_rounds(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> list[dt.date]:
    """Rounds before `round_date` whose members are stored but whose pairing is not (still running,
    failed or never finished): their pairs are missing from this round's no-repeat history."""
    if not table_exists(connection, "normalized_members"):
        return []
    earlier = {r for (r,) in connection.execute(
        f"SELECT DISTINCT round FROM {qualified(connection, 'normalized_members')} WHERE round < ?", [round_date]).fetchall()}
    paired = set(_earlier_rounds(connection, round_date, None)) if table_exists(connection, "ilp_pairing") else set()
    return sorted(earlier - paired)


def attendance(connection: duckdb.DuckDBPyConnection, round_date: dt.date, window: int = 3,
               limit: int = 2) -> tuple[set[str], set[str]]:
    """(unreliable, returning) before `round_date`: members who did not show (final_pairing kind
    `no_show`) in at least `limit` of the last `window` rounds they were in, and every member of
    an earlier round's pairing."""
    if not table_exists(connection, "ilp_pairing"):
        return set(), set()
    rows = connection.execute(
        f"SELECT member_id, list(kind ORDER BY round DESC) FROM ({_who_met(connection)}) WHERE round < ? "
        "GROUP BY member_id", [round_date]).fetchall()
    unreliable = {m for m, kinds in rows if kinds[:window].count("no_show") >= limit}
    return unreliable, {m for m, _ in rows}


def round_history(connection: duckdb.DuckDBPyConnection, round_date: dt.date, *, lookback: int | None,
                  bye_rounds: int) -> RoundHistory:
    """The history a round is paired against."""
    unreliable, returning = attendance(connection, round_date)
    return RoundHistory(pair_ages(connection, round_date, lookback), recent_byes(connection, round_date, bye_rounds),
                        worse_off_members(connection, round_date), unreliable, returning)
