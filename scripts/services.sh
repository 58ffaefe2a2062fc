#!/usr/bin/env bash
# Make sure the services the integration tests use are up: PostgreSQL (127.0.0.1:5432),
# Redis (127.0.0.1:6379) and RabbitMQ (127.0.0.1:5672). Starts a stopped one with the machine's
# own commands; in CI a service that still does not answer is an error, never a silent skip.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_up() {
  for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done
  return 1
}

if ! up 5432 && command -v pg_ctlcluster >/dev/null; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! up 6379 && command -v redis-server >/dev/null; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi

if ! up 5672 && command -v rabbitmq-server >/dev/null; then
  echo "services: starting RabbitMQ"
  rabbitmq-server -detached || true
fi

status=0
for svc in "PostgreSQL:5432" "Redis:6379" "RabbitMQ:5672"; do
  name=${svc%%:*}; port=${svc##*:}
  if ! wait_up "$port"; then
    echo "services: $name is not answering on 127.0.0.1:$port" >&2
    status=1
  fi
done
if ((status)) && [[ "${CI:-}" == "true" ]]; then
  echo "services: CI needs these services; failing instead of skipping their tests" >&2
  exit 1
fi
exit 0
