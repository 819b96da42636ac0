package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A checkpoint of one HyreLog chain: a {@link Checkpoint} whose origin is {@code
 * <namespace>/chains/<workspaceId>} and whose one extension line is {@code hyrelog-head <hex>},
 * the hash of the event at seq {@code size} (64 zeros for an empty chain). The root is the RFC
 * 9162 Merkle root over the event hashes of seqs 1..size.
 *
 * @param namespace the deployment's log namespace, e.g. {@code audit.example.com}; no spaces,
 *     no {@code +}
 * @param chainId the chain, which is its workspace's id
 * @param size the chain's number of events, which is the tree's number of leaves
 * @param root the RFC 9162 Merkle root over the events of seqs 1..size
 * @param head the hash of the event at seq {@code size}; 64 zeros for an empty chain
 */
public record ChainCheckpoint(String namespace, UUID chainId, long size, Digest root,
    Digest head) {
  private static final String CHAINS = "/chains/";
  private static final String HEAD = "hyrelog-head ";

  /**
   * Validates the checkpoint.
   *
   * @param namespace the deployment's log namespace, e.g. {@code audit.example.com}; no spaces,
   *     no {@code +}
   * @param chainId the chain, which is its workspace's id
   * @param size the chain's number of events, which is the tree's number of leaves
   * @param root the RFC 9162 Merkle root over the events of seqs 1..size
   * @param head the hash of the event at seq {@code size}; 64 zeros for an empty chain
   */
  public ChainCheckpoint {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isEmpty() || namespace.chars().anyMatch(c -> c <= 0x20 || c == '+')) {
      throw new IllegalArgumentException(
          "a checkpoint namespace is non-empty, without spaces, control characters or '+'");
    }
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(head, "head");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
  }

  /**
   * The log origin: {@code <namespace>/chains/<chainId>}.
   *
   * @return the origin line
   */
  public String origin() {
    return namespace + CHAINS + chainId;
  }

  /**
   * As a C2SP checkpoint.
   *
   * @return the checkpoint, with the head hash as its extension line
   */
  public Checkpoint toCheckpoint() {
    return new Checkpoint(origin(), size, root, List.of(HEAD + head.hex()));
  }

  /**
   * Opens a signed chain checkpoint of the log that {@code logKeys} sign: parses {@code note},
   * verifies it against those keys ({@link SignedNote#verify}) and requires its origin's
   * namespace to be the name of a key whose signature verified. A HyreLog log signs its chains'
   * checkpoints under its own name ({@code <key name>/chains/<workspaceId>}), so a key trusted
   * for one log cannot vouch for the chains of another. This is the entry point for reading a
   * chain checkpoint from outside.
   *
   * @param logKeys the keys of the one log expected (active and retired), never keys of another
   *     role such as countersigners
   * @param note the signed note's text
   * @return the verified checkpoint
   * @throws MalformedNoteException when {@code note} is not a well-formed signed note
   * @throws InvalidSignatureException when no key of {@code logKeys} signed it, a signature of
   *     one does not verify, or the origin names another log than the keys that signed it
   * @throws MalformedCheckpointException when the signed text is not a chain checkpoint
   */
  public static ChainCheckpoint verifyNote(String note, Collection<NoteVerifier> logKeys) {
    SignedNote signed = SignedNote.parse(note);
    List<NoteVerifier> signers = signed.verify(logKeys);
    ChainCheckpoint cp = from(Checkpoint.parse(signed.text()));
    if (signers.stream().noneMatch(v -> v.name().equals(cp.namespace()))) {
      StringBuilder names = new StringBuilder();
      for (NoteVerifier v : signers) {
        names.append(names.length() == 0 ? "" : ", ").append(v.name());
      }
      throw new InvalidSignatureException(SignatureFailure.UNTRUSTED_SIGNER,
          "checkpoint origin namespace " + cp.namespace()
          + " is not the name of the key that signed it (" + names + "): a key signs the"
          + " checkpoints of its own log only");
    }
    return cp;
  }

  /**
   * Reads a chain checkpoint.
   *
   * @param c a checkpoint whose origin names a chain
   * @return the chain checkpoint
   * @throws MalformedCheckpointException when the origin or the head line is not HyreLog's
   */
  public static ChainCheckpoint from(Checkpoint c) {
    int at = c.origin().lastIndexOf(CHAINS);
    if (at <= 0) {
      throw new MalformedCheckpointException(
          "origin is not a HyreLog chain (<namespace>/chains/<workspaceId>)");
    }
    UUID chain;
    String id = c.origin().substring(at + CHAINS.length());
    try {
      chain = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new MalformedCheckpointException("origin does not end in a workspace id");
    }
    if (!chain.toString().equals(id)) {
      throw new MalformedCheckpointException("origin does not end in a lowercase workspace id");
    }
    Digest head = null;
    for (String ext : c.extensions()) {
      if (ext.startsWith(HEAD)) {
        if (head != null) {
          throw new MalformedCheckpointException("more than one hyrelog-head line");
        }
        try {
          head = Digest.parseHex(ext.substring(HEAD.length()));
        } catch (IllegalArgumentException e) {
          throw new MalformedCheckpointException("hyrelog-head is not 64 lowercase hex digits");
        }
      }
    }
    if (head == null) {
      throw new MalformedCheckpointException("no hyrelog-head line");
    }
    return new ChainCheckpoint(c.origin().substring(0, at), chain, c.size(), c.root(), head);
  }
}
