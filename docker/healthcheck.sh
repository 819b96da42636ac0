#!/bin/bash
# The container's HEALTHCHECK: GET /internal/health on the local server (200 only while every
# region's database answers), with the operator token from HYRELOG_INTERNAL_TOKEN, from the
# file HYRELOG_INTERNAL_TOKEN_FILE names, or (embedded mode) from the generated secrets.json
# in the data directory. Plain bash (/dev/tcp): the runtime image needs no curl or wget.
# Exit 0 healthy, 1 not. Never prints the token.
set -u
port="${PORT:-3000}"
token="${HYRELOG_INTERNAL_TOKEN:-}"
if [[ -z $token && -n ${HYRELOG_INTERNAL_TOKEN_FILE:-} ]]; then
  token="$(<"$HYRELOG_INTERNAL_TOKEN_FILE")" || exit 1
fi
secrets="${HYRELOG_DATA_DIR:-hyrelog-data}/secrets.json"
if [[ -z $token && -r $secrets ]]; then
  token="$(sed -n 's/.*"internalToken" *: *"\([^"]*\)".*/\1/p' "$secrets")"
fi
[[ -n $token ]] || exit 1
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /internal/health HTTP/1.1\r\nHost: localhost\r\nx-internal-token: %s\r\nConnection: close\r\n\r\n' \
  "$token" >&3
IFS= read -r -t 10 status <&3 || exit 1
[[ $status == "HTTP/1.1 200 "* ]]
