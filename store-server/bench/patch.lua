-- PATCH /api/sessions/bench-N with a JSON merge patch of two fields, N cycling over the seeded sessions.
local count = 1000
local i = 0
local headers = { ["Content-Type"] = "application/merge-patch+json" }

request = function()
  i = i + 1
  local body = '{"overallScore":' .. (i % 100) .. ',"evaluatedAt":"2025-10-10T10:15:00Z"}'
  return wrk.format("PATCH", "/api/sessions/bench-" .. (i % count + 1), headers, body)
end
