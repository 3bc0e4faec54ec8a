# Sourced by the project's scripts: makes JAVA_HOME a JDK 21 or newer.
# Keeps a JAVA_HOME (or the java on PATH) that is new enough, else picks the newest JDK 21+
# under /usr/lib/jvm or ~/.sdkman; fails with a clear message when there is none.
_meridian_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
_meridian_pick_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major="$(_meridian_java_major "$JAVA_HOME")"
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    major="$(_meridian_java_major "$candidate")"
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /opt/java/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major="$(_meridian_java_major "$candidate")"
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  [ -n "$best" ] && echo "$best"
}
if MERIDIAN_JDK="$(_meridian_pick_jdk)"; then
  export JAVA_HOME="$MERIDIAN_JDK"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "Meridian needs a JDK 21 or newer; none found (set JAVA_HOME to one)." >&2
  return 1 2>/dev/null || exit 1
fi
