"""Moved: the program policy lives in `imhhv.reference.policy` (issue 7).

A thin re-export so callers keep working while their owners change the import to
`from imhhv.reference.policy import policy_on, waitlist_priority`; then this file goes.
"""

from imhhv.reference.policy import policy_on, waitlist_priority

__all__ = ["policy_on", "waitlist_priority"]
