"""One application error type, rendered the same way by views, the API and commands."""


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class TransitionNotAllowed(ApplicationError):
    pass


class AttachmentRejected(ApplicationError):
    pass
