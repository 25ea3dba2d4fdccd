//! Scenarios with the release server binary as real processes on a PostgreSQL, a Redis and a
//! maildev of their own. Fault scenarios (`make test-faults`): the faults a production site
//! meets: a slow or absent SMTP server, a worker killed with `kill -9`, PostgreSQL restarted
//! and stopped, Redis killed and partitioned. Each asserts what matters: every booking has
//! exactly one confirmation, no response other than 2xx/4xx/503, no stale availability after
//! recovery. Scale-out scenarios (`make scale`, part of `make test`): two web processes and a
//! worker on one site, a restart under load, and traces and error reports sent to receivers. The tests are `#[ignore]`d in `cargo test`
//! (they need `SERVER_BIN`, the release build) and run one at a time.
mod cluster;
mod proxy;
mod scale_out;
mod scenarios;
mod telemetry;
