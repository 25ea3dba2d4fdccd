-- wrk: catalog requests as the hydrated pages send them (form-encoded server functions).
-- BENCH_KIND: search | hotel (server functions) | api-search | api-rooms (GET /api/v1/...) |
-- api-me (GET /api/v1/auth/me with the session cookie BENCH_COOKIE).
-- BENCH_ROTATE=1 varies place, dates and hotel per request (so a
-- cache would rarely hit); otherwise every request is the same (a warm cache always hits).
-- BENCH_FROM / BENCH_TO: the stay; BENCH_HOTELS: how many hotel ids exist.
local kind = os.getenv("BENCH_KIND") or "search"
local rotate = os.getenv("BENCH_ROTATE") == "1"
local from = os.getenv("BENCH_FROM")
local to = os.getenv("BENCH_TO")
local hotels = tonumber(os.getenv("BENCH_HOTELS") or "6")
-- Percent-encoded places: Алтай, Москва, Казань, Сочи, Сыктывкар, Тверь.
local places = {
  "%D0%90%D0%BB%D1%82%D0%B0%D0%B9", "%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0",
  "%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C", "%D0%A1%D0%BE%D1%87%D0%B8",
  "%D0%A1%D1%8B%D0%BA%D1%82%D1%8B%D0%B2%D0%BA%D0%B0%D1%80", "%D0%A2%D0%B2%D0%B5%D1%80%D1%8C",
}
local dates = {}
for line in (os.getenv("BENCH_STAYS") or ""):gmatch("[^ ]+") do table.insert(dates, line) end

local api = kind == "api-search" or kind == "api-rooms"
if kind == "api-me" then
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
elseif not api then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.path = kind == "search" and "/api/search_hotels" or "/api/get_hotel"
end

local function stay()
  if rotate and #dates > 0 then
    local pair = dates[math.random(#dates)]
    local a, b = pair:match("([^,]+),([^,]+)")
    return a, b
  end
  return from, to
end

request = function()
  if kind == "api-me" then
    return wrk.format("GET", "/api/v1/auth/me")
  end
  local date_from, date_to = stay()
  if api then
    local dates = "?date_from=" .. date_from .. "&date_to=" .. date_to
    if kind == "api-search" then
      local place = rotate and places[math.random(#places)] or places[1]
      return wrk.format("GET", "/api/v1/hotels/" .. place .. dates)
    end
    local id = rotate and math.random(hotels) or 1
    return wrk.format("GET", "/api/v1/hotels/" .. id .. "/rooms" .. dates)
  end
  local body
  if kind == "search" then
    local place = rotate and places[math.random(#places)] or places[1]
    body = "location=" .. place .. "&date_from=" .. date_from .. "&date_to=" .. date_to
  else
    local id = rotate and math.random(hotels) or 1
    body = "hotel_id=" .. id .. "&date_from=" .. date_from .. "&date_to=" .. date_to
  end
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d req/s=%.0f p50=%.2fms p99=%.2fms errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status))
end
