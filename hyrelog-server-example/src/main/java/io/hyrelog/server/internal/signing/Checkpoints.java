package io.hyrelog.server.internal.signing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.ChainHead;
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
import io.hyrelog.spi.EventStore;
import java.util.List;
import java.util.UUID;

/**
 * Signed checkpoints of chains at their current head. The Merkle root covers the whole chain
 * and comes from {@link VerifiedChains}: the first checkpoint of a chain in this process
 * verifies it from seq 1, read across the hot/archive boundary ({@link Archival#readChain}, so
 * a checkpoint still works after retention purged the chain's first events — a cold segment
 * answers 409 RESTORE_REQUIRED); later ones verify and add only the events appended since, to
 * the remembered Merkle frontier. A chain that does not verify is never signed (409). Signed
 * notes are cached by chain and head seq (bounded), so repeated requests at an unchanged head
 * read nothing but the head. Thread-safe.
 */
public final class Checkpoints {
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
   * @throws io.hyrelog.server.internal.ApiException 503 when signing is not configured, 409
   *     CONFLICT when the chain does not verify
   * @throws io.hyrelog.archive.ColdSegmentException when a purged range's segment is cold
   */
  public String signedNote(EventStore store, Archival archival, EventScope chain) {
    long seq = store.head(chain).map(ChainHead::seq).orElse(0L);
    return signedNote(store, archival, null, chain, seq);
  }

  /**
   * The signed note of {@code chain}'s checkpoint at tree size {@code size} (at most its head):
   * signed only after the chain verified up to its head, like {@link #signedNote(EventStore,
   * Archival, EventScope)}; below the verified head its root and head hash come from the stored
   * tree ({@link EventLog#checkpoint(String, EventScope, long)}). The same size gives the same
   * note (Ed25519 signatures are deterministic), so an export's proofs are the same on every
   * download.
   *
   * @throws io.hyrelog.server.internal.ApiException 503 when signing is not configured, 409
   *     CONFLICT when the chain does not verify
   * @throws io.hyrelog.BeyondHeadException when {@code size} is beyond the chain's head
   */
  public String signedNoteAt(EventStore store, Archival archival, EventLog log,
      EventScope chain, long size) {
    return signedNote(store, archival, log, chain, size);
  }

  private String signedNote(EventStore store, Archival archival, EventLog logOrNull,
      EventScope chain, long size) {
    SigningKeys keys = signing.require();
    int keyId = keys.active().verifier().keyId();
    String cached = cache.getIfPresent(new Key(chain.workspaceId(), size, keyId));
    if (cached != null) {
      return cached;
    }
    VerifiedChains.Outcome o = verified.verify(store, archival::readChain, chain);
    VerifiedChains.Prefix p = o.verified().orElseThrow(() -> {
      IntegrityFailure f = o.report().failure().orElseThrow();
      return new ApiException(ErrorCode.CONFLICT, "the chain does not verify (" + f.reason()
          + " at seq " + f.seq() + "), so it is not checkpointed; see GET /v1/chains/"
          + chain.workspaceId() + "/verify");
    });
    ChainCheckpoint cp = logOrNull == null || p.seq() == size
        ? new ChainCheckpoint(signing.namespace(), chain.workspaceId(), p.seq(), p.root(),
            p.hash())
        : logOrNull.checkpoint(signing.namespace(), chain, size);
    String text = cp.toCheckpoint().body();
    String note = new SignedNote(text, List.of(keys.active().sign(text))).format();
    cache.put(new Key(chain.workspaceId(), cp.size(), keyId), note);
    return note;
  }
}
