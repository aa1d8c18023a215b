-- wrk reports one line of JSON at the end of a run, read by bench/run.py.
-- Latencies in microseconds; errors.status counts responses with a status above 399.
--
-- With arguments (wrk ... URL -- word word ...), each request asks the URL (ending in
-- "q=") for one of the words and a random number, so that no two requests share a page
-- in the cache: the search itself is measured, not the page kept of it.
local words = {}

init = function(args)
  for index, word in ipairs(args) do words[index] = word end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  if #words == 0 then return wrk.request() end
  local word = words[math.random(#words)]
  return wrk.format(nil, wrk.path .. word .. "&n=" .. math.random(1, 1000000000))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50": %d, "p90": %d, ' ..
    '"p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
