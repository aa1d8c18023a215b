#!/usr/bin/env bash
# Installs (when missing) and starts a PostgreSQL 15 and a Redis server on loopback for
# the second test pass. Idempotent: running it again leaves both running.
set -euo pipefail

need=()
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done

su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='community'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE community LOGIN CREATEDB PASSWORD 'community'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='community'\"" | grep -q 1 \
  || su postgres -c "createdb -O community community"

if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes
fi
for _ in $(seq 1 30); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
echo "PostgreSQL $version and Redis are running on 127.0.0.1"
