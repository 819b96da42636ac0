#!/usr/bin/env bash
# Starts the HyreLog example server (building it and the CLI's hyrelog.jar first when a jar is
# missing or older than the sources). With no configuration it runs on its embedded default: a
# PostgreSQL under ./hyrelog-data and port 3000. Arguments (e.g. `seed`) and HYRELOG_*/PORT variables pass through.
set -euo pipefail
cd "$(dirname "$0")"
jar=hyrelog-server-example/target/hyrelog-server.jar
stale() {
  [[ ! -f $jar || ! -f hyrelog-cli/target/hyrelog.jar ]] && return 0
  [[ -n "$(find . \( -path ./hyrelog-data -o -path '*/target' -o -path ./.git \) -prune -o \
    \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -type f \
    -newer "$jar" -print -quit)" ]]
}
if stale; then
  echo "Building the server (the first build downloads dependencies; about a minute)..." >&2
  mvn -B -q -pl hyrelog-server-example,hyrelog-cli -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
fi
exec java -jar "$jar" "$@"
