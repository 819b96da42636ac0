# syntax=docker/dockerfile:1
# The HyreLog example server. Build: docker build -t hyrelog-server .
# Run and operate: docs/operations.md (compose.yaml runs it with PostgreSQL and MinIO).

# --- Build stage: Maven and JDK 17 build the shaded server jar from this checkout.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
      package -pl hyrelog-server-example -am

# --- Runtime stage: a JRE 17, the jar, and an unprivileged user.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 hyrelog \
 && useradd --system --uid 10001 --gid hyrelog --home-dir /var/lib/hyrelog \
      --shell /usr/sbin/nologin hyrelog \
 && mkdir -p /opt/hyrelog /var/lib/hyrelog \
 && chown hyrelog:hyrelog /var/lib/hyrelog
COPY --from=build /src/hyrelog-server-example/target/hyrelog-server.jar /opt/hyrelog/hyrelog-server.jar
COPY docker/healthcheck.sh /opt/hyrelog/healthcheck.sh
COPY LICENSE NOTICE /opt/hyrelog/

# Embedded mode (no HYRELOG_DATABASE_URL) keeps its PostgreSQL, generated secrets and archive
# here; with an external database it still holds the archive directory and evidence.
ENV HYRELOG_DATA_DIR=/var/lib/hyrelog \
    PORT=3000
VOLUME ["/var/lib/hyrelog"]
WORKDIR /var/lib/hyrelog
USER hyrelog:hyrelog
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=15s --start-period=120s --retries=3 \
  CMD ["/opt/hyrelog/healthcheck.sh"]
# SIGTERM (docker stop) drains in-flight requests for up to 30 s: give it a longer stop timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/hyrelog/hyrelog-server.jar"]
