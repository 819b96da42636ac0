package io.hyrelog.server.internal.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.archive.Archival;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.RestoreRequests;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the {@code /dashboard/*} routes share: the dashboard service token, the restore policy,
 * each region's restore requests and archival, and the admin audit log.
 *
 * <p>Authentication (the seed's): {@code x-dashboard-token} must equal the configured token
 * (compared in constant time); {@code x-user-id}, {@code x-user-email} and {@code x-user-role}
 * name the dashboard user and are required; company-scoped routes also need {@code
 * x-company-id}. Admin routes need role {@code HYRELOG_ADMIN}. Without a configured token
 * (external databases and no {@code HYRELOG_DASHBOARD_TOKEN}) every dashboard route answers 404
 * saying how to enable it.
 *
 * <p>The admin audit log lives in the database of the first served region (the embedded
 * database in embedded mode): one log for the whole deployment, ordered by insertion.
 */
public final class Dashboard {
  /** The role of HyreLog's own staff, required by {@code /dashboard/admin/*}. */
  public static final String ADMIN_ROLE = "HYRELOG_ADMIN";
  private static final Pattern USER_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Pattern EMAIL = Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[^\\s@\\p{Cntrl}]{1,255}");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  private final Optional<byte[]> token;
  private final RestorePolicy policy;
  private final Tenancy tenancy;
  private final Regions regions;
  private final AdminAuditLog audit;
  private final Clock clock;

  public Dashboard(Optional<String> token, RestorePolicy policy, Tenancy tenancy,
      Regions regions, AdminAuditLog audit, Clock clock) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.policy = Objects.requireNonNull(policy, "policy");
    this.tenancy = Objects.requireNonNull(tenancy, "tenancy");
    this.regions = Objects.requireNonNull(regions, "regions");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  RestorePolicy policy() {
    return policy;
  }

  Clock clock() {
    return clock;
  }

  RestoreRequests requests(DataRegion r) {
    return regions.get(r).restores();
  }

  /** The restore requests of every served region. */
  List<RestoreRequests> allRequests() {
    return regions.all().stream().map(Region::restores).toList();
  }

  Archival archival(DataRegion r) {
    return regions.get(r).archival();
  }

  AdminAuditLog audit() {
    return audit;
  }

  /**
   * Checks the service token and reads the user headers.
   *
   * @throws ApiException NOT_FOUND when the dashboard is disabled, UNAUTHORIZED for a missing
   *     or wrong token, VALIDATION_ERROR for a missing or malformed user header
   */
  DashboardActions.Actor authenticate(Context ctx) {
    if (token.isEmpty()) {
      throw new ApiException(ErrorCode.NOT_FOUND, "the dashboard API is disabled on this server;"
          + " set HYRELOG_DASHBOARD_TOKEN (16+ characters) to enable it");
    }
    String given = ctx.header("x-dashboard-token");
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.get())) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "send the dashboard service token in the"
          + " x-dashboard-token header");
    }
    String id = header(ctx, "x-user-id", USER_ID, "1-128 visible ASCII characters");
    String email = header(ctx, "x-user-email", EMAIL, "an email address");
    String role = header(ctx, "x-user-role", ROLE,
        "a role name such as ADMIN, MEMBER or HYRELOG_ADMIN").toUpperCase(Locale.ROOT);
    return new DashboardActions.Actor(id, email, role);
  }

  private static String header(Context ctx, String name, Pattern p, String what) {
    String v = ctx.header(name);
    if (v == null || v.isBlank()) {
      throw ApiException.validation(name, "REQUIRED", "the " + name + " header is required");
    }
    v = v.strip();
    if (!p.matcher(v).matches()) {
      throw ApiException.validation(name, "INVALID_FORMAT", "the " + name + " header must be "
          + what);
    }
    return v;
  }

  /**
   * The company of {@code x-company-id}.
   *
   * @throws ApiException VALIDATION_ERROR when missing or not a UUID, NOT_FOUND when unknown
   */
  Company company(Context ctx) {
    String v = ctx.header("x-company-id");
    if (v == null || v.isBlank()) {
      throw ApiException.validation("x-company-id", "REQUIRED", "the x-company-id header is"
          + " required on company routes");
    }
    UUID id;
    try {
      id = UUID.fromString(v.strip());
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("x-company-id", "INVALID_FORMAT",
          "the x-company-id header must be a UUID");
    }
    return company(id).orElseThrow(() -> ApiException.notFound("company"));
  }

  Optional<Company> company(UUID id) {
    for (DataRegion r : regions.ids()) {
      Optional<Company> c = tenancy.company(r, id);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  /** A restore request by id in any served region. */
  Optional<RestoreRequest> request(UUID id) {
    for (RestoreRequests r : allRequests()) {
      Optional<RestoreRequest> found = r.find(id);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Appends one audit entry for a dashboard action. */
  void record(Context ctx, DashboardActions.Actor u, Optional<UUID> companyId, String action,
      Optional<String> target, boolean ok, ObjectNode details) {
    String requestId = ctx.attribute(RequestPipeline.REQUEST_ID);
    audit.append(new AdminAuditLog.Entry(0, clock.instant(), u.userId(), u.email(),
        u.role(), companyId, action, target, ok ? "OK" : "REFUSED", details,
        Optional.ofNullable(requestId)));
  }

  static List<String> names(java.util.Collection<? extends Enum<?>> values) {
    return values.stream().map(Enum::name).sorted().toList();
  }
}
