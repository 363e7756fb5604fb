-- POST /auth/login cycling through the accounts given after `--` as "email password" pairs (scenario 5).
--   wrk ... -s login.lua http://host:port -- bench-login-1@example.org 'secret 1' ...
-- Counts statuses: only 200 is a login.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require "report"

local requests = {}
local next_index = 1

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function init(args)
  for i = 1, #args - 1, 2 do
    local body = '{"email":' .. json_string(args[i]) .. ',"password":' .. json_string(args[i + 1]) .. '}'
    table.insert(requests, wrk.format("POST", "/auth/login", {["Content-Type"] = "application/json"}, body))
  end
  if #requests == 0 then error("login.lua: give email password pairs after --") end
  next_index = ((thread_index or 1) - 1) * 5 % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

report.count_statuses()
setup = report.setup
done = report.done
