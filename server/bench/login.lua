-- wrk: POST /api/login as the hydrated page does (form-encoded), with the demo user.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "email=" .. (os.getenv("BENCH_EMAIL") or "bench%40example.com") .. "&password=" .. (os.getenv("BENCH_PASSWORD") or "correct%20horse%20battery")
