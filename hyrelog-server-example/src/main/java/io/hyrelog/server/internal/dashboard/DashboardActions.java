package io.hyrelog.server.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Problems;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.SystemChain;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs one dashboard action and records it: authenticates the dashboard user ({@link
 * Dashboard#authenticate}), checks the route's {@link Access}, runs the handler, appends the
 * action to the admin audit log — allowed ({@code OK}) or refused ({@code REFUSED}, with the
 * problem's code), including a non-admin trying an admin route — and sends the reply. Requests
 * that fail authentication (no or wrong token, missing user headers) are not logged: there is
 * no trustworthy actor to record.
 *
 * <p>An allowed action that changes something (any method but GET and HEAD) and concerns one
 * company is also recorded for that company's {@link SystemChain} (the dashboard user as actor,
 * the same action name, target and details), unless its handler says nothing changed ({@link
 * Audit#unchanged}): the handler runs in a {@link SystemChain#change}, so its change and the
 * record commit together or not at all. Reads and refusals are in the admin audit log only.
 *
 * <p>Every {@code /dashboard/*} route goes through here, whichever feature package owns it.
 */
public final class DashboardActions {
  private final Dashboard d;
  private final SystemChain systemChain;

  public DashboardActions(Dashboard dashboard, SystemChain systemChain) {
    this.d = Objects.requireNonNull(dashboard, "dashboard");
    this.systemChain = Objects.requireNonNull(systemChain, "systemChain");
  }

  /** Who may run an action. */
  public enum Access {
    /** Any dashboard user, for the company of {@code x-company-id} (required). */
    COMPANY,
    /** HyreLog's staff ({@code x-user-role: HYRELOG_ADMIN}), across companies. */
    ADMIN
  }

  /**
   * What a handler answers: the status and the JSON body, or {@link #STREAMED} when the handler
   * has written the response itself (a download).
   */
  public record Reply(int status, JsonNode body) {
    /** The handler has written (streamed) the response itself. */
    public static final Reply STREAMED = new Reply(0, null);

    public Reply {
      if (status != 0) {
        Objects.requireNonNull(body, "body");
      }
    }
  }

  /**
   * The dashboard user an action runs for, as the dashboard vouches for them with its service
   * token ({@link Dashboard#authenticate}).
   */
  public record Actor(String userId, String email, String role) {
    public boolean admin() {
      return role.equals(Dashboard.ADMIN_ROLE);
    }
  }

  /** What the audit entry of one action says, filled in by its handler as it learns it. */
  public static final class Audit {
    private Optional<UUID> companyId = Optional.empty();
    private Company company; // the company of companyId when the handler had it at hand
    private Optional<String> target = Optional.empty();
    private final ObjectNode details = Json.object();
    private boolean changed = true;

    private Audit() {}

    /** The action changed nothing (e.g. revoking a revoked key): no system chain event. */
    public void unchanged() {
      this.changed = false;
    }

    /** The company the action concerns (set already for {@link Access#COMPANY}). */
    public void company(UUID companyId) {
      company(Optional.of(companyId));
    }

    /** The company the action concerns, if the request names one. */
    public void company(Optional<UUID> companyId) {
      this.companyId = Objects.requireNonNull(companyId, "companyId");
      if (company != null && !companyId.equals(Optional.of(company.id()))) {
        company = null;
      }
    }

    /** The company the action concerns, when the handler has it (no second read). */
    public void company(Company company) {
      this.companyId = Optional.of(company.id());
      this.company = company;
    }

    /** What the action acts on, as {@code kind:id} (ids only; never a secret or a URL). */
    public void target(String kindAndId) {
      this.target = Optional.of(kindAndId);
    }

    /** Details to record (ids, enums and numbers; never a secret, URL or personal value). */
    public ObjectNode details() {
      return details;
    }
  }

  /** One action's work. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Runs the action.
     *
     * @param actor the authenticated dashboard user
     * @param company the company of {@code x-company-id} ({@link Access#COMPANY}), else null
     * @param audit the audit entry to fill in
     * @return the reply
     */
    Reply handle(Actor actor, Company company, Audit audit);
  }

  /**
   * Runs an action as described above.
   *
   * @param ctx the request
   * @param action the audit log's action name, e.g. {@code webhook.create}
   * @param access who may run it
   * @param h the action's work
   */
  public void run(Context ctx, String action, Access access, Handler h) {
    Actor actor = d.authenticate(ctx);
    Audit audit = new Audit();
    Reply reply;
    boolean changing = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
    try {
      if (access == Access.ADMIN && !actor.admin()) {
        throw new ApiException(ErrorCode.FORBIDDEN, "this route is for HyreLog staff: it needs"
            + " x-user-role " + Dashboard.ADMIN_ROLE);
      }
      Company company = access == Access.COMPANY ? d.company(ctx) : null;
      if (company != null) {
        audit.company(company);
      }
      // A change and its system chain record commit together (or neither).
      reply = !changing ? h.handle(actor, company, audit) : systemChain.change(() -> {
        Reply r = h.handle(actor, company, audit);
        if (audit.changed && audit.companyId.isPresent()) {
          Company concerned = audit.company != null ? audit.company
              : d.company(audit.companyId.get()).orElseThrow();
          systemChain.record(concerned, action, SystemChain.dashboardActor(actor.userId(),
              actor.email(), actor.role()), audit.target.orElse(null), audit.details,
              RequestPipeline.requestContext(ctx));
        }
        return r;
      });
    } catch (RuntimeException e) {
      ApiException problem = Problems.map(e);
      if (problem != null) {
        audit.details.put("code", problem.code().name());
        d.record(ctx, actor, audit.companyId, action, audit.target, false, audit.details);
      }
      throw e;
    }
    d.record(ctx, actor, audit.companyId, action, audit.target, true, audit.details);
    if (reply != Reply.STREAMED) {
      Json.send(ctx, reply.status(), reply.body());
    }
  }
}
