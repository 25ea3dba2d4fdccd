-- wrk: one server function called as the hydrated calendar page calls it (a form-encoded POST
-- with the session cookie). BENCH_PATH: the function's path; BENCH_BODY: its form;
-- BENCH_COOKIE: the session cookie.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d req/s=%.0f p50=%.2fms p99=%.2fms errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status))
end
