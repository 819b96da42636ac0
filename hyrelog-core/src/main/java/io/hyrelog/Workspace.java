package io.hyrelog;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * A workspace of a company. Each workspace has exactly one event chain.
 *
 * <p>Every company also has one reserved <em>system workspace</em> ({@link #systemId}): its
 * chain is HyreLog's own tamper-evident record of the company's administration (key and
 * webhook management, dashboard actions). Only the server writes to it; it takes no API keys
 * and is not listed among the company's workspaces, but it is read, exported and verified like
 * any other chain.
 *
 * @param id the workspace's id, which is also its chain's id
 * @param companyId the company it belongs to
 * @param name the workspace's display name
 */
public record Workspace(UUID id, UUID companyId, String name) {
  /**
   * Validates the workspace.
   *
   * @param id the workspace's id, which is also its chain's id
   * @param companyId the company it belongs to
   * @param name the workspace's display name
   */
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    name = Names.requireName("workspace name", name);
  }

  /** The display name of every system workspace. */
  public static final String SYSTEM_NAME = "HyreLog system";

  /**
   * The id of {@code companyId}'s system workspace (and chain): the name-based UUID (version 3,
   * as {@link UUID#nameUUIDFromBytes} computes it) of the UTF-8 bytes of {@code
   * hyrelog-system:<companyId>}, so anyone can derive it offline. Random (version 4 or 7) ids
   * of ordinary workspaces never equal it.
   *
   * @param companyId the company
   * @return its system workspace's id
   */
  public static UUID systemId(UUID companyId) {
    Objects.requireNonNull(companyId, "companyId");
    return UUID.nameUUIDFromBytes(("hyrelog-system:" + companyId)
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The system workspace of a company.
   *
   * @param companyId the company
   * @return the workspace with id {@link #systemId(UUID)} and name {@link #SYSTEM_NAME}
   */
  public static Workspace system(UUID companyId) {
    return new Workspace(systemId(companyId), companyId, SYSTEM_NAME);
  }

  /**
   * Whether this is its company's system workspace.
   *
   * @return true when the id is {@link #systemId(UUID) systemId(companyId)}
   */
  public boolean isSystem() {
    return id.equals(systemId(companyId));
  }
}
