-- POST /orders {"book_id": b, "quantity": 1} as concurrent buyers (scenario 6). Arguments after `--`:
--   <first book id> <last book id> <token> [<token> ...]
-- Each request takes the next buyer token and the next book of the range, each thread starting
-- elsewhere, so one book id (first = last) is the hot-book case and a range spreads the orders.
-- Counts statuses: 201 is an order awaiting payment, 202 one still pending, 409 out of stock.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require "report"

local first_book, book_count = 0, 0
local headers = {}
local next_book, next_token = 0, 1

function init(args)
  first_book = tonumber(args[1])
  book_count = tonumber(args[2]) - first_book + 1
  for i = 3, #args do
    table.insert(headers, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[i]})
  end
  if book_count < 1 or #headers == 0 then error("order.lua: give <first book> <last book> <token>... after --") end
  local t = (thread_index or 1) - 1
  next_book = (t * 7919) % book_count
  next_token = (t * 3) % #headers + 1
end

function request()
  local body = '{"book_id":' .. (first_book + next_book) .. ',"quantity":1}'
  local h = headers[next_token]
  next_book = (next_book + 1) % book_count
  next_token = next_token % #headers + 1
  return wrk.format("POST", "/orders", h, body)
end

report.count_statuses()
setup = report.setup
done = report.done
