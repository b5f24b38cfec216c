"""Background jobs: a task queue in the database, for work that outlasts a request.

Exports, facts rebuilds, alert escalation and the audit chain check run here, off the
request path. An app declares a job in its own `jobs.py` with `@job("name")`
(`imhhv/jobs/registry.py`, found at start-up by autodiscovery), a service or an operator
queues it (`enqueue(...)` in `services.py`, `manage.py enqueue_job NAME --arg key=value`),
and a worker (`manage.py run_worker`, `make worker`) runs it.

Why a database-backed queue and not Celery with Redis:
- It runs on SQLite, so `make run` needs no other server, and on PostgreSQL in production
  with the same code.
- One server fewer to run, secure, back up and monitor: the queue is backed up, replicated
  and restored with the data, and the jobs table is where operators look.
- The queue is transactional with the data it acts on: a service that writes a row and
  enqueues the job for it does both or neither, and a worker never sees a job whose data
  has not been committed (with a broker, "committed but not queued" and "queued but rolled
  back" both happen).
The price is throughput: every claim is a database write. Our jobs are few and long
(seconds to minutes), not thousands of tiny tasks a second, so that price is small.

Workers on several machines: run `make worker` (or `manage.py run_worker`, with the same
DATABASE_URL) on each; they share the database and nothing else. On PostgreSQL a claim
is `SELECT … FOR UPDATE SKIP LOCKED`, so workers never take the same job and never wait
on each other; on SQLite a conditional UPDATE does the same for processes on one machine
(SQLite is a single-machine database). `--queue NAME` dedicates workers to some queues.

A lease: when a worker claims a job it writes its id (hostname:pid) and a deadline,
`locked_until` = now + the job's `lease`. A worker that crashes, is killed or loses its
machine leaves the job `running`; after the deadline any worker may claim it again (one
more attempt), and a job whose last attempt expired is failed. A lease must be longer than
the job's worst run time; leases compare the workers' clocks, so keep them in sync (NTP).
SIGTERM lets the current job finish before the worker exits, so a deploy loses no work.

Kwargs carry ids and dates only, never PHI: job rows outlive requests and are read by
operators. Failures store the exception's type and message on the row; logs carry job ids,
names and exception types only.
"""
