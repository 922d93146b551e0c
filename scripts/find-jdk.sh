# Sourced by ./agent and .ci/run. Sets JAVA_HOME to a JDK 25 or newer, looking at
# JAVA_HOME first, then the usual install locations, so that nobody has to export anything.
# Returns 1 with a clear message on stderr when there is none.

_jdk_major() { # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # The JDK's release file says it without starting a JVM, which costs tens of milliseconds per
  # candidate on every ./agent; java is asked only when the file does not say.
  local from_release
  from_release=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -n "$from_release" ]; then
    echo "$from_release"
    return 0
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

find_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/java/* /usr/local/lib/jvm/* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major=$(_jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "error: dev-agent needs a JDK 25 or newer and found none (looked at JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.sdkman, /Library/Java)." >&2
  echo "       Install one, e.g. 'apt-get install openjdk-25-jdk' or Temurin 25 from https://adoptium.net, then try again." >&2
  return 1
}
