"""Pairing a round: the optimal 1:1 pairing under hard constraints."""

from vc_pipeline.pairing.solver import Pairing, PairingInfeasible, SolverFailed, solve_pairing

__all__ = ["Pairing", "PairingInfeasible", "SolverFailed", "solve_pairing"]
