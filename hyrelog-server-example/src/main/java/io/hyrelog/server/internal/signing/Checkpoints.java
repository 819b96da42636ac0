package io.hyrelog.server.internal.signing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.log.EventLog;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.VerifiedChains;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.EventStore;
import io.hyrelog.tlog.MissingTileException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed checkpoints of chains at their current head, computed one of two ways:
 * <ul>
 *   <li><b>From the stored tree</b>, when the store keeps one ({@link EventStore#tree()}) that
 *       covers the head: {@link EventLog#checkpoint(String, EventScope, long)} reads {@code
 *       O(log n)} tile hashes and no event. It is signed only when the tree's leaf at the head
 *       is the head event's hash (else 409: the tree and the events disagree). The tiles are
 *       written in the transaction that stores the events they cover, from the hashes the store
 *       sealed, so this vouches that the checkpoint is the tree of the stored chain; it does not
 *       re-hash events ({@code GET /v1/chains/{id}/verify} and the {@code chains.verify} job
 *       do).
 *   <li><b>From a verified chain</b> otherwise (a store without tiles, or a chain whose tree the
 *       back-fill has not reached the head of yet; also when a tile the tree should hold is
 *       missing): {@link VerifiedChains} verifies the chain from seq 1 on its first checkpoint
 *       in this process, read across the hot/archive boundary ({@link Archival#readChain}: a
 *       cold segment answers 409 RESTORE_REQUIRED), and later only the events appended since. A
 *       chain that does not verify is never signed (409).
 * </ul>
 * Signed notes are cached by chain, head seq and key (bounded), so repeated requests at an
 * unchanged head read nothing but the head. Thread-safe.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private final ServerSigning signing;
  private final Cache<Key, String> cache;
  private final VerifiedChains verified;

  private record Key(UUID chain, long seq, int keyId) {}

  public Checkpoints(ServerSigning signing, int maxCached, VerifiedChains verified) {
    this.signing = signing;
    this.cache = Caffeine.newBuilder().maximumSize(maxCached).build();
    this.verified = verified;
  }

  /**
   * The signed note of {@code chain}'s checkpoint at its current head.
   *
   * @param log the region's event log (its store's head and tree)
   * @param archival reads the chain across the hot/archive boundary when it must be verified
   * @throws io.hyrelog.server.internal.ApiException 503 when signing is not configured, 409
   *     CONFLICT when the chain does not verify or its stored tree disagrees with its head
   * @throws io.hyrelog.archive.ColdSegmentException when a verification must read a cold
   *     segment
   */
  public String signedNote(EventLog log, Archival archival, EventScope chain) {
    SigningKeys keys = signing.require();
    EventStore store = log.store();
    Optional<ChainHead> head = store.head(chain);
    long seq = head.map(ChainHead::seq).orElse(0L);
    int keyId = keys.active().verifier().keyId();
    String cached = cache.getIfPresent(new Key(chain.workspaceId(), seq, keyId));
    if (cached != null) {
      return cached;
    }
    ChainCheckpoint cp = fromTree(log, chain, head)
        .orElseGet(() -> fromVerifiedChain(store, archival, chain));
    return signAndCache(keys, keyId, chain, cp);
  }

  /**
   * The signed note of {@code chain}'s checkpoint at tree size {@code size} (at most its head),
   * for a file that must be the same on every download (an export's proofs): from the stored
   * tree when it covers {@code size}, else from the chain verified up to its head; signed only
   * when the checkpoint's head line is the hash of the stored event at seq {@code size}. The
   * same size gives the same note (Ed25519 signatures are deterministic).
   *
   * @param log the region's event log (its store's head and tree)
   * @param archival reads the chain across the hot/archive boundary when it must be verified
   * @param chain the chain
   * @param size the tree size, 1 up to the head
   * @throws io.hyrelog.server.internal.ApiException 503 when signing is not configured, 409
   *     CONFLICT when the chain does not verify or its stored tree disagrees with its events
   * @throws io.hyrelog.BeyondHeadException when {@code size} is beyond the chain's head
   */
  public String signedNoteAt(EventLog log, Archival archival, EventScope chain, long size) {
    SigningKeys keys = signing.require();
    int keyId = keys.active().verifier().keyId();
    String cached = cache.getIfPresent(new Key(chain.workspaceId(), size, keyId));
    if (cached != null) {
      return cached;
    }
    EventStore store = log.store();
    Optional<ChainTree> tree = store.tree();
    ChainCheckpoint cp = null;
    if (tree.isPresent() && tree.get().size(chain) >= size) {
      try {
        cp = log.checkpoint(signing.namespace(), chain, size);
      } catch (MissingTileException e) {
        LOG.warn("chain {}: the stored Merkle tree of size {} lacks a tile ({}); checkpointing"
            + " from the verified chain instead", chain.workspaceId(), size, e.getMessage());
      }
    }
    if (cp == null) {
      ChainCheckpoint atHead = fromVerifiedChain(store, archival, chain);
      cp = atHead.size() == size ? atHead : log.checkpoint(signing.namespace(), chain, size);
    }
    Digest stored;
    try (Stream<AuditEvent> at = archival.readChain(chain, size, size)) {
      stored = at.findFirst().map(AuditEvent::hash).orElse(null);
    }
    if (!cp.head().equals(stored)) {
      throw new ApiException(ErrorCode.CONFLICT, "the chain's stored Merkle tree holds another"
          + " hash at seq " + size + " than its event there, so it is not checkpointed; see GET"
          + " /v1/chains/" + chain.workspaceId() + "/verify");
    }
    return signAndCache(keys, keyId, chain, cp);
  }

  /** Signs {@code cp} with the active key and caches the note by chain, size and key. */
  private String signAndCache(SigningKeys keys, int keyId, EventScope chain,
      ChainCheckpoint cp) {
    String text = cp.toCheckpoint().body();
    String note = new SignedNote(text, List.of(keys.active().sign(text))).format();
    cache.put(new Key(chain.workspaceId(), cp.size(), keyId), note);
    return note;
  }

  /**
   * The checkpoint at {@code head} from the stored tree, or empty when there is no tree, it
   * does not cover the head yet, or a tile it should hold is missing.
   */
  private Optional<ChainCheckpoint> fromTree(EventLog log, EventScope chain,
      Optional<ChainHead> head) {
    Optional<ChainTree> tree = log.store().tree();
    long seq = head.map(ChainHead::seq).orElse(0L);
    if (tree.isEmpty() || tree.get().size(chain) < seq) {
      return Optional.empty(); // a tree only grows: it covers seq for the call below too
    }
    ChainCheckpoint cp;
    try {
      cp = log.checkpoint(signing.namespace(), chain, seq);
    } catch (MissingTileException e) {
      LOG.warn("chain {}: the stored Merkle tree of size {} lacks a tile ({}); checkpointing"
          + " from the verified chain instead", chain.workspaceId(), seq, e.getMessage());
      return Optional.empty();
    }
    if (seq > 0 && !cp.head().equals(head.get().hash())) {
      throw new ApiException(ErrorCode.CONFLICT, "the chain's stored Merkle tree holds another"
          + " hash at seq " + seq + " than its head event, so it is not checkpointed; see GET"
          + " /v1/chains/" + chain.workspaceId() + "/verify");
    }
    return Optional.of(cp);
  }

  private ChainCheckpoint fromVerifiedChain(EventStore store, Archival archival,
      EventScope chain) {
    VerifiedChains.Outcome o = verified.verify(store, archival::readChain, chain);
    VerifiedChains.Prefix p = o.verified().orElseThrow(() -> {
      IntegrityFailure f = o.report().failure().orElseThrow();
      return new ApiException(ErrorCode.CONFLICT, "the chain does not verify (" + f.reason()
          + " at seq " + f.seq() + "), so it is not checkpointed; see GET /v1/chains/"
          + chain.workspaceId() + "/verify");
    });
    return new ChainCheckpoint(signing.namespace(), chain.workspaceId(), p.seq(), p.root(),
        p.hash());
  }
}
