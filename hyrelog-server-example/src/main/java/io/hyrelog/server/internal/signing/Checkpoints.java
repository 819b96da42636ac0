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
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.VerifiedChains;
import io.hyrelog.spi.EventStore;
import java.util.List;
import java.util.Optional;
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
    SigningKeys keys = signing.require();
    Optional<ChainHead> head = store.head(chain);
    long seq = head.map(ChainHead::seq).orElse(0L);
    int keyId = keys.active().verifier().keyId();
    String cached = cache.getIfPresent(new Key(chain.workspaceId(), seq, keyId));
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
    ChainCheckpoint cp = new ChainCheckpoint(signing.namespace(), chain.workspaceId(), p.seq(),
        p.root(), p.hash());
    String text = cp.toCheckpoint().body();
    String note = new SignedNote(text, List.of(keys.active().sign(text))).format();
    cache.put(new Key(chain.workspaceId(), p.seq(), keyId), note);
    return note;
  }
}
