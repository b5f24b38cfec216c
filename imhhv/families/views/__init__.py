"""Family and intake pages. `family` holds the record and its edits; `intake` the
referral, waitlist, capacity and enrollment pages."""
