"""Building synthetic demo data. Every name is obviously made up; nothing is real.

`seed()` builds, deterministically (one seeded random generator):

* staff: a state administrator, an evaluator and, per agency, an agency administrator and
  teams of one supervisor and home visitors (one works half time), plus a home visitor
  whose membership ended (`former.visitor`);
* per home visitor `families_per_visitor` ACTIVE families (an open enrollment episode),
  each with caregivers whose demographics are drawn to match the evaluated sample of the
  federal review (`SAMPLE_*` below), children born or expected (some preterm, ages
  spread so that some show the transition-planning banner), consents, an assignment
  history (some transferred) and the referral they came from; a couple per agency were
  re-enrolled (two episodes);
* per agency DISCHARGED families (about 30% of every family ever served) with a mix of
  reasons, planned or not, transition plans and referrals made;
* per agency intake: referrals in every status (new, eligible = the waitlist,
  ineligible, enrolled, closed) with risk factors from the `RiskFactor` rows and
  screening reasons written by `imhhv.core.eligibility.screen`.

Rows are written with bulk_create and write no audit events: seeding is not user
activity, and the audit chain is left exactly as it was.

Names are "Demo <bird> <tree>", children are named after plants, streets are
"Demo <tree> Lane", phone numbers are 555-01xx, Medicaid ids start with DEMO; ZIP codes
use the real ZIP3 prefix of the town with made-up last digits.
"""

from imhhv.demo.data.common import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from imhhv.demo.data.names import CHILD_NAMES
from imhhv.demo.data.organisation import COUNTIES, County
from imhhv.demo.data.people import (
    SAMPLE_HISPANIC,
    SAMPLE_MEANS_TESTED,
    SAMPLE_RACE_SHARES,
    SAMPLE_RACE_UNKNOWN,
    draw_races,
)
from imhhv.demo.data.seed import SeedResult, add_waiting_referrals, seed

__all__ = [
    "CHILD_NAMES",
    "COUNTIES",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_PASSWORD",
    "SAMPLE_HISPANIC",
    "SAMPLE_MEANS_TESTED",
    "SAMPLE_RACE_SHARES",
    "SAMPLE_RACE_UNKNOWN",
    "County",
    "SeedResult",
    "add_waiting_referrals",
    "draw_races",
    "seed",
]
