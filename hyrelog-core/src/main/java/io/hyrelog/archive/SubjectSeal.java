package io.hyrelog.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.EventJson;
import io.hyrelog.Jcs;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.PersonalField;
import io.hyrelog.Salt;
import io.hyrelog.spi.SubjectKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Crypto-shredding of an archived event's personal values ({@code docs/format.md} §11): each
 * disclosed value and its salt are sealed with AES-256-GCM under an event key derived with
 * HKDF-SHA256 from the keys of all the event's data subjects, so destroying any one subject's
 * key makes every personal value of the event unreadable, while the commitments the hash covers
 * stay in clear and the event verifies without any key.
 *
 * <pre>
 * ikm       = material of each subject key, in ascending order of the key ids' text
 * eventKey  = HKDF-SHA256(salt = "hyrelog/subject-seal/v1", ikm,
 *                         info = chainId || 0x0A || seq, L = 32)
 * aad       = "hyrelog/subject-seal/v1" || 0x0A || chainId || 0x0A || seq || 0x0A || pointer
 * nonce     = first 12 bytes of SHA-256(aad)
 * plaintext = salt (16 bytes) || JCS(value)         so SHA-256(plaintext) is the commitment
 * sealed    = base64(AES-256-GCM(eventKey, nonce, plaintext, aad))   ciphertext || 16-byte tag
 * </pre>
 *
 * <p>chainId is the lowercase UUID text, seq its decimal digits, all UTF-8. The nonce is
 * deterministic: the event key is unique to the chain, seq and subject keys, and the pointer is
 * unique within the event, so a (key, nonce) pair only ever seals the same plaintext again
 * (re-archiving the same event), which produces the same bytes. Stateless and thread-safe.
 */
public final class SubjectSeal {
  /** The domain separation label of format version 1 of sealed values. */
  public static final String LABEL = "hyrelog/subject-seal/v1";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Comparator<SubjectKey> BY_ID_TEXT =
      Comparator.comparing(k -> k.id().toString());

  private SubjectSeal() {}

  /**
   * The data subjects of an event: its actor id, its actor email and the value of each disclosed
   * personal metadata key (a string as itself, another JSON value as its JCS text), each only
   * when it can name a {@link DataSubject} (1..{@value DataSubject#MAX_VALUE} characters).
   *
   * @param e the event
   * @return the subjects, possibly none
   */
  public static Set<DataSubject> subjects(AuditEvent e) {
    Set<DataSubject> out = new LinkedHashSet<>();
    if (e.actor() != null) {
      addIfValid(out, e.actor().id(), DataSubject::actorId);
      addIfValid(out, e.actor().email(), DataSubject::actorEmail);
    }
    for (Map.Entry<String, PersonalField> p : e.personal().entrySet()) {
      String path = p.getKey();
      if (!path.startsWith("/metadata/") || p.getValue().erased()) {
        continue;
      }
      String key = unescape(path.substring("/metadata/".length()));
      JsonNode v = e.metadata().toNode().get(key);
      if (v == null || key.length() > DataSubject.MAX_KEY) {
        continue;
      }
      String value = v.isTextual() ? v.textValue()
          : new String(Jcs.canonicalize(v), StandardCharsets.UTF_8);
      addIfValid(out, value, s -> DataSubject.metadata(key, s));
    }
    return out;
  }

  private static void addIfValid(Set<DataSubject> out, String value,
      Function<String, DataSubject> subject) {
    if (value != null && !value.isEmpty() && value.length() <= DataSubject.MAX_VALUE) {
      out.add(subject.apply(value));
    }
  }

  /**
   * Whether the event holds a personal value that archival seals.
   *
   * @param e the event
   * @return true when a personal field is disclosed
   */
  public static boolean hasDisclosedValues(AuditEvent e) {
    return e.personal().values().stream().anyMatch(f -> !f.erased());
  }

