package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.ApiKey;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.RequestContext;
import io.hyrelog.Resource;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Each company's system chain: HyreLog's own tamper-evident record of the company's
 * administration, appended to the chain of the company's reserved system workspace ({@link
 * Workspace#systemId}, created the first time it is used: {@link Tenancy#systemWorkspace}). The
 * chain is read, exported and verified like any other ({@code /v1/chains/{id}/…} with a
 * company key); nothing but this class writes to it.
 *
 * <p>Every event has category {@value #CATEGORY}, the action's name as its action (the admin
 * audit log's names, e.g. {@code key.revoke}, {@code admin.key.create}), the actor ({@link
 * #keyActor} or {@link #dashboardActor}), the target as its resource ({@code kind:id}, e.g.
 * {@code api_key:<id>}) and the details as metadata. Callers record ids, prefixes, enums and
 * numbers only: never a secret, a key, a URL or a payload.
 *
 * <p>Recording runs after the action took effect and before its reply: when the append fails,
 * the request fails (503) although the change is made; the admin audit log and the server's log
 * still have it. Thread-safe.
 */
public final class SystemChain {
  /** The category of every system chain event. */
  public static final String CATEGORY = "hyrelog.admin";
  private static final Pattern ACTION =
      Pattern.compile("[a-z][a-z0-9_]{0,31}(\\.[a-z][a-z0-9_]{0,31}){0,5}");
  private static final Pattern TARGET =
      Pattern.compile("([a-z][a-z0-9_]{0,31}):([\\x21-\\x7e]{1,128})");

  private final Regions regions;
  private final Tenancy tenancy;

  public SystemChain(Regions regions, Tenancy tenancy) {
    this.regions = Objects.requireNonNull(regions, "regions");
    this.tenancy = Objects.requireNonNull(tenancy, "tenancy");
  }

  /** The actor of an action taken with an API key: {@code api_key:<id>}, its type as role. */
  public static Actor keyActor(ApiKey key) {
    return new Actor("api_key:" + key.id(), null, key.type().name() + "_KEY", null);
  }

  /** The actor of a dashboard action: {@code dashboard_user:<id>}, their email and role. */
  public static Actor dashboardActor(String userId, String email, String role) {
    return new Actor("dashboard_user:" + userId, email, role, null);
  }

  /**
   * Appends one action to {@code company}'s system chain.
   *
   * @param company the company the action concerns
   * @param action the action's name: lowercase dotted words, e.g. {@code key.revoke}
   * @param actor who took it ({@link #keyActor}, {@link #dashboardActor})
   * @param target what it acted on, {@code kind:id} such as {@code api_key:<uuid>}, or null
   * @param details ids, prefixes, enums and numbers (copied; never a secret)
   * @param context the request it came with ({@link RequestPipeline#requestContext}), or null
   *     for a background job
   * @return the stored event
   * @throws IllegalArgumentException when the action or target is malformed
   * @throws io.hyrelog.HyrelogException when the event cannot be stored
   */
  public AuditEvent record(Company company, String action, Actor actor, String target,
      ObjectNode details, RequestContext context) {
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(details, "details");
    if (action == null || !ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("action must be lowercase dotted words, got "
          + (action == null ? "null" : action.length() + " characters"));
    }
    Resource resource = null;
    if (target != null) {
      var m = TARGET.matcher(target);
      if (!m.matches()) {
        throw new IllegalArgumentException("target must be kind:id, got " + target.length()
            + " characters");
      }
      resource = new Resource(m.group(1), m.group(2));
    }
    Workspace system = tenancy.systemWorkspace(company);
    NewEvent e = NewEvent.builder(CATEGORY, action).actor(actor).resource(resource)
        .metadata(Metadata.of(details.deepCopy())).context(context).build();
    return regions.of(company).log().append(WorkspaceRef.of(company, system), e).event();
  }
}
