package io.hyrelog.server.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Plan;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The dashboard's tenancy routes: the company of {@code x-company-id} with its plan, and for
 * HyreLog's staff the companies of every served region, the plans, plan assignment and the
 * creation of companies, workspaces and projects. Every action is in the admin audit log
 * ({@link DashboardActions}); ids of other regions' or unknown objects are 404.
 *
 * <p>Assigning a plan without webhooks disables the company's enabled endpoints at once with
 * reason {@code PLAN_RESTRICTED} (through {@code onPlanAssigned}); endpoints, deliveries and
 * every other datum are kept, so an upgrade and enable resume them.
 */
public final class DashboardTenantRoutes {
  private static final int MAX_BODY = 16 * 1024;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 200;
  private static final int MAX_CURSOR = 100;
  private static final int MAX_NAME = 200;
  private static final Set<String> PLAN_FIELDS = Set.of("plan");
  private static final Set<String> COMPANY_FIELDS = Set.of("name", "region", "plan");
  private static final Set<String> NAME_FIELDS = Set.of("name");

  private final Dashboard d;
  private final DashboardActions actions;
  private final Tenancy tenancy;
  private final PlanListener onPlanAssigned;

  /** What else a plan assignment changes (the company's webhook endpoints). */
  @FunctionalInterface
  public interface PlanListener {
    /**
     * Called after {@code company} was put on its (new) plan.
     *
     * @param company the company as now stored
     * @param plan the plan now in force for it
     * @return what was changed, as audit details (counts and enums only)
     */
    ObjectNode assigned(Company company, Plan plan);
  }

  public DashboardTenantRoutes(Dashboard dashboard, DashboardActions actions, Tenancy tenancy,
      PlanListener onPlanAssigned) {
    this.d = dashboard;
    this.actions = actions;
    this.tenancy = tenancy;
    this.onPlanAssigned = onPlanAssigned;
  }

