//! The process's counters and latency histograms, written in the Prometheus text format by
//! `/metrics` (with the gauges read at scrape time: pool, Redis, queues; see the server's
//! `metrics` module). Recording is a few atomic adds: a label set is looked up under a read
//! lock and only its first use takes the write lock.
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// A latency histogram: cumulative bucket counts are summed when written, not when observed.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let bare = labels.trim_end_matches(',');
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum{{{bare}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{bare}}} {count}");
    }
}

/// A counter.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One metric per label set, created on first use. Label sets must stay few (route templates,
/// statuses, job names), never ids or raw paths.
#[derive(Debug)]
pub struct Family<K, M> {
    members: RwLock<HashMap<K, Arc<M>>>,
}

impl<K, M> Default for Family<K, M> {
    fn default() -> Self {
        Family {
            members: RwLock::default(),
        }
    }
}

impl<K: Eq + Hash + Clone + Ord, M: Default> Family<K, M> {
    pub fn get(&self, key: &K) -> Arc<M> {
        let read = self
            .members
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(member) = read.get(key) {
            return member.clone();
        }
        drop(read);
        let mut write = self
            .members
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        write.entry(key.clone()).or_default().clone()
    }

    /// The members in label order (stable output).
    fn sorted(&self) -> Vec<(K, Arc<M>)> {
        let read = self
            .members
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut members: Vec<(K, Arc<M>)> =
            read.iter().map(|(k, m)| (k.clone(), m.clone())).collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        members
    }
}

/// An HTTP request's labels: method, route template (`/hotels/{id}`), status.
pub type RouteKey = (String, String, u16);
/// A job run's labels: job name, outcome (`ok` / `error`).
pub type JobKey = (&'static str, &'static str);
/// An email's labels: outcome (`sent` / `retried` / `failed` / `skipped`).
pub type EmailKey = &'static str;

/// Everything this process counts.
#[derive(Debug, Default)]
pub struct Metrics {
    pub http: Family<RouteKey, Histogram>,
    pub jobs: Family<JobKey, Histogram>,
    pub emails: Family<EmailKey, Counter>,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub bookings: Counter,
    pub cancellations: Counter,
    pub holds: Counter,
    /// Requests for a database connection that waited out the pool's timeout.
    pub pool_timeouts: Counter,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

/// Escapes a label value (`\`, `"` and newlines).
fn label(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A single-value metric with its header.
pub fn write_value(out: &mut String, name: &str, kind: &str, help: &str, value: impl ToString) {
    header(out, name, kind, help);
    let _ = writeln!(out, "{name} {}", value.to_string());
}

impl Metrics {
    /// The counters and histograms, in the text format.
    pub fn write(&self, out: &mut String) {
        let name = "http_request_duration_seconds";
        header(
            out,
            name,
            "histogram",
            "HTTP requests by route template and status.",
        );
        for ((method, route, status), histogram) in self.http.sorted() {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{status}\",",
                label(&method),
                label(&route)
            );
            histogram.write(out, name, &labels);
        }
        let name = "job_run_duration_seconds";
        header(
            out,
            name,
            "histogram",
            "Worker job runs by job and outcome.",
        );
        for ((job, outcome), histogram) in self.jobs.sorted() {
            histogram.write(out, name, &format!("job=\"{job}\",outcome=\"{outcome}\","));
        }
        let name = "emails_total";
        header(
            out,
            name,
            "counter",
            "Emails handled by the worker, by outcome.",
        );
        for (outcome, counter) in self.emails.sorted() {
            let _ = writeln!(out, "{name}{{outcome=\"{outcome}\"}} {}", counter.get());
        }
        for (name, help, counter) in [
            (
                "cache_hits_total",
                "Reads answered from Redis.",
                &self.cache_hits,
            ),
            (
                "cache_misses_total",
                "Reads Redis could not answer.",
                &self.cache_misses,
            ),
            ("bookings_total", "Bookings made.", &self.bookings),
            (
                "cancellations_total",
                "Bookings cancelled.",
                &self.cancellations,
            ),
            ("holds_total", "Rooms held on the book page.", &self.holds),
            (
                "db_pool_timeouts_total",
                "Database connection requests that waited out the pool's timeout.",
                &self.pool_timeouts,
            ),
        ] {
            write_value(out, name, "counter", help, counter.get());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_count_everything() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_micros(500));
        histogram.observe(Duration::from_millis(30));
        histogram.observe(Duration::from_secs(20));
        let mut out = String::new();
        histogram.write(&mut out, "t", "route=\"/x\",");
        assert!(
            out.contains("t_bucket{route=\"/x\",le=\"0.001\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("t_bucket{route=\"/x\",le=\"0.05\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("t_bucket{route=\"/x\",le=\"10\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("t_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("t_count{route=\"/x\"} 3\n"), "{out}");
        assert!(out.contains("t_sum{route=\"/x\"} 20.0305\n"), "{out}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn a_family_keeps_one_member_per_label_set() {
        let family: Family<EmailKey, Counter> = Family::default();
        family.get(&"sent").inc();
        family.get(&"sent").inc();
        family.get(&"failed").inc();
        let sorted = family.sorted();
        assert_eq!(sorted.len(), 2);
        assert_eq!((sorted[0].0, sorted[0].1.get()), ("failed", 1));
        assert_eq!((sorted[1].0, sorted[1].1.get()), ("sent", 2));
    }
}
