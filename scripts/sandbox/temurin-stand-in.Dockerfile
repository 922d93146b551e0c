# Stand-in for eclipse-temurin:25-jre-noble where no image registry is reachable: a Debian root
# (debootstrap) with this machine's Temurin 25 where the real image has it.
ARG BASE
FROM ${BASE}
COPY jdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
LABEL dev-agent.e2e.stand-in="eclipse-temurin:25-jre-noble"
CMD ["jshell"]
