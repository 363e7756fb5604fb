-- GET of the URL given to wrk, as fast as the connections allow (scenarios 1, 2, 4 and their nginx
-- references). Only adds the JSON report.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require "report"

setup = report.setup
done = report.done
