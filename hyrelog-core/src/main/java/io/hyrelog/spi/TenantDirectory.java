package io.hyrelog.spi;

import io.hyrelog.ApiKey;
import io.hyrelog.Company;
import io.hyrelog.Digest;
import io.hyrelog.Plan;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenancy data of one region's storage: companies, their workspaces and projects, and their
 * API keys, of which only an HMAC is stored (never the key). The testkit's {@code
 * TenantDirectoryContract} checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe and safe when several processes share the storage.
 *   <li>Every method is atomic: it does all of what it says or, when it throws, nothing.
 *   <li>Ids are unique per kind (company, workspace, project, key), and so is a key's {@link
 *       ApiKey#hmac() HMAC}; a key's display prefix is not (two keys may share one). Creating
 *       something whose id or HMAC is taken throws {@link AlreadyStoredException}.
 *   <li>What is read back equals what was created, except that instants keep microsecond
 *       precision (finer digits MAY be lost).
 *   <li>A stored key changes only by {@link #rotate} and {@link #revoke} (its revocation
 *       time, set once), a company only by {@link #assignPlan} (its tier); nothing is deleted.
 * </ul>
 *
 * <h2>References</h2>
 * A workspace names an existing company, a project an existing workspace of that company, a key
 * an existing company (and, for a workspace key, one of its workspaces). Callers MUST keep to
 * this; an adapter with referential integrity (PostgreSQL's foreign keys) refuses anything else
 * with a {@link io.hyrelog.HyrelogException}, an in-memory one need not check.
 *
 * <p>Failures of the storage itself are {@link io.hyrelog.HyrelogException}s naming the
 * operation, never a key's HMAC.
 */
public interface TenantDirectory {

  /**
   * Stores a company.
   *
   * @param c the company
   * @throws AlreadyStoredException when its id is taken
   */
  void createCompany(Company c);

  /**
   * Stores a workspace of an existing company.
   *
   * @param w the workspace
   * @throws AlreadyStoredException when its id is taken
   */
  void createWorkspace(Workspace w);

  /**
   * Stores a project of an existing workspace.
   *
   * @param p the project
   * @throws AlreadyStoredException when its id is taken
   */
  void createProject(Project p);

  /**
   * Creates a company with a workspace, a project and keys, atomically: all of it or, on any
   * failure, none of it.
   *
   * @param c the company
   * @param w its workspace
   * @param p the workspace's project
   * @param keys the project's API keys
   * @throws AlreadyStoredException when an id or a key's HMAC is taken (nothing is stored)
   */
  void createTenant(Company c, Workspace w, Project p, List<ApiKey> keys);

  /**
   * The company with this id, or empty.
   *
   * @param id the company's id
   * @return the company, or empty
   */
  Optional<Company> company(UUID id);

  /**
   * Every company of the storage, in the order they were created.
   *
   * @return the companies
   */
  List<Company> companies();

  /**
   * A page of companies in the order of their ids' canonical text (the cursor order), each
   * with an id after {@code after} and, when {@code tier} is given, on that tier.
   *
   * @param tier only companies on this tier, or empty for all
   * @param after the last id of the previous page, or empty for the first page
   * @param limit at most this many, 1..1000
   * @return the page, at most {@code limit} companies
   * @throws IllegalArgumentException when {@code limit} is outside 1..1000
   */
  List<Company> companies(Optional<PlanTier> tier, Optional<UUID> after, int limit);

  /**
   * The values of every plan tier as this storage holds them (the source of each tier's
   * limits; a company's {@link PlanOverrides} apply on top, see {@link Company#plan(Plan)}),
   * in tier order, one per {@link PlanTier}. A new storage holds {@link Plan#defaults}.
   *
   * @return the plans, FREE first
   */
  List<Plan> plans();

  /**
   * The stored values of one tier.
   *
   * @param tier the tier
   * @return its plan
   */
  default Plan plan(PlanTier tier) {
    return plans().stream().filter(p -> p.tier() == tier).findFirst().orElseThrow(
        () -> new io.hyrelog.HyrelogException("the storage holds no values for plan " + tier));
  }

  /**
   * Puts a company on another tier, keeping its overrides. Readers of {@link #company} see
   * the new tier as soon as this returns, in every process sharing the storage.
   *
   * @param companyId the company
   * @param tier its new tier
   * @return the company as now stored, or empty when it is unknown (nothing changed)
   */
  Optional<Company> assignPlan(UUID companyId, PlanTier tier);

  /**
   * The workspace with this id (of any company), or empty.
   *
   * @param id the workspace's id
   * @return the workspace, or empty
   */
  Optional<Workspace> workspace(UUID id);

  /**
   * The project with this id (of any company), or empty.
   *
   * @param id the project's id
   * @return the project, or empty
   */
  Optional<Project> project(UUID id);

  /**
   * Stores an API key.
   *
   * @param k the key
   * @throws AlreadyStoredException when its id or its HMAC is taken
   */
  void createKey(ApiKey k);

  /**
   * The key whose HMAC is {@code hmac}, revoked or not, or empty.
   *
   * @param hmac the HMAC of the key's secret
   * @return the key, or empty
   */
  Optional<ApiKey> keyByHmac(Digest hmac);

  /**
   * The key with this id, revoked or not, or empty.
   *
   * @param id the key's id
   * @return the key, or empty
   */
  Optional<ApiKey> key(UUID id);

  /**
   * The keys of a company, revoked or not, oldest first: by {@link ApiKey#createdAt()}, ties by
   * id in the order of their canonical text.
   *
   * @param companyId the company
   * @return its keys
   */
  List<ApiKey> keys(UUID companyId);

  /**
   * Replaces a key: revokes {@code old} as of {@code replacement.createdAt()} and stores {@code
   * replacement}, atomically. Conditional on {@code old} not being revoked: of several
   * concurrent rotations of one key (in any number of processes), exactly one returns true.
   *
   * @param old the id of the key to revoke
   * @param replacement the new key
   * @return false when {@code old} is unknown or already revoked (nothing changed)
   * @throws AlreadyStoredException when the replacement's id or HMAC is taken (nothing
   *     changed, {@code old} stays active)
   */
  boolean rotate(UUID old, ApiKey replacement);

  /**
   * Revokes a key as of {@code when}. Conditional on the key not being revoked yet (by an
   * earlier revocation or a rotation): of several concurrent revocations of one key (in any
   * number of processes), exactly one returns true, and the first revocation time is kept.
   *
   * @param keyId the key to revoke
   * @param when the revocation time
   * @return false when the key is unknown or already revoked (nothing changed)
   */
  boolean revoke(UUID keyId, Instant when);

  /**
   * Notes that a key was used at {@code when} (a later use only moves it forward). A hint for
   * operators, not part of any decision and not readable through this port; callers throttle
   * it, and an adapter MAY keep only the latest time or nothing.
   *
   * @param keyId the key
   * @param when when it was used
   */
  void touch(UUID keyId, Instant when);

  /**
   * Whether the storage answers now, within about 5 seconds (a readiness probe). Never throws;
   * an in-memory directory always answers.
   *
   * @return true when the storage answered
   */
  boolean ping();
}
