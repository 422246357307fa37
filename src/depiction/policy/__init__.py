"""Policies as data: schema, loading and CEL compilation, evaluation, rewrites."""

from depiction.policy.evaluate import Outcome, evaluate
from depiction.policy.loader import Policy, default_policy_path, load_policy

__all__ = ["Outcome", "Policy", "default_policy_path", "evaluate", "load_policy"]