  /**
   * The archived JSON form of {@code e}: every disclosed personal value removed from its place
   * and its entry in {@code personal} replaced by {@code {"commitment", "sealed"}}; already
   * erased fields stay erased; {@code subjectKeys} names the keys. The hash is unchanged.
   *
   * @param e an event with at least one disclosed personal value
   * @param keys the keys of all its subjects (any order), at least one
   * @return the JSON form to write into the segment
   */
  public static ObjectNode seal(AuditEvent e, List<SubjectKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("sealing needs at least one subject key");
    }
    List<SubjectKey> sorted = keys.stream().sorted(BY_ID_TEXT).toList();
    ObjectNode clear = EventJson.toTree(e);
    ObjectNode out = EventJson.toTree(e.erasePersonalData());
    ObjectNode personal = (ObjectNode) out.get("personal");
    byte[] eventKey = eventKey(sorted, e.chainId(), e.seq());
    try {
      for (Map.Entry<String, PersonalField> p : e.personal().entrySet()) {
        if (p.getValue().erased()) {
          continue;
        }
        String path = p.getKey();
        byte[] value = Jcs.canonicalize(PersonalDataPolicy.valueAt(clear, path));
        byte[] salt = p.getValue().salt().bytes();
        byte[] plain = new byte[salt.length + value.length];
        System.arraycopy(salt, 0, plain, 0, salt.length);
        System.arraycopy(value, 0, plain, salt.length, value.length);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, eventKey, aad(e.chainId(), e.seq(), path),
            plain);
        Arrays.fill(plain, (byte) 0);
        ObjectNode entry = personal.putObject(path);
        entry.put("commitment", p.getValue().commitment().hex());
        entry.put("sealed", Base64.getEncoder().encodeToString(sealed));
      }
    } catch (AEADBadTagException x) {
      throw new IllegalStateException("AES-GCM failed to seal", x);
    } finally {
      Arrays.fill(eventKey, (byte) 0);
    }
    ArrayNode ids = out.putArray(EventJson.SUBJECT_KEYS);
    sorted.forEach(k -> ids.add(k.id().toString()));
    return out;
  }

  /**
   * Opens the sealed values of an archived event's JSON form (one {@link EventJson#fromTree}
   * accepted): where every named key exists, each sealed value is put back in its place with
   * its salt disclosed; where one does not (destroyed), the fields read as erased. A form
   * without sealed values is returned as it is.
   *
   * @param tree the archived JSON form (not modified)
   * @param keys looks up a key by id; empty when it is destroyed or unknown
   * @return the JSON form with values disclosed or erased, without {@code subjectKeys}
   * @throws SealedValueException when a value does not open under existing keys, or its
   *     opened bytes do not match the commitment
   */
  public static ObjectNode open(ObjectNode tree, Function<UUID, Optional<SubjectKey>> keys) {
    JsonNode ids = tree.get(EventJson.SUBJECT_KEYS);
    if (ids == null) {
      return tree;
    }
    ObjectNode out = tree.deepCopy();
    out.remove(EventJson.SUBJECT_KEYS);
    UUID chain = UUID.fromString(out.get("workspaceId").textValue());
    long seq = out.get("seq").longValue();
    List<SubjectKey> found = new ArrayList<>();
    for (JsonNode id : ids) {
      Optional<SubjectKey> k = keys.apply(UUID.fromString(id.textValue()));
      if (k.isEmpty()) {
        found = null;
        break;
      }
      found.add(k.get());
    }
    ObjectNode personal = (ObjectNode) out.get("personal");
    List<String> sealedPaths = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = personal.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (p.getValue().has("sealed")) {
        sealedPaths.add(p.getKey());
      }
    }
    byte[] eventKey = found == null ? null : eventKey(found, chain, seq);
    try {
      for (String path : sealedPaths) {
        ObjectNode entry = (ObjectNode) personal.get(path);
        String commitment = entry.get("commitment").textValue();
        byte[] sealed = Base64.getDecoder().decode(entry.remove("sealed").textValue());
        if (eventKey == null) {
          entry.put("erased", true);
          continue;
        }
        byte[] plain;
        try {
          plain = crypt(Cipher.DECRYPT_MODE, eventKey, aad(chain, seq, path), sealed);
        } catch (AEADBadTagException x) {
          throw new SealedValueException("the sealed value of " + path + " in chain " + chain
              + " seq " + seq + " does not open under its subject keys: the ciphertext, the key"
              + " ids or the event's position were changed");
        }
        if (!Digest.sha256(plain).hex().equals(commitment)) {
          throw new SealedValueException("the sealed value of " + path + " in chain " + chain
              + " seq " + seq + " opens to bytes that do not match its commitment");
        }
        JsonNode value;
        try {
          value = Jcs.parse(Arrays.copyOfRange(plain, Salt.LENGTH, plain.length));
        } catch (RuntimeException x) {
          throw new SealedValueException("the sealed value of " + path + " in chain " + chain
              + " seq " + seq + " is not JSON");
        } finally {
          Arrays.fill(plain, Salt.LENGTH, plain.length, (byte) 0);
        }
        entry.put("salt", Salt.of(Arrays.copyOf(plain, Salt.LENGTH)).hex());
        placeValue(out, path, value);
      }
    } finally {
      if (eventKey != null) {
        Arrays.fill(eventKey, (byte) 0);
      }
    }
    return out;
  }

  /**
   * The event key: HKDF-SHA256 (RFC 5869) with salt {@value #LABEL}, the subject keys'
   * material in ascending order of their ids' text as input keying material, info {@code
   * chainId || 0x0A || seq}, 32 bytes.
   *
   * @param keys the event's subject keys (any order)
   * @param chainId the event's chain
   * @param seq the event's seq
   * @return the 32-byte key (the caller clears it)
   */
  public static byte[] eventKey(List<SubjectKey> keys, UUID chainId, long seq) {
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(LABEL.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      for (SubjectKey k : keys.stream().sorted(BY_ID_TEXT).toList()) {
        byte[] m = k.material();
        extract.update(m);
        Arrays.fill(m, (byte) 0);
      }
      byte[] prk = extract.doFinal();
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(prk, "HmacSHA256"));
      Arrays.fill(prk, (byte) 0);
      expand.update((chainId + "\n" + seq).getBytes(StandardCharsets.UTF_8));
      expand.update((byte) 1);
      return expand.doFinal(); // one block: L = 32
    } catch (GeneralSecurityException x) {
      throw new IllegalStateException("HMAC-SHA256 is not available", x);
    }
  }

  /**
   * A subject's keyed reference: {@code HMAC-SHA256(pepper, UTF-8 of subject.canonical())}. Key
   * stores keep subjects only in this form, so their tables hold no personal value; the
   * per-company pepper keeps references of two companies apart and unguessable without it.
   *
   * @param pepper the company's random pepper (at least 16 bytes)
   * @param subject the subject
   * @return the 32-byte reference
   */
  public static byte[] reference(byte[] pepper, DataSubject subject) {
    if (pepper.length < 16) {
      throw new IllegalArgumentException("a pepper must have at least 16 bytes, got "
          + pepper.length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
      return mac.doFinal(subject.canonical().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException x) {
      throw new IllegalStateException("HMAC-SHA256 is not available", x);
    }
  }

  /**
   * The associated data of one sealed value.
   *
   * @param chainId the event's chain
   * @param seq the event's seq
   * @param pointer the personal field's JSON Pointer
   * @return {@code LABEL \n chainId \n seq \n pointer} in UTF-8
   */
  public static byte[] aad(UUID chainId, long seq, String pointer) {
    return (LABEL + "\n" + chainId + "\n" + seq + "\n" + pointer)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] crypt(int mode, byte[] key, byte[] aad, byte[] input)
      throws AEADBadTagException {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      byte[] nonce = Arrays.copyOf(Digest.sha256(aad).bytes(), NONCE_BYTES);
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return c.doFinal(input);
    } catch (AEADBadTagException x) {
      throw x;
    } catch (GeneralSecurityException x) {
      throw new IllegalStateException("AES-GCM is not available", x);
    }
  }

  private static void placeValue(ObjectNode event, String path, JsonNode value) {
    int slash = path.indexOf('/', 1);
    String parent = path.substring(1, slash);
    JsonNode p = event.get(parent);
    ObjectNode obj = p instanceof ObjectNode o ? o : event.putObject(parent);
    obj.set(unescape(path.substring(slash + 1)), value);
  }

  private static String unescape(String segment) {
    return segment.indexOf('~') < 0 ? segment : segment.replace("~1", "/").replace("~0", "~");
  }
}
