"""Claims: what each outlet asserts, how the assertions line up, and where they conflict.

``check`` judges one (evidence, claim) pair; ``analyse`` runs the story-level analysis
(claims, structured facts, alignment, findings).
"""

from pressdiff.claims.check import Checker, CheckResult, RuleChecker, check
from pressdiff.claims.extract import Claim
from pressdiff.claims.facts import Fact
from pressdiff.claims.story import Alignment, ClaimResult, analyse

__all__ = [
    "Alignment",
    "CheckResult",
    "Checker",
    "Claim",
    "ClaimResult",
    "Fact",
    "RuleChecker",
    "analyse",
    "check",
]
