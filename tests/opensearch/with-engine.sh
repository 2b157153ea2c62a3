#!/usr/bin/env bash
# Runs a command with one OpenSearch 2.19 node (started in-process by Main.java) bound to
# 127.0.0.1, and stops the node by its pid afterwards, also when the command fails.
#
#   tests/opensearch/with-engine.sh cargo test --test engine
#
# The command sees BAOGAO_OPENSEARCH_URL (the node) and BAOGAO_OPENSEARCH_CLASSPATH (for tests
# that start nodes of their own). Needs Java 17 and Maven; the jars come from Maven Central
# (cached in ~/.m2). Ports: BAOGAO_OPENSEARCH_PORT (default 19400) and the next one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${BAOGAO_OPENSEARCH_PORT:-19400}"
wait_seconds="${BAOGAO_OPENSEARCH_WAIT:-180}"

if [ ! -f "$here/target/opensearch-test-node-1.0.jar" ] || [ "$here/pom.xml" -nt "$here/target/opensearch-test-node-1.0.jar" ] \
    || [ "$here/src/main/java/baogao/Main.java" -nt "$here/target/opensearch-test-node-1.0.jar" ]; then
    echo "with-engine: building the OpenSearch launcher (Maven)…" >&2
    rm -rf "$here/target/lib"
    mvn -q -B -f "$here/pom.xml" package -DskipTests >&2
fi
classpath="$here/target/opensearch-test-node-1.0.jar:$here/target/lib/*"

home="$(mktemp -d -t baogao-opensearch.XXXXXX)"
log="$home/node.log"
java -Xms256m -Xmx512m -cp "$classpath" baogao.Main \
    "path.home=$home" node.name=ci-node "http.port=$port" "transport.port=$((port + 1))" \
    discovery.type=single-node >"$log" 2>&1 &
pid=$!
stop() {
    kill "$pid" 2>/dev/null || true
    # The node flushes and exits on SIGTERM; a node that hangs is killed after 30 s.
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -rf "$home"
}
trap stop EXIT

url="http://127.0.0.1:$port"
deadline=$((SECONDS + wait_seconds))
until curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "with-engine: the OpenSearch node exited; its log:" >&2
        tail -40 "$log" >&2
        exit 2
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "with-engine: no healthy OpenSearch node at $url after ${wait_seconds}s; its log:" >&2
        tail -40 "$log" >&2
        exit 2
    fi
    sleep 1
done
echo "with-engine: OpenSearch ready at $url (pid $pid)" >&2
export BAOGAO_OPENSEARCH_URL="$url"
export BAOGAO_OPENSEARCH_CLASSPATH="$classpath"
"$@"
