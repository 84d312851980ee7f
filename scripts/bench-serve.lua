-- wrk script for scripts/bench-serve.sh: TestEventPattern calls as the SDKs send them, on
-- keep-alive connections; each wrk thread stops after its share of the requests, and `done`
-- prints the figures the script checks and records.
local total = tonumber(os.getenv("BENCH_REQUESTS") or "100000")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local share = math.ceil(total / threads)

local pattern = '{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], ' ..
  '"detail": {"state": ["stopped", "terminated"], "instance-id": [{"prefix": "i-"}]}}'
local event = '{"version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", ' ..
  '"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", ' ..
  '"account": "123456789012", "time": "2026-11-11T21:29:54Z", "region": "us-east-1", ' ..
  '"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"], ' ..
  '"detail": {"instance-id": "i-abcd1111", "state": "stopped"}}'

local function quote(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSEvents.TestEventPattern"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/events/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.body = '{"EventPattern": ' .. quote(pattern) .. ', "Event": ' .. quote(event) .. '}'

-- wrk's own duration is the -d bound even when the threads stop early, so each thread notes when
-- it started and when it got its last answer (globals, which `done` reads from every thread).
local ffi = require("ffi")
ffi.cdef("typedef struct { long sec; long usec; } bench_timeval; int gettimeofday(bench_timeval *tv, void *tz);")
local function now()
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.sec) + tonumber(tv.usec) / 1e6
end

local answered = 0
wrong = 0
started = nil
finished = nil
function request()
  if not started then
    started = now()
  end
  return wrk.request()
end

function response(status, headers, body)
  answered = answered + 1
  finished = now()
  if status ~= 200 or body ~= '{"Result":true}' then
    wrong = wrong + 1
  end
  if answered >= share then
    wrk.thread:stop()
  end
end

local all = {}
function setup(thread)
  table.insert(all, thread)
end

function done(summary, latency, requests)
  local wrongs, first, last = 0, math.huge, 0
  for _, thread in ipairs(all) do
    wrongs = wrongs + (thread:get("wrong") or 0)
    first = math.min(first, thread:get("started") or math.huge)
    last = math.max(last, thread:get("finished") or 0)
  end
  local seconds = last - first
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout + wrongs
  io.write(string.format(
    "requests=%d seconds=%.2f rps=%.0f p50_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency.max, errors))
end
