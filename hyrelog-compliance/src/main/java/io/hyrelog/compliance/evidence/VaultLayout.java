package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** What both vaults share: the dated layout, names, and the lock file's content. */
final class VaultLayout {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern DIRECTORY = Pattern.compile(
      "\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}");

  private VaultLayout() {}

  /** {@code YYYY/MM/DD/<bundleId>} of a copy made at {@code at} (UTC). */
  static String directory(UUID bundleId, Instant at) {
    ZonedDateTime d = at.atZone(ZoneOffset.UTC);
    return String.format("%04d/%02d/%02d/%s", d.getYear(), d.getMonthValue(),
        d.getDayOfMonth(), bundleId);
  }

  static String requireDirectory(String directory) {
    if (directory == null || !DIRECTORY.matcher(directory).matches()) {
      throw new IllegalArgumentException("a vault copy directory is YYYY/MM/DD/<bundleId>"
          + " (lowercase UUID), got '" + directory + "'");
    }
    return directory;
  }

  static String requireName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals(EvidenceVault.LOCK_FILE)) {
      throw new IllegalArgumentException("a vault file name is 1-255 characters of"
          + " [A-Za-z0-9._-], not starting with '.' and not " + EvidenceVault.LOCK_FILE
          + ", got '" + name + "'");
    }
    return name;
  }

  static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }

  /** The lock file's bytes (pretty JSON). */
  static byte[] lock(UUID bundleId, String mode, Instant now, Duration retention,
      List<BundleFile> files) {
    ObjectNode lock = MAPPER.createObjectNode();
    lock.put("bundle_id", bundleId.toString());
    lock.put("mode", mode);
    lock.put("locked_at", now.toString());
    lock.put("retain_until", now.plus(retention).toString());
    ArrayNode a = lock.putArray("files");
    for (BundleFile f : files) {
      a.addObject().put("name", f.name()).put("size", f.size()).put("sha256", f.sha256().hex());
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(lock);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a lock file always serializes", e);
    }
  }
}
