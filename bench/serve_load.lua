-- wrk script for `baogao serve`: each request is a search from bench/run.py's 20 benchmark
-- queries, in turn, 10 hits with facets (what the search page asks for).
--   wrk -t2 -c8 -d20s -s bench/serve_load.lua http://127.0.0.1:7700
-- Environment: FACETS=0 for the JSON API without facets; PAGE=1 for the HTML page instead
-- (which always counts facets).
local queries = {
  "行政院 施政方針", "复兴航空 飞安", "空氣污染 防制", "第十二條", "3,500",
  "勞工 保險 給付", "湖山水庫", "個人資料保護", "\"食品安全衛生管理法\"", "国民年金 保险费",
  "專屬經濟海域 大陸礁層", "大陸地區人民 來臺", "环境影响评估 审查", "身心障礙者 權益保障",
  "核能電廠 除役", "公務人員 退休 撫卹", "所得税 扣缴", "長期照顧 服務", "PM2.5 懸浮微粒",
  "ECFA 兩岸 經濟合作",
}
local facets = os.getenv("FACETS") ~= "0"
local page = os.getenv("PAGE") == "1"
local next_query = 0

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  next_query = next_query % #queries + 1
  local q = encode(queries[next_query])
  local path = "/api/search?limit=10&q=" .. q
  if page then
    path = "/?q=" .. q
  elseif facets then
    path = path .. "&facets=1"
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.stderr:write(string.format("non-2xx or errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
