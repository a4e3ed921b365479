-- wrk script of bench/bench_autosave.py: one signed-in client per thread (-t N -c N).
--
-- Environment:
--   BENCH_CLIENTS  file with one client a line: path TAB session key TAB csrf token TAB kind
--                  TAB version TAB count (kind: number, percentage, text or minimal; version:
--                  the answer's stored version; count: values sent before, so that a new
--                  run goes on sending values the answer has not held just before)
--   BENCH_OUT      file the per-client counts and latency percentiles are written to (JSON)
--   BENCH_THINK_MS optional pause before each of a client's requests (default 0: back to
--                  back)
--
-- Each thread keeps its client's answer version from the last response body and sends it
-- as base_version with a new value, as the questionnaire's autosave script does; so every
-- save must succeed and a 409 means a lost-update race. Counts are kept per client so the
-- database can be checked afterwards.

local clients = {}
for line in io.lines(os.getenv("BENCH_CLIENTS")) do
   local path, session, token, kind, version, count =
      line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(%d+)\t(%d+)$")
   if path then
      clients[#clients + 1] = { path = path, session = session, token = token, kind = kind,
                                version = tonumber(version), count = tonumber(count) }
   end
end

local think = tonumber(os.getenv("BENCH_THINK_MS") or "0") or 0
local threads = {}
local created = 0

function setup(thread)
   created = created + 1
   thread:set("id", created)
   threads[#threads + 1] = thread
end

function init(args)
   client = clients[id]
   if client == nil then
      error("no client line for thread " .. tostring(id))
   end
   headers = {
      ["Cookie"] = "sessionid=" .. client.session .. "; csrftoken=" .. client.token,
      ["X-CSRFToken"] = client.token,
      ["Accept"] = "application/json",
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
   version = client.version  -- the answer's version the client last saw
   n = client.count          -- values built so far (this run and the ones before)
   sent = 0                  -- requests built in this run
   sent_value = ""   -- value of the request in flight
   last_ok = ""      -- value of the last save acknowledged with 200
   received, ok, conflicts, other, unparsed = 0, 0, 0, 0, 0
   first_bad = ""
end

local function value_for(kind, k)
   if kind == "percentage" then
      return tostring(k % 101)      -- 0..100; two requests in a row never send the same
   elseif kind == "text" then
      return "v" .. k
   end
   return tostring(k)               -- number and minimal
end

function request()
   n = n + 1
   sent = sent + 1
   sent_value = value_for(client.kind, n)
   local body = "base_version=" .. version .. "&value=" .. sent_value
   return wrk.format("POST", client.path, headers, body)
end

if think > 0 then
   -- A fixed pause: the N clients stay in step, so every period all N save at once (a
   -- burst, the worst case for latency at that rate). Random pauses would be fairer, but
   -- wrk opens the next connection before the pause, and a gunicorn sync worker that
   -- accepted it waits for the request, idle, while other requests queue.
   function delay()
      return think
   end
end

function response(status, hdrs, body)
   received = received + 1
   if status == 200 then
      ok = ok + 1
      last_ok = sent_value
   elseif status == 409 then
      conflicts = conflicts + 1
   else
      other = other + 1
   end
   if status ~= 200 and first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 200)
   end
   if client.kind ~= "minimal" and (status == 200 or status == 409) then
      local v = string.match(body or "", '"version":%s*(%d+)')
      if v then
         version = tonumber(v)
      else
         unparsed = unparsed + 1
      end
   end
end

local function quote(s)
   s = tostring(s):gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('[%c]', ' ')
   return '"' .. s .. '"'
end

function done(summary, latency, requests)
   local out = {}
   local function add(s) out[#out + 1] = s end
   add('{"duration_us": ' .. summary.duration)
   add(', "requests": ' .. summary.requests)
   add(', "errors": {"connect": ' .. summary.errors.connect .. ', "read": ' ..
       summary.errors.read .. ', "write": ' .. summary.errors.write .. ', "status": ' ..
       summary.errors.status .. ', "timeout": ' .. summary.errors.timeout .. '}')
   add(', "latency_us": {"min": ' .. latency.min .. ', "mean": ' .. latency.mean ..
       ', "max": ' .. latency.max)
   for _, p in ipairs({ 50, 90, 99, 99.9 }) do
      add(', "p' .. p .. '": ' .. latency:percentile(p))
   end
   add('}, "clients": [')
   for i, t in ipairs(threads) do
      if i > 1 then add(', ') end
      add('{"id": ' .. t:get("id") .. ', "sent": ' .. t:get("sent") .. ', "received": ' ..
          t:get("received") .. ', "ok": ' .. t:get("ok") .. ', "conflicts": ' ..
          t:get("conflicts") .. ', "other": ' .. t:get("other") .. ', "unparsed": ' ..
          t:get("unparsed") .. ', "version": ' .. t:get("version") .. ', "last_ok": ' ..
          quote(t:get("last_ok")) .. ', "sent_value": ' .. quote(t:get("sent_value")) ..
          ', "first_bad": ' .. quote(t:get("first_bad")) .. '}')
   end
   add(']}')
   local f = assert(io.open(os.getenv("BENCH_OUT"), "w"))
   f:write(table.concat(out))
   f:close()
end
