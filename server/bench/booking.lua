-- wrk: POST /api/create_booking as the hydrated page does (or, with BENCH_API=1, the HTTP API's
-- POST /api/v1/bookings?room_id&date_from&date_to), signed in (BENCH_COOKIE), for a random room
-- type among BENCH_ROOMS (ids from BENCH_FIRST_ROOM) and one of BENCH_STAYS.
local first = tonumber(os.getenv("BENCH_FIRST_ROOM") or "1")
local rooms = tonumber(os.getenv("BENCH_ROOMS") or "11")
local stays = {}
for pair in (os.getenv("BENCH_STAYS") or ""):gmatch("[^ ]+") do table.insert(stays, pair) end

local api = os.getenv("BENCH_API") == "1"

wrk.method = "POST"
wrk.path = "/api/create_booking"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

request = function()
  local from, to = stays[math.random(#stays)]:match("([^,]+),([^,]+)")
  local params = "room_id=" .. (first + math.random(rooms) - 1) .. "&date_from=" .. from .. "&date_to=" .. to
  if api then
    return wrk.format(nil, "/api/v1/bookings?" .. params, nil, "")
  end
  -- One adult: every generated room type takes them (single rooms included). The book page
  -- asks who stays (an account without a name must give one).
  return wrk.format(nil, nil, nil, params .. "&adults=1&guest_name=Bench%20Guest")
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d req/s=%.0f p50=%.2fms p99=%.2fms non2xx(409 full, or refused)=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
