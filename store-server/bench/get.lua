-- GET /api/sessions/bench-N, N cycling over the sessions seed.py created.
local count = 1000
local i = 0

function setup(thread)
  thread:set("offset", math.random(count))
end

request = function()
  i = (i + 1) % count
  return wrk.format("GET", "/api/sessions/bench-" .. ((i + offset) % count + 1))
end
