package io.hyrelog.server.internal.compliance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.compliance.evidence.StoredBundleFile;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.FileDownload;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Requests;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Downloads of compliance outputs by company keys (a workspace key is FORBIDDEN): the
 * company's evidence bundles ({@code GET /compliance/evidence/bundles}, one bundle's files, and
 * each file) and its encrypted compliance exports delivered to the local directory ({@code GET
 * /compliance/exports} and each file). Every file is streamed from disk in constant memory with
 * ranges and an ETag ({@link FileDownload}); every id and name is looked up under the caller's
 * company only, so another company's is NOT_FOUND. All of it shares the per-key bucket of
 * {@code /compliance/evidence/*} ({@code HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN}).
 */
public final class ComplianceDownloadRoutes {
  /** What the {@code compliance.export} job names its files (ComplianceExporter). */
  private static final Pattern EXPORT_NAME = Pattern.compile(
      "[0-9]{8}T[0-9]{6}Z-[a-z][a-z0-9_]{0,63}\\.(jsonl|csv)\\.enc(\\.json)?");
  private static final String UUID_TEXT =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final int MAX_LIMIT = 100;
  private static final int MAX_NAME = 200;

  private final Evidence evidence;
  private final Path complianceDirectory;
  private final RateLimits rateLimits;

  /**
   * @param complianceDirectory the local delivery directory of compliance exports ({@code
   *     HYRELOG_COMPLIANCE_LOCAL_DIR}); files are under {@code compliance-exports/<companyId>/}
   */
  public ComplianceDownloadRoutes(Evidence evidence, Path complianceDirectory,
      RateLimits rateLimits) {
    this.evidence = evidence;
    this.complianceDirectory = complianceDirectory;
    this.rateLimits = rateLimits;
  }

  private Principal company(Context ctx) {
    return EvidenceRoutes.companyKey(ctx, rateLimits);
  }

  private static int limit(Map<String, String> q) {
    String l = q.get("limit");
    return l == null ? 50 : Requests.intParam("limit", l, 1, MAX_LIMIT);
  }

  private static UUID bundleId(String value, String name) {
    if (value == null || !value.matches(UUID_TEXT)) {
      throw ApiException.validation(name, "INVALID_FORMAT", name + " must be a lowercase UUID");
    }
    return UUID.fromString(value);
  }

  /** {@code GET /compliance/evidence/bundles?limit=&after=}: the company's bundles, oldest first. */
  public void bundles(Context ctx) {
    Principal p = company(ctx);
    Map<String, String> q = Requests.query(ctx, Set.of("limit", "after"));
    int limit = limit(q);
    UUID after = q.containsKey("after") ? bundleId(q.get("after"), "after") : null;
    List<UUID> ids = evidence.bundleIds(p.company(), after, limit + 1);
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    for (UUID id : ids.subList(0, Math.min(limit, ids.size()))) {
      data.add(bundleJson(id, evidence.files(p.company(), id)));
    }
    if (ids.size() > limit) {
      body.put("nextCursor", ids.get(limit - 1).toString());
    } else {
      body.putNull("nextCursor");
    }
    Json.send(ctx, 200, body);
  }

  /** {@code GET /compliance/evidence/bundles/{bundleId}}: one bundle's files. */
  public void bundle(Context ctx) {
    Principal p = company(ctx);
    Requests.query(ctx, Set.of());
    UUID id = bundleId(ctx.pathParam("bundleId"), "bundleId");
    Json.send(ctx, 200, bundleJson(id, evidence.files(p.company(), id)));
  }

  private static ObjectNode bundleJson(UUID id, List<StoredBundleFile> files) {
    ObjectNode b = Json.object();
    b.put("bundle_id", id.toString());
    ArrayNode list = b.putArray("files");
    for (StoredBundleFile f : files) {
      list.addObject().put("name", f.name()).put("size", f.size())
          .put("modified_at", f.modifiedAt().toString())
          .put("url", "/compliance/evidence/bundles/" + id + "/files/" + f.name());
    }
    return b;
  }

  /** {@code GET /compliance/evidence/bundles/{bundleId}/files/{name}}: one file, streamed. */
  public void bundleFile(Context ctx) {
    Principal p = company(ctx);
    Requests.query(ctx, Set.of());
    UUID id = bundleId(ctx.pathParam("bundleId"), "bundleId");
    String name = ctx.pathParam("name");
    StoredBundleFile f = evidence.files(p.company(), id).stream()
        .filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(() -> ApiException.notFound("file '" + clip(name) + "' of bundle " + id));
    FileDownload.send(ctx, f.path(), contentType(name), name, "evidence bundle file "
        + id + "/" + name);
  }

  /** {@code GET /compliance/exports?limit=&after=}: the company's delivered exports, by name. */
  public void exports(Context ctx) {
    Principal p = company(ctx);
    Map<String, String> q = Requests.query(ctx, Set.of("limit", "after"));
    int limit = limit(q);
    String after = q.get("after");
    if (after != null && !EXPORT_NAME.matcher(after).matches()) {
      throw ApiException.validation("after", "INVALID_FORMAT", "after must be the name of a"
          + " compliance export (<yyyyMMddTHHmmssZ>-<type>.<format>.enc[.json])");
    }
    Path dir = companyExports(p.companyId());
    TreeMap<String, BasicFileAttributes> page = new TreeMap<>();
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> entries = Files.list(dir)) {
        for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
          Path f = it.next();
          String name = f.getFileName().toString();
          if (!EXPORT_NAME.matcher(name).matches() || (after != null
              && name.compareTo(after) <= 0)) {
            continue;
          }
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) {
            page.put(name, a);
            if (page.size() > limit + 1) {
              page.pollLastEntry(); // bounded: only the page is kept
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        throw new UncheckedIOException(new IOException("cannot list the compliance exports of"
            + " company " + p.companyId(), e instanceof UncheckedIOException u ? u.getCause()
            : e));
      }
    }
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    String last = null;
    for (Map.Entry<String, BasicFileAttributes> e : page.entrySet()) {
      if (data.size() == limit) {
        break;
      }
      last = e.getKey();
      data.addObject().put("name", e.getKey()).put("size", e.getValue().size())
          .put("modified_at", e.getValue().lastModifiedTime().toInstant().toString())
          .put("encrypted_format", e.getKey().endsWith(".json") ? "envelope" : "streaming")
          .put("url", "/compliance/exports/" + e.getKey());
    }
    if (page.size() > limit) {
      body.put("nextCursor", last);
    } else {
      body.putNull("nextCursor");
    }
    Json.send(ctx, 200, body);
  }

  /** {@code GET /compliance/exports/{name}}: one delivered export, streamed. */
  public void export(Context ctx) {
    Principal p = company(ctx);
    Requests.query(ctx, Set.of());
    String name = ctx.pathParam("name");
    if (!EXPORT_NAME.matcher(name).matches()) {
      throw ApiException.validation("name", "INVALID_FORMAT", "name must be the name of a"
          + " compliance export (<yyyyMMddTHHmmssZ>-<type>.<format>.enc[.json]), as listed");
    }
    FileDownload.send(ctx, companyExports(p.companyId()).resolve(name), contentType(name),
        name, "compliance export " + name);
  }

  private Path companyExports(UUID companyId) {
    return complianceDirectory.resolve("compliance-exports").resolve(companyId.toString());
  }

  private static String contentType(String name) {
    if (name.endsWith(".zip")) {
      return "application/zip";
    }
    if (name.endsWith(".json")) {
      return "application/json";
    }
    if (name.endsWith(".sig") || name.endsWith(".countersign")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private static String clip(String s) {
    return s.length() <= MAX_NAME ? s : s.substring(0, MAX_NAME) + "…";
  }
}