  /** {@code GET /dashboard/company}: the company of {@code x-company-id} with its plan. */
  public void company(Context ctx) {
    actions.run(ctx, "company.read", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      audit.target("company:" + company.id());
      return new Reply(200, json(company));
    });
  }

  /**
   * {@code GET /dashboard/admin/companies?region=&plan=&limit=&cursor=}: companies by region
   * (in the order of {@link DataRegion}) then id, a page at a time.
   */
  public void list(Context ctx) {
    actions.run(ctx, "admin.company.list", Access.ADMIN, (actor, none, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("region", "plan", "limit", "cursor"));
      Optional<DataRegion> region = Optional.ofNullable(q.get("region"))
          .map(v -> enumParam("region", v, DataRegion.class));
      Optional<PlanTier> tier = Optional.ofNullable(q.get("plan"))
          .map(v -> enumParam("plan", v, PlanTier.class));
      int limit = q.containsKey("limit") ? Requests.intParam("limit", q.get("limit"), 1,
          MAX_PAGE) : DEFAULT_PAGE;
      Optional<Cursor> cursor = Optional.ofNullable(q.get("cursor")).map(Cursor::parse);
      region.ifPresent(r -> {
        if (!tenancy.serves(r)) {
          throw ApiException.validation("region", "NOT_SERVED", "region " + r + " is not"
              + " served by this deployment");
        }
      });
      region.ifPresent(r -> audit.details().put("region", r.name()));
      tier.ifPresent(t -> audit.details().put("plan", t.name()));
      List<Company> page = new ArrayList<>();
      boolean more = false;
      for (DataRegion r : DataRegion.values()) {
        if (!tenancy.serves(r) || region.map(x -> x != r).orElse(false)
            || cursor.map(c -> c.region().compareTo(r) > 0).orElse(false)) {
          continue;
        }
        Optional<UUID> after = cursor.filter(c -> c.region() == r).map(Cursor::id);
        List<Company> got = tenancy.tenants(r).companies(tier, after, limit + 1 - page.size());
        page.addAll(got);
        if (page.size() > limit) {
          more = true;
          page.remove(page.size() - 1);
          break;
        }
      }
      ObjectNode out = Json.object();
      ArrayNode data = out.putArray("data");
      page.forEach(c -> data.add(json(c)));
      if (more) {
        Company last = page.get(page.size() - 1);
        out.put("nextCursor", new Cursor(last.region(), last.id()).text());
      } else {
        out.putNull("nextCursor");
      }
      return new Reply(200, out);
    });
  }

  /** {@code GET /dashboard/admin/plans?region=}: every tier's values (first region default). */
  public void plans(Context ctx) {
    actions.run(ctx, "admin.plan.list", Access.ADMIN, (actor, none, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("region"));
      DataRegion region = q.containsKey("region") ? served(enumParam("region", q.get("region"),
          DataRegion.class)) : firstRegion();
      ObjectNode out = Json.object();
      out.put("region", region.name());
      ArrayNode data = out.putArray("data");
      tenancy.plans(region).forEach(p -> data.add(plan(p)));
      ArrayNode builtIn = out.putArray("builtInCategories");
      Plan.BUILT_IN_CATEGORIES.forEach(builtIn::add);
      return new Reply(200, out);
    });
  }

  /** {@code POST /dashboard/admin/companies/{id}/plan}: {@code {"plan": "<TIER>"}} → 200. */
  public void assignPlan(Context ctx) {
    actions.run(ctx, "admin.company.plan.assign", Access.ADMIN, (actor, none, audit) -> {
      Company before = pathCompany(ctx, audit);
      Requests.query(ctx, Set.of());
      ObjectNode body = JsonBody.object(ctx, MAX_BODY, PLAN_FIELDS);
      PlanTier tier = enumField(body, "plan", PlanTier.class);
      audit.details().put("from", before.planTier().name()).put("to", tier.name());
      Company after = tenancy.tenants(before.region()).assignPlan(before.id(), tier)
          .orElseThrow(() -> ApiException.notFound("company"));
      Plan plan = tenancy.plan(after);
      audit.details().setAll(onPlanAssigned.assigned(after, plan));
      return new Reply(200, json(after));
    });
  }

  /** {@code POST /dashboard/admin/companies}: {@code {"name","region","plan"}} → 201. */
  public void createCompany(Context ctx) {
    actions.run(ctx, "admin.company.create", Access.ADMIN, (actor, none, audit) -> {
      Requests.query(ctx, Set.of());
      ObjectNode body = JsonBody.object(ctx, MAX_BODY, COMPANY_FIELDS);
      String name = nameField(body);
      DataRegion region = served(enumField(body, "region", DataRegion.class));
      PlanTier tier = enumField(body, "plan", PlanTier.class);
      Company c = new Company(UUID.randomUUID(), name, region, tier, PlanOverrides.NONE);
      tenancy.tenants(region).createCompany(c);
      audit.company(c);
      audit.target("company:" + c.id());
      audit.details().put("region", region.name()).put("plan", tier.name());
      return new Reply(201, json(c));
    });
  }

  /** {@code POST /dashboard/admin/companies/{id}/workspaces}: {@code {"name"}} → 201. */
  public void createWorkspace(Context ctx) {
    actions.run(ctx, "admin.workspace.create", Access.ADMIN, (actor, none, audit) -> {
      Company c = pathCompany(ctx, audit);
      Requests.query(ctx, Set.of());
      String name = nameField(JsonBody.object(ctx, MAX_BODY, NAME_FIELDS));
      Workspace w = new Workspace(UUID.randomUUID(), c.id(), name);
      tenancy.tenants(c.region()).createWorkspace(w);
      audit.target("workspace:" + w.id());
      ObjectNode out = Json.object();
      out.put("id", w.id().toString());
      out.put("companyId", c.id().toString());
      out.put("name", w.name());
      out.put("region", c.region().name());
      return new Reply(201, out);
    });
  }

  /** {@code POST /dashboard/admin/workspaces/{id}/projects}: {@code {"name"}} → 201. */
  public void createProject(Context ctx) {
    actions.run(ctx, "admin.project.create", Access.ADMIN, (actor, none, audit) -> {
      UUID wid = Requests.uuid(ctx.pathParam("id"));
      Workspace w = wid == null ? null : workspace(wid).orElse(null);
      if (w == null) {
        throw ApiException.notFound("workspace");
      }
      audit.company(w.companyId());
      audit.details().put("workspaceId", w.id().toString());
      Requests.query(ctx, Set.of());
      String name = nameField(JsonBody.object(ctx, MAX_BODY, NAME_FIELDS));
      Company c = d.company(w.companyId()).orElseThrow(() -> ApiException.notFound("workspace"));
      Project p = new Project(UUID.randomUUID(), w.id(), c.id(), name);
      tenancy.tenants(c.region()).createProject(p);
      audit.target("project:" + p.id());
      ObjectNode out = Json.object();
      out.put("id", p.id().toString());
      out.put("workspaceId", w.id().toString());
      out.put("companyId", c.id().toString());
      out.put("name", p.name());
      return new Reply(201, out);
    });
  }

  private Optional<Workspace> workspace(UUID id) {
    for (DataRegion r : DataRegion.values()) {
      if (tenancy.serves(r)) {
        Optional<Workspace> w = tenancy.tenants(r).workspace(id);
        if (w.isPresent()) {
          return w;
        }
      }
    }
    return Optional.empty();
  }

  private Company pathCompany(Context ctx, DashboardActions.Audit audit) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    Company c = (id == null ? Optional.<Company>empty() : d.company(id))
        .orElseThrow(() -> ApiException.notFound("company"));
    audit.company(c);
    audit.target("company:" + c.id());
    return c;
  }

  private DataRegion firstRegion() {
    for (DataRegion r : DataRegion.values()) {
      if (tenancy.serves(r)) {
        return r;
      }
    }
    throw new IllegalStateException("no region is served");
  }

  private DataRegion served(DataRegion r) {
    if (!tenancy.serves(r)) {
      throw ApiException.validation("/region", "NOT_SERVED", "region " + r + " is not served"
          + " by this deployment");
    }
    return r;
  }

  /** The company with its tier, overrides and the limits in force. */
  private ObjectNode json(Company c) {
    ObjectNode out = Json.object();
    out.put("id", c.id().toString());
    out.put("name", c.name());
    out.put("region", c.region().name());
    out.put("plan", c.planTier().name());
    // Only the overridden values; null where an override sets "none".
    out.set("planOverrides", Json.MAPPER.valueToTree(c.planOverrides().values()));
    out.set("limits", plan(tenancy.plan(c)));
    return out;
  }

  /** A plan's values; {@code null} means none (no archive, no cold tier, unlimited rows). */
  static ObjectNode plan(Plan p) {
    ObjectNode n = Json.object();
    n.put("tier", p.tier().name());
    n.put("hotRetentionDays", p.hotRetentionDays());
    putOptional(n, "archiveRetentionDays", p.archiveRetentionDays());
    putOptional(n, "coldArchiveAfterDays", p.coldArchiveAfterDays());
    putOptional(n, "maxExportRows", p.maxExportRows());
    n.put("webhooksEnabled", p.webhooksEnabled());
    n.put("maxWebhooks", p.maxWebhooks());
    n.put("streamingExportsEnabled", p.streamingExportsEnabled());
    n.put("customCategoriesEnabled", p.customCategoriesEnabled());
    n.put("complianceExportsEnabled", p.complianceExportsEnabled());
    n.put("evidenceBundlesEnabled", p.evidenceBundlesEnabled());
    return n;
  }

  private static void putOptional(ObjectNode n, String name, OptionalInt v) {
    if (v.isPresent()) {
      n.put(name, v.getAsInt());
    } else {
      n.putNull(name);
    }
  }

  private static void putOptional(ObjectNode n, String name, OptionalLong v) {
    if (v.isPresent()) {
      n.put(name, v.getAsLong());
    } else {
      n.putNull(name);
    }
  }

  private static String nameField(JsonNode body) {
    JsonNode v = body.get("name");
    if (v == null || v.isNull()) {
      throw ApiException.validation("/name", "REQUIRED", "name is required");
    }
    if (!v.isTextual() || v.textValue().isBlank() || v.textValue().strip().length() > MAX_NAME
        || v.textValue().chars().anyMatch(Character::isISOControl)) {
      throw ApiException.validation("/name", "INVALID_VALUE", "name must be a string of 1.."
          + MAX_NAME + " characters without control characters");
    }
    return v.textValue().strip();
  }

  private static <E extends Enum<E>> E enumField(JsonNode body, String field, Class<E> type) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.validation("/" + field, "REQUIRED", field + " is required (one of "
          + String.join(", ", Dashboard.names(List.of(type.getEnumConstants()))) + ")");
    }
    if (!v.isTextual()) {
      throw ApiException.validation("/" + field, "INVALID_TYPE", field + " must be a string");
    }
    return parse("/" + field, v.textValue(), type);
  }

  private static <E extends Enum<E>> E enumParam(String name, String value, Class<E> type) {
    return parse(name, value, type);
  }

  private static <E extends Enum<E>> E parse(String field, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(value.strip().toUpperCase(Locale.ROOT))) {
        return e;
      }
    }
    throw ApiException.validation(field, "INVALID_VALUE", field.replace("/", "")
        + " must be one of " + String.join(", ", Dashboard.names(List.of(
            type.getEnumConstants()))));
  }

  /** Where a page ends: the last company's region and id, base64url text. */
  private record Cursor(DataRegion region, UUID id) {
    String text() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((region.name() + ":" + id)
          .getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String s) {
      Function<String, ApiException> bad = x -> ApiException.validation("cursor",
          "INVALID_CURSOR", "cursor is not one this API returned; start again without it");
      if (s.isEmpty() || s.length() > MAX_CURSOR) {
        throw bad.apply(s);
      }
      try {
        String t = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        int colon = t.indexOf(':');
        UUID id = colon < 0 ? null : Requests.uuid(t.substring(colon + 1));
        if (id == null) {
          throw bad.apply(s);
        }
        return new Cursor(DataRegion.valueOf(t.substring(0, colon)), id);
      } catch (IllegalArgumentException e) {
        throw bad.apply(s);
      }
    }
  }
}
