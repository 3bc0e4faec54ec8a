#!/bin/bash
# Runs once, on an empty data directory (docker-entrypoint-initdb.d): one database and one owner
# role per service, names and passwords from the services' Secrets (never from the image or a ConfigMap).
set -euo pipefail
for svc in INVENTORY PRICING ORDERS; do
  user_var="${svc}_DB_USER"
  pass_var="${svc}_DB_PASSWORD"
  db="${svc,,}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=role="${!user_var}" --set=pw="${!pass_var}" --set=db="$db" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done
