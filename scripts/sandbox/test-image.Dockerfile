# The image the hostile shell suite runs in (HostileShellInContainerTest): the Temurin 25 base the
# project's own image uses, plus the clients the suite tries egress with. No bubblewrap: the
# container has Docker's default seccomp profile, under which it could not start anyway.
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl wget python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
LABEL dev-agent.test="sandbox"
