-- GET /books?q=<word> cycling through the words given after `--` (already percent-encoded), each thread
-- starting at another word (scenario 3).
--   wrk ... -s search.lua http://host:port -- noche jardin caf%C3%A9 ...
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require "report"

local paths = {}
local next_index = 1

function init(args)
  for _, word in ipairs(args) do
    table.insert(paths, "/books?q=" .. word)
  end
  if #paths == 0 then error("search.lua: give the words after --") end
  next_index = ((thread_index or 1) - 1) * 7 % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

setup = report.setup
done = report.done
