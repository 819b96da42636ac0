package io.hyrelog.benchmarks.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A server's TCP sockets, from {@code /proc/net/tcp[6]} (Linux). */
public record Sockets(Set<Integer> establishedPeers, int timeWait) {
  /** The sockets of {@code port}, or null when {@code /proc/net} is not readable. */
  public static Sockets of(int port) {
    Set<Integer> peers = new HashSet<>();
    int timeWait = 0;
    boolean any = false;
    for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(f));
      } catch (IOException | RuntimeException e) {
        continue; // no IPv6, or not Linux
      }
      any = true;
      for (int i = 1; i < lines.size(); i++) {
        String[] c = lines.get(i).trim().split("\\s+");
        if (c.length < 4) {
          continue;
        }
        int local = Integer.parseInt(c[1].substring(c[1].indexOf(':') + 1), 16);
        int remote = Integer.parseInt(c[2].substring(c[2].indexOf(':') + 1), 16);
        if (c[3].equals("01") && local == port) {
          peers.add(remote);
        } else if (c[3].equals("06") && (local == port || remote == port)) {
          timeWait++;
        }
      }
    }
    return any ? new Sockets(peers, timeWait) : null;
  }

  /** Connections established now that were not at {@code before}. */
  public long newSince(Sockets before) {
    return establishedPeers.stream().filter(p -> !before.establishedPeers.contains(p)).count();
  }
}
