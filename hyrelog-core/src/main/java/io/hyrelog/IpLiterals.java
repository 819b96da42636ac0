package io.hyrelog;

/** Syntax checks for IP address literals; never resolves names. */
final class IpLiterals {
  private IpLiterals() {}

  static boolean isValid(String s) {
    return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s);
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s) {
    String body = s;
    int groupsNeeded = 8;
    int lastColon = s.lastIndexOf(':');
    if (s.indexOf('.') >= 0) {
      if (!isIpv4(s.substring(lastColon + 1))) {
        return false;
      }
      body = s.substring(0, lastColon + 1) + "0";
      groupsNeeded = 7;
    }
    int dbl = body.indexOf("::");
    if (dbl >= 0 && body.indexOf("::", dbl + 1) >= 0) {
      return false;
    }
    String[] halves = dbl >= 0
        ? new String[] {body.substring(0, dbl), body.substring(dbl + 2)}
        : new String[] {body};
    int groups = 0;
    for (String half : halves) {
      if (half.isEmpty()) {
        continue;
      }
      for (String g : half.split(":", -1)) {
        if (g.isEmpty() || g.length() > 4) {
          return false;
        }
        for (int i = 0; i < g.length(); i++) {
          if (Character.digit(g.charAt(i), 16) < 0) {
            return false;
          }
        }
        groups++;
      }
    }
    return dbl >= 0 ? groups < groupsNeeded : groups == groupsNeeded;
  }
}
