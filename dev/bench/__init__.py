"""`make bench` (`python -m dev.bench`): every performance figure in one report, printed and written to
`bench/REPORT.md`. Each figure stands beside the original service's where one exists.

- Machine: CPU, memory, OS, Python, commit, database (`report.py`).
- Cold import per function (`imports.py`): a fresh interpreter per sample imports the function's module the
  way Lambda does (function folder, then the layer, on sys.path) and reports the CPU time of that import alone
  (`time.process_time()`, interpreter start excluded), with its wall time for information. Samples are taken
  in interleaved rounds (every function and set-up once per round, in a shuffled order with a fixed seed), so
  all see the same machine conditions; the median CPU time is reported with its spread (min-max). Three
  set-ups:
  - local: the source tree and the dev virtualenv, tracing off (as the local gateway and tests run);
  - built: the `sam build` output (function + layer, byte code as shipped, nothing written back, as /opt is
    read-only in Lambda), tracing off;
  - built+xray: the same with LAMBDA_TASK_ROOT set and tracing on, so Powertools loads the X-Ray SDK.
  Every HTTP function must import within the budget; the queue and schedule workers are exempt.
  `python -m dev.bench.imports` prints this table alone.
- Deployment package size per function and for the layer, from `.aws-sam/build`, unzipped and zipped
  (`sizes.py`).
- Warm latency and database round trips of every endpoint: the handler invoked in-process with its
  `events/*.json` event against the local stack (moto, mongomock or MONGODB_URI), after warm-up
  (`endpoints.py`), and what login and profile are made of (`breakdown.py`).
- Reads over 1,000 transactions and 12 budgets (`reads.py`); AI entry worker throughput and POST -> completed,
  summary jobs (`ai.py`).
"""
