//! Fault scenarios (`make test-faults`): the release server binary as real processes (two
//! servers, workers) on a PostgreSQL, a Redis and a maildev of their own, and the faults a
//! production site meets: a slow or absent SMTP server, a worker killed with `kill -9`,
//! PostgreSQL restarted and stopped, Redis killed and partitioned. Each scenario asserts what
//! matters: every booking has exactly one confirmation, no response other than 2xx/4xx/503,
//! no stale availability after recovery. The tests are `#[ignore]`d in `cargo test` (they
//! need `SERVER_BIN`, the release build, and take minutes) and run one at a time.
mod cluster;
mod proxy;
mod scenarios;
