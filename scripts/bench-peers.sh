#!/usr/bin/env bash
# Runs SailPoint's Python SDK (sailpoint 1.4.2, its v2025 module) and
# TypeScript SDK (sailpoint-api-client, its v3 AccountsApi) with their
# default settings against the same mock as the Rust bench
# (sdk/v2025/examples/bench_streams.rs), listing the same accounts.
#
#   scripts/bench-peers.sh [--delay-ms 100] [--rate 50] [--accounts 50000]
#
# Installs both into a temporary directory (pip and npm, from their
# registries) unless PEERS_DIR points at an earlier install; a peer that
# cannot be installed is skipped. The project's tests do not need any of
# this. Prints one line per client: items, seconds, items/s, peak RSS,
# and the mock's count of requests answered and refused (429).
set -euo pipefail
cd "$(dirname "$0")/.."

mock_args=("$@")
accounts=50000
for ((i = 0; i < ${#mock_args[@]}; i++)); do
  [[ ${mock_args[i]} == --accounts ]] && accounts=${mock_args[i + 1]}
done

peers=${PEERS_DIR:-$(mktemp -d)}
echo "peers installed in $peers" >&2
if [[ ! -x $peers/venv/bin/python ]]; then
  python3 -m venv "$peers/venv" && "$peers/venv/bin/pip" install -q 'sailpoint==1.4.2' >&2 || echo "Python SDK not installed: skipped" >&2
fi
if [[ ! -d $peers/node/node_modules/sailpoint-api-client ]]; then
  mkdir -p "$peers/node"
  npm install --silent --prefix "$peers/node" sailpoint-api-client >&2 || echo "TypeScript SDK not installed: skipped" >&2
fi

cargo build -q --release -p sailpoint-v2025 --no-default-features --features accounts,search --example bench_streams
bench=target/release/examples/bench_streams
coproc MOCK { exec "$bench" serve "${mock_args[@]}"; }
read -r base <&"${MOCK[0]}"
trap 'kill $MOCK_PID 2>/dev/null || true' EXIT
curl -s "$base/stats" >/dev/null

cat >"$peers/python_accounts.py" <<'PY'
import resource, sys, time
import sailpoint.v2025
from sailpoint.configuration import Configuration, ConfigurationParams
from sailpoint.paginator import Paginator

base, total = sys.argv[1], int(sys.argv[2])
params = ConfigurationParams()
params.base_url = base
params.client_id = "bench"
params.client_secret = "bench"
config = Configuration(params)
start = time.perf_counter()
with sailpoint.v2025.ApiClient(config) as api_client:
    accounts = Paginator.paginate(sailpoint.v2025.AccountsApi(api_client).list_accounts, total, limit=250)
seconds = time.perf_counter() - start
print(len(accounts), f"{seconds:.3f}", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
PY

cat >"$peers/node/ts_accounts.js" <<'JS'
const { Configuration, AccountsApi, Paginator } = require("sailpoint-api-client");
const [base, total] = [process.argv[2], Number(process.argv[3])];
console.log = () => {}; // the paginator logs every page
(async () => {
  const config = new Configuration({ baseurl: base, clientId: "bench", clientSecret: "bench", tokenUrl: `${base}/oauth/token` });
  const api = new AccountsApi(config);
  const start = process.hrtime.bigint();
  const result = await Paginator.paginate(api, api.listAccounts, { limit: total }, 250);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${result.data.length} ${seconds.toFixed(3)} ${Math.round(process.resourceUsage().maxRSS)}\n`);
})();
JS

report() { # name, "items seconds rss_kib"
  read -r items seconds rss <<<"$2"
  stats=$(curl -s "$base/stats")
  awk -v n="$1" -v i="$items" -v s="$seconds" -v r="$rss" -v st="$stats" \
    'BEGIN { split(st, a, " "); printf "| %s | %d | %.0f | %.1f MB | %s | %s |\n", n, i, i / s, r / 1024, a[1], a[2] }'
}

echo "| client | items | items/s | peak RSS | requests | 429s |"
echo "|---|---|---|---|---|---|"
if [[ -x $peers/venv/bin/python ]] && "$peers/venv/bin/python" -c 'import sailpoint.v2025' 2>/dev/null; then
  report "Python SDK 1.4.2, Paginator.paginate" "$("$peers/venv/bin/python" "$peers/python_accounts.py" "$base" "$accounts" | tail -n 1)"
fi
if [[ -d $peers/node/node_modules/sailpoint-api-client ]]; then
  report "TypeScript SDK $(node -p "require('$peers/node/node_modules/sailpoint-api-client/package.json').version"), Paginator.paginate" \
    "$(cd "$peers/node" && node ts_accounts.js "$base" "$accounts")"
fi
