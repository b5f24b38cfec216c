-- The statewide fidelity figures of one period, written by hand over the raw tables: the
-- yardstick `make bench-state` times the app's report against (DESIGN.md: a statewide
-- report costs at most 1.5 times the best hand-written SQL for the same numbers).
--
-- One statement, one row: families, completed_home_visits, completed_contacts,
-- expected_weeks, covered_weeks, with the definitions of imhhv/core/fidelity:
--
-- - the families are every family of the state's agencies; `families` counts those
--   enrolled on at least one day of [start, end];
-- - a visit's day is the local date (time zone `tz`) of its start, or of its scheduled
--   time when it has no start; a completed visit in the home is a home visit, a completed
--   visit anywhere else (other place, video, phone) a contact;
-- - a week runs Monday to Sunday; it is expected for a family when, among its days
--   inside [start, end], the family was enrolled on at least 4 and paused (a plan row
--   with frequency 'paused', effective_from to paused_until) on fewer than 4; the days
--   of several enrollments (and pauses) are a union, counted once;
-- - an expected week is covered by a completed home visit on any of its seven days,
--   even one outside [start, end].
--
-- Parameters (psycopg's pyformat, as `manage.py bench_queries` passes them):
-- %(state_ids)s (the states' ids, an array), %(start)s, %(end)s (dates, inclusive) and
-- %(tz)s (settings.TIME_ZONE). By hand: replace them, e.g. ARRAY[1], '2025-12-02',
-- '2026-12-01', 'America/Detroit'.
--
-- Decisions: enrollment and pause days are unions of date ranges (range_agg, PostgreSQL
-- 14+), cut into their disjoint ranges and counted per week by arithmetic on the ends
-- (joined to the period's Mondays, one generate_series), not day by day; visits are read
-- once, over the whole weeks of the period, for both the period's counts and the covered
-- weeks. Parameters are written where they are used, not read from a CTE of parameters:
-- the planner cannot see through such a CTE and joined visits to families in a nested
-- loop (30 times slower at two agencies).
WITH
-- Each family's enrolled days inside the period, as one union of ranges.
enrolled AS (
    SELECT
        e.family_id,
        range_agg(
            daterange(e.enrolled_on, e.discharged_on, '[]')
                * daterange(%(start)s::date, %(end)s::date, '[]')
        ) AS days
    FROM families_enrollment e
    JOIN families_family f ON f.id = e.family_id
    JOIN agencies_agency a ON a.id = f.agency_id
    WHERE a.state_id = ANY(%(state_ids)s::bigint[])
      AND e.enrolled_on <= %(end)s::date
      AND (e.discharged_on IS NULL OR e.discharged_on >= %(start)s::date)
    GROUP BY e.family_id
),
-- Each family's paused days, as one union of ranges.
paused AS (
    SELECT p.family_id, range_agg(daterange(p.effective_from, p.paused_until, '[]')) AS days
    FROM visits_visitplan p
    WHERE p.frequency = 'paused'
      AND p.effective_from <= %(end)s::date
      AND p.paused_until >= %(start)s::date
    GROUP BY p.family_id
),
-- The Mondays of the weeks that have a day in the period.
weeks AS (
    SELECT date_trunc('week', %(start)s::date::timestamp)::date + 7 * i AS monday
    FROM generate_series(
        0, (%(end)s::date - date_trunc('week', %(start)s::date::timestamp)::date) / 7
    ) AS i
),
-- Days per (family, Monday): each disjoint range split over the weeks it touches.
enrolled_weeks AS (
    SELECT en.family_id, w.monday,
           sum(least(upper(r) - 1, w.monday + 6) - greatest(lower(r), w.monday) + 1) AS days
    FROM enrolled en
    CROSS JOIN LATERAL unnest(en.days) AS r
    JOIN weeks w ON w.monday < upper(r) AND w.monday + 6 >= lower(r)
    GROUP BY en.family_id, w.monday
),
paused_weeks AS (
    SELECT pa.family_id, w.monday,
           sum(least(upper(r) - 1, w.monday + 6) - greatest(lower(r), w.monday) + 1) AS days
    FROM paused pa
    JOIN enrolled en ON en.family_id = pa.family_id
    CROSS JOIN LATERAL unnest(pa.days * en.days) AS r  -- paused while enrolled
    JOIN weeks w ON w.monday < upper(r) AND w.monday + 6 >= lower(r)
    GROUP BY pa.family_id, w.monday
),
expected AS (
    SELECT ew.family_id, ew.monday
    FROM enrolled_weeks ew
    LEFT JOIN paused_weeks pw USING (family_id, monday)
    WHERE ew.days >= 4 AND coalesce(pw.days, 0) < 4
),
-- Completed visits of the state's families over the whole weeks of the period, read once.
visits AS (
    SELECT
        v.family_id,
        v.place = 'home' AS in_home,
        (coalesce(v.started_at, v.scheduled_at) AT TIME ZONE %(tz)s)::date AS day
    FROM visits_visit v
    JOIN families_family f ON f.id = v.family_id
    JOIN agencies_agency a ON a.id = f.agency_id
    WHERE a.state_id = ANY(%(state_ids)s::bigint[])
      AND v.outcome = 'completed'
      AND coalesce(v.started_at, v.scheduled_at)
          >= date_trunc('week', %(start)s::date::timestamp) AT TIME ZONE %(tz)s
      AND coalesce(v.started_at, v.scheduled_at)
          < (date_trunc('week', %(end)s::date::timestamp) + interval '7 days') AT TIME ZONE %(tz)s
),
home_weeks AS (
    SELECT DISTINCT family_id, date_trunc('week', day::timestamp)::date AS monday
    FROM visits
    WHERE in_home
)
SELECT
    (SELECT count(*) FROM enrolled) AS families,
    (SELECT count(*) FROM visits
      WHERE in_home AND day BETWEEN %(start)s::date AND %(end)s::date) AS completed_home_visits,
    (SELECT count(*) FROM visits
      WHERE NOT in_home AND day BETWEEN %(start)s::date AND %(end)s::date) AS completed_contacts,
    (SELECT count(*) FROM expected) AS expected_weeks,
    (SELECT count(*) FROM expected JOIN home_weeks USING (family_id, monday)) AS covered_weeks
