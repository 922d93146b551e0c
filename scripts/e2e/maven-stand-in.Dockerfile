# Stand-in for maven:3.9-eclipse-temurin-25 where no image registry is reachable: the Temurin
# stand-in plus this machine's Maven, whose settings send every download to the test's mirror of
# the local Maven repository on 127.0.0.1 (the build runs on the host's network). Built by
# scripts/compose-e2e.sh only when no image of that name is there.
ARG BASE
FROM ${BASE}
COPY maven /usr/share/maven
COPY maven-settings.xml /usr/share/maven/conf/settings.xml
RUN ln -s /usr/share/maven/bin/mvn /usr/bin/mvn
ENV MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2
LABEL dev-agent.e2e.stand-in="maven:3.9-eclipse-temurin-25"
CMD ["mvn"]
