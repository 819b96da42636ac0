package io.hyrelog.server;

import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.IpRange;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.HyrelogException;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.Region;
import io.hyrelog.spi.TenantDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The demo tenant: company "Acme Corp" (on {@code SEED_PLAN_TIER}, default GROWTH), workspace "Production", project "Main App", a
 * company key usable from this machine only (127.0.0.1/32 and ::1/128) and a workspace key.
 */
final class DemoSeed {
  static final String CREDENTIALS_FILE = "demo-credentials.json";

  private DemoSeed() {}

  /**
   * The demo tenant of a starting embedded server: created in {@code region} with its
   * credentials file on the first start, read back from that file on later ones ({@code null}
   * when the file is gone: the keys are unknown then, and the console says how to start over).
   */
  static DemoCredentials onStart(ServerConfig config, Region region, KeyHasher hasher,
      Clock clock, String baseUrl, PrintStream console) {
    Path file = config.dataDir().resolve(CREDENTIALS_FILE);
    try {
      if (!region.tenants().companies().isEmpty()) {
        if (Files.exists(file)) {
          DemoCredentials c = DemoCredentials.read(file);
          printExisting(console, c, file);
          return c;
        }
        console.println("HyreLog: " + file + " is missing, so the demo keys are unknown;"
            + " stop the server and delete " + config.dataDir() + " to start over with a new"
            + " demo tenant");
        return null;
      }
      DemoCredentials c = create(region.tenants(), region.id(), config.seedPlanTier(), hasher,
          clock, baseUrl);
      write(config.dataDir(), c);
      printNew(console, c, config.seedPlanTier(), file);
      return c;
    } catch (IOException e) {
      throw new HyrelogException("cannot write " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code seed}: a new demo tenant in {@code region}'s {@code tenants}, on the system clock. */
  static DemoCredentials seed(ServerConfig config, DataRegion region, TenantDirectory tenants,
      KeyHasher hasher, PrintStream console) {
    String baseUrl = config.publicUrl().orElse("http://localhost:" + (config.port() == 0
        ? 3000 : config.port()));
    try {
      DemoCredentials c = create(tenants, region, config.seedPlanTier(), hasher,
          Clock.systemUTC(), baseUrl);
      Path file = write(config.dataDir(), c);
      printNew(console, c, config.seedPlanTier(), file);
      return c;
    } catch (IOException e) {
      throw new HyrelogException("cannot write the demo credentials under "
          + config.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  static DemoCredentials create(TenantDirectory tenants, DataRegion region, PlanTier tier,
      KeyHasher hasher, Clock clock, String baseUrl) {
    Company company = new Company(UUID.randomUUID(), "Acme Corp", region, tier,
        PlanOverrides.NONE);
    Workspace ws = new Workspace(UUID.randomUUID(), company.id(), "Production");
    Project project = new Project(UUID.randomUUID(), ws.id(), company.id(), "Main App");
    ApiKeyToken co = ApiKeyToken.generate(region, ApiKeyType.COMPANY);
    ApiKeyToken wk = ApiKeyToken.generate(region, ApiKeyType.WORKSPACE);
    // One transaction: a crash leaves either the whole tenant or nothing (and no unseen keys).
    tenants.createTenant(company, ws, project, List.of(
        new ApiKey(UUID.randomUUID(), company.id(), null, ApiKeyType.COMPANY,
            co.displayPrefix(), hasher.hash(co),
            List.of(IpRange.parse("127.0.0.1/32"), IpRange.parse("::1/128")), null, null, null,
            clock.instant()),
        new ApiKey(UUID.randomUUID(), company.id(), ws.id(), ApiKeyType.WORKSPACE,
            wk.displayPrefix(), hasher.hash(wk), List.of(), null, null, null,
            clock.instant())));
    return new DemoCredentials(baseUrl, company.id(), ws.id(), project.id(), co.text(),
        wk.text());
  }

  /** Writes the credentials file (mode 0600) and returns its path. */
  static Path write(Path dataDir, DemoCredentials c) throws IOException {
    Files.createDirectories(dataDir);
    Path f = dataDir.resolve(CREDENTIALS_FILE);
    StagedFile.writeReplacing(f, c.toJson(), FileMode.PRIVATE);
    return f;
  }

  /** The first-start banner: the keys in full, once, with ready-to-paste curl lines. */
  static void printNew(PrintStream out, DemoCredentials c, PlanTier tier, Path file) {
    out.println();
    out.println("HyreLog demo tenant created (keys are shown once; also saved to " + file
        + ", mode 0600):");
    out.println("  company    " + c.companyId() + "  (Acme Corp, " + tier + " plan)");
    out.println("  workspace  " + c.workspaceId() + "  (Production)");
    out.println("  project    " + c.projectId() + "  (Main App)");
    out.println("  company key   " + c.companyKey() + "  (read/export; from this machine only)");
    out.println("  workspace key " + c.workspaceKey() + "  (ingest + read)");
    out.println();
    out.println("Try it:");
    out.println("  curl -s -X POST " + c.baseUrl() + "/v1/events -H 'Authorization: Bearer "
        + c.workspaceKey() + "' -H 'Content-Type: application/json' -d '{\"category\":\"user\","
        + "\"action\":\"login\",\"actor\":{\"id\":\"u_1\",\"email\":\"ada@example.com\"}}'");
    out.println("  curl -s '" + c.baseUrl() + "/v1/events?limit=10' -H 'Authorization: Bearer "
        + c.companyKey() + "'");
    out.println("  curl -s " + c.baseUrl() + "/v1/chains/" + c.workspaceId()
        + "/events.jsonl -H 'Authorization: Bearer " + c.workspaceKey()
        + "' > chain.jsonl && java -jar hyrelog-cli/target/hyrelog.jar verify chain.jsonl");
    out.println();
  }

  /** Later starts: prefixes only. */
  static void printExisting(PrintStream out, DemoCredentials c, Path file) {
    out.println("HyreLog demo tenant: company " + c.companyId() + ", workspace "
        + c.workspaceId() + "; keys " + prefix(c.companyKey()) + "… and "
        + prefix(c.workspaceKey()) + "… (full keys in " + file + ")");
  }

  private static String prefix(String key) {
    try {
      return ApiKeyToken.parse(key).displayPrefix();
    } catch (IllegalArgumentException e) {
      return "<unreadable>";
    }
  }
}
