#!/bin/bash
# Stands in for the baogao binary in ../shared/eval/drcd/drcd.py (and score.py) to measure
# search on an engine: `BIN --index IDX --corpus C index` indexes locally and also pushes C
# into a fresh engine index; every other command runs with `--engine URL --index-name NAME`.
#   BAOGAO=target/release/baogao ENGINE_URL=http://127.0.0.1:19400 ENGINE_INDEX=drcd \
#       python3 ../shared/eval/drcd/drcd.py baogao "$D" tools/engine-eval.sh --n 400
set -u
B=${BAOGAO:-target/release/baogao}
URL=${ENGINE_URL:-http://127.0.0.1:19400}
NAME=${ENGINE_INDEX:-drcd}
if [ "${5:-}" = index ]; then
    "$B" "$@" || exit $?
    curl -s -XDELETE "$URL/$NAME" >/dev/null
    exec "$B" --corpus "$4" push --engine "$URL" --index-name "$NAME" >&2
fi
exec "$B" "$@" --engine "$URL" --index-name "$NAME"
