#!/usr/bin/env bash
# Creates Omni's Kafka topics. Run once by the `kafka-init` service of
# compose/docker-compose.yml, which passes the topic list on its command line.
#
#   create-topics.sh --bootstrap-server=HOST:PORT --partitions=N --replication-factor=N TOPIC...
#
# Idempotent: a topic that exists is left alone, or grown to N partitions if it has fewer
# (Kafka cannot shrink a topic; more partitions than N is only reported). Exits non-zero
# unless every topic exists with at least N partitions at the end, so services that
# depend on `kafka-init` (service_completed_successfully) never start without them.
#
# KAFKA_TOPICS_BIN overrides the kafka-topics.sh path; OMNI_TOPICS_PARALLEL (default 4)
# is how many kafka-topics.sh JVMs run at once (each takes a couple of seconds to start).
set -euo pipefail

kafka_topics="${KAFKA_TOPICS_BIN:-/opt/kafka/bin/kafka-topics.sh}"
parallel="${OMNI_TOPICS_PARALLEL:-4}"

usage() {
    echo "usage: $0 --bootstrap-server=HOST:PORT --partitions=N --replication-factor=N TOPIC..." >&2
    exit 64
}

bootstrap="" partitions="" replication=""
topics=()
for arg in "$@"; do
    case "$arg" in
        --bootstrap-server=*) bootstrap="${arg#*=}" ;;
        --partitions=*) partitions="${arg#*=}" ;;
        --replication-factor=*) replication="${arg#*=}" ;;
        -*) echo "unknown option: $arg" >&2; usage ;;
        *) topics+=("$arg") ;;
    esac
done
[[ -n "$bootstrap" && "$partitions" =~ ^[1-9][0-9]*$ && "$replication" =~ ^[1-9][0-9]*$ ]] || usage
(( ${#topics[@]} > 0 )) || usage

# Prints "topic partition-count" for every existing (non-internal) topic.
describe_topics() {
    "$kafka_topics" --bootstrap-server "$bootstrap" --describe --exclude-internal |
        awk '/PartitionCount:/ {
                 topic = ""; count = ""
                 for (i = 1; i < NF; i++) {
                     if ($i == "Topic:") topic = $(i + 1)
                     if ($i == "PartitionCount:") count = $(i + 1)
                 }
                 if (topic != "") print topic, count
             }'
}

# The broker is healthy before this runs (depends_on), but give it a few tries anyway.
current=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if current="$(describe_topics)"; then break; fi
    if (( attempt == 10 )); then echo "kafka-init: cannot reach $bootstrap" >&2; exit 1; fi
    echo "kafka-init: $bootstrap not ready (attempt $attempt), retrying" >&2
    sleep 3
done

declare -A have=()
while read -r name count; do
    [[ -n "$name" ]] && have["$name"]="$count"
done <<< "$current"

# Runs the queued commands, $parallel at a time; fails if any of them failed.
queue=()
failed=0
run_queue() {
    local i pid pids=()
    for (( i = 0; i < ${#queue[@]}; i++ )); do
        bash -c "${queue[$i]}" &
        pids+=("$!")
        if (( ${#pids[@]} >= parallel )) || (( i == ${#queue[@]} - 1 )); then
            for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
            pids=()
        fi
    done
    queue=()
}

created=0 grown=0 unchanged=0
for topic in "${topics[@]}"; do
    count="${have[$topic]:-}"
    if [[ -z "$count" ]]; then
        queue+=("$(printf '%q ' "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists \
            --topic "$topic" --partitions "$partitions" --replication-factor "$replication")")
        created=$(( created + 1 ))
    elif (( count < partitions )); then
        queue+=("$(printf '%q ' "$kafka_topics" --bootstrap-server "$bootstrap" --alter \
            --topic "$topic" --partitions "$partitions")")
        grown=$(( grown + 1 ))
    else
        (( count > partitions )) && echo "kafka-init: $topic has $count partitions (more than $partitions), kept"
        unchanged=$(( unchanged + 1 ))
    fi
done
run_queue

# Verify the end state rather than trusting exit codes alone.
declare -A final=()
while read -r name count; do
    [[ -n "$name" ]] && final["$name"]="$count"
done <<< "$(describe_topics)"

for topic in "${topics[@]}"; do
    count="${final[$topic]:-0}"
    if (( count < partitions )); then
        echo "kafka-init: FAILED $topic has $count partitions, wanted $partitions" >&2
        failed=1
    fi
done

echo "kafka-init: ${#topics[@]} topics (new $created, grown $grown, unchanged $unchanged)"
exit "$failed"
