# syntax=docker/dockerfile:1
# One image for every role: the main runtime (default), the dashboard (`agent dashboard`) and,
# on Kubernetes, the runtime pods. A multi-stage build: Maven builds the jar, a JRE runs it.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Poms first, so that dependencies are a cached layer of their own.
COPY pom.xml ./
COPY testkit/pom.xml testkit/
COPY agent-runtime/pom.xml agent-runtime/
COPY dashboard/pom.xml dashboard/
COPY cli/pom.xml cli/
COPY bench/pom.xml bench/
COPY operator-api/pom.xml operator-api/
COPY operator/pom.xml operator/
RUN mvn -B -q -pl cli,operator -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN mvn -B -q -pl cli,operator -am package -DskipTests

FROM eclipse-temurin:25-jre-noble
# git: the agent works on repositories; bubblewrap: the shell sandbox (needs user namespaces, see README).
RUN (userdel --remove ubuntu 2>/dev/null || true) \
 && apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 agent \
 && useradd --uid 1000 --gid agent --create-home --home-dir /home/agent --shell /usr/sbin/nologin agent \
 && mkdir -p /state /workspace /opt/dev-agent/release \
 && chown agent:agent /state /workspace
COPY --from=build /src/cli/target/agent.jar /opt/dev-agent/agent.jar
COPY --from=build /src/operator/target/dev-agent-operator.jar /opt/dev-agent/dev-agent-operator.jar
# Release evidence the runtime copies into /state/release_artifacts at start.
COPY --from=build /src/cli/target/sbom.cdx.json /opt/dev-agent/release/sbom.cdx.json
COPY docker/agent docker/agent-healthcheck /usr/local/bin/
ENV AGENT_STATE_DIR=/state \
    AGENT_WORKSPACE=/workspace \
    LLM_BASE_URL=http://host.docker.internal:1234/v1 \
    ALLOW_NET=false \
    JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50"
# AppCDS: the classes the CLI loads at startup (picocli's command tree, state, Jackson), archived
# now with the JVM options it runs with, so that every start maps them instead of reading and
# verifying them from the jar; docker/agent uses the archive. -Xlog: no CDS notes on stdout.
RUN java ${JAVA_OPTS} -XX:ArchiveClassesAtExit=/opt/dev-agent/agent.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar /opt/dev-agent/agent.jar checkpoints list --state-dir /tmp/cds-training >/dev/null \
 && rm -rf /tmp/cds-training
USER 1000:1000
WORKDIR /workspace
VOLUME ["/state", "/workspace"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["agent-healthcheck"]
# The JVM is PID 1 and handles SIGTERM itself: runs in flight are checkpointed as paused.
CMD ["agent", "run"]
