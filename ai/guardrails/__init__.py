"""Guardrails of the AI pipeline: input screening, isolation of untrusted text, output checks.

Input:     detect_injection, assess_scope (+ RetrievalScores), detect_abuse
Isolation: fence_untrusted, make_boundary, spotlight_instructions, make_canary, contains_canary
Output:    check_output
"""

from ai.guardrails.abuse import AbuseVerdict, detect_abuse
from ai.guardrails.injection import INJECTION_THRESHOLD, InjectionVerdict, detect_injection
from ai.guardrails.offtopic import (
    PASSAGE_THRESHOLDS,
    UTTERANCE_THRESHOLDS,
    RetrievalScores,
    ScopeThresholds,
    ScopeVerdict,
    assess_scope,
)
from ai.guardrails.output import OutputVerdict, check_output
from ai.guardrails.spotlight import (
    contains_canary,
    fence_untrusted,
    make_boundary,
    make_canary,
    spotlight_instructions,
)

__all__ = [
    "INJECTION_THRESHOLD",
    "PASSAGE_THRESHOLDS",
    "UTTERANCE_THRESHOLDS",
    "AbuseVerdict",
    "InjectionVerdict",
    "OutputVerdict",
    "RetrievalScores",
    "ScopeThresholds",
    "ScopeVerdict",
    "assess_scope",
    "check_output",
    "contains_canary",
    "detect_abuse",
    "detect_injection",
    "fence_untrusted",
    "make_boundary",
    "make_canary",
    "spotlight_instructions",
]
