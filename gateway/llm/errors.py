"""Errors raised by the LLM provider.

Every error carries a short machine-readable ``reason`` so a pipeline can fall back to extractive
mode and record (and show) why.
"""


class LLMError(Exception):
    reason = "llm_error"


class LLMNotConfigured(LLMError):
    """No API key: the AI runs in extractive mode everywhere."""

    reason = "not_configured"


class LLMNoPolicy(LLMError):
    """No model policy is registered (switches and budget unknown): the gateway refuses to generate."""

    reason = "no_policy"


class LLMRedactionFailed(LLMError):
    """An outgoing text could not be redacted, so nothing was sent (fail closed)."""

    reason = "redaction_failed"


class LLMFeatureDisabled(LLMError):
    """An admin switched this feature's generative mode off in AISettings."""

    reason = "feature_disabled"


class LLMBudgetExceeded(LLMError):
    """The monthly token budget is spent; raised before any request leaves."""

    reason = "budget_exceeded"


class LLMUnavailable(LLMError):
    """The server could not be reached or kept failing (timeouts, 429/5xx after retries, 4xx)."""

    reason = "unavailable"


class LLMBadResponse(LLMError):
    """The server answered, but not with something usable (malformed JSON, schema mismatch, empty)."""

    reason = "bad_response"
