"""What can go wrong with jobs.

`UnknownJob` and `BadJobArguments` are refusals of `enqueue` (nothing is written), mapped
like every `DomainError`. `PermanentFailure` is for job functions: raise it (or a subclass)
when trying again cannot help, and the job fails at once instead of retrying.
"""

from imhhv.core.errors import DomainError


class UnknownJob(DomainError):
    code = "unknown_job"
    message = "No job is registered under that name."


class BadJobArguments(DomainError):
    code = "bad_job_arguments"
    message = "Job arguments must be a small object of ids, dates and flags."


class PermanentFailure(Exception):
    """Raised by a job function: fail now, without the remaining attempts."""
