-- Shared by the scenario scripts of this folder (they load it with `require "report"`): prints wrk's
-- results as one JSON line starting with "WRK_JSON ", which bench/suite/wrk.py reads.
--
-- Status counting (count_statuses) is opt-in: defining wrk's `response` callback makes wrk hand every
-- response to Lua, which costs throughput, so only the scripts that need the split (orders, login) use it.

local M = {}

local threads = {}

local function json_number(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  return string.format("%.6g", x)
end

-- wrk calls setup(thread) once per thread in the main Lua state, before the thread's init(): each
-- thread gets its number (global `thread_index`, 1..threads) to start its rotation elsewhere, and keeping
-- the threads lets done() read each thread's `statuses` table. Every script installs it.
function M.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

-- For scripts that count statuses: install as wrk's `response` callback.
function M.response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function M.count_statuses()
  statuses = {}
  response = M.response
end

-- BENCH_COUNT_STATUSES=1 (set by bench/suite/wrk.py for a diagnostic run) counts statuses in any script.
if os.getenv("BENCH_COUNT_STATUSES") == "1" then
  M.count_statuses()
end

local function merged_statuses()
  local total = {}
  local any = false
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    if counts then
      for status, n in pairs(counts) do
        total[status] = (total[status] or 0) + n
        any = true
      end
    end
  end
  if not any then return "null" end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function M.done(summary, latency, requests)
  local e = summary.errors
  local percentiles = {}
  for _, p in ipairs({50, 75, 90, 99, 99.9}) do
    table.insert(percentiles, string.format('"%s":%s', tostring(p), json_number(latency:percentile(p))))
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%s,"stdev":%s,"max":%s,"percentiles":{%s}},"statuses":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    json_number(latency.mean), json_number(latency.stdev), json_number(latency.max),
    table.concat(percentiles, ","), merged_statuses()))
end

return M
