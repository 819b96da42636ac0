package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * KMS envelope encryption of a package: a random 256-bit data key encrypts the package with
 * AES-256-GCM (96-bit random IV, 128-bit tag, the bundle id as associated data) into {@code
 * <bundleId>.zip.enc}; the data key, wrapped by a master key ({@link KeyWrapper}), and
 * everything needed to decrypt go to {@code <bundleId>.envelope.json}:
 *
 * <pre>{@code
 * {"version":1, "bundle_id", "algorithm":"AES-256-GCM", "key_id", "key_wrap_algorithm",
 *  "wrapped_key", "iv", "tag", "aad":"bundle id", "ciphertext_file", "ciphertext_size",
 *  "plaintext_sha256", "kms_receipt"}
 * }</pre>
 *
 * <p>Both files are created {@code 0600}. Encryption streams. Decryption ({@link #open}) uses the JDK's GCM, which releases no
 * plaintext before the tag verified, and so holds the package in memory: bundles are meant to
 * be opened on a machine with room for one.
 */
public final class EvidenceEnvelope {
  /** The envelope's cipher. */
  public static final String ALGORITHM = "AES-256-GCM";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int TAG_BYTES = 16;

  private EvidenceEnvelope() {}

  /**
   * The envelope file's name.
   *
   * @param bundleId the bundle's id
   * @return {@code <bundleId>.envelope.json}
   */
  public static String envelopeName(UUID bundleId) {
    return bundleId + ".envelope.json";
  }

  /**
   * The encrypted package's file name.
   *
   * @param bundleId the bundle's id
   * @return {@code <bundleId>.zip.enc}
   */
  public static String ciphertextName(UUID bundleId) {
    return bundleId + ".zip.enc";
  }

  /** What {@link #seal} wrote. */
  public record Sealed(Path envelope, Path ciphertext, KeyWrapper.WrappedKey key) {}

  /**
   * Encrypts {@code pkg} into {@code directory}.
   *
   * @param bundleId the bundle's id
   * @param pkg the package
   * @param directory where to write the envelope and the ciphertext
   * @param wrapper wraps the data key
   * @param random the randomness for the data key and IV
   * @return the files written
   * @throws EvidenceException when the key cannot be wrapped or a file cannot be written
   */
  public static Sealed seal(UUID bundleId, Path pkg, Path directory, KeyWrapper wrapper,
      SecureRandom random) {
    Objects.requireNonNull(wrapper, "wrapper");
    byte[] dataKey = new byte[32];
    byte[] iv = new byte[12];
    random.nextBytes(dataKey);
    random.nextBytes(iv);
    Path enc = directory.resolve(ciphertextName(bundleId));
    Path env = directory.resolve(envelopeName(bundleId));
    try {
      KeyWrapper.WrappedKey wrapped = wrapper.wrap(bundleId, dataKey);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, iv));
      c.updateAAD(bundleId.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      MessageDigest sha = Digest.newSha256();
      byte[] tag = new byte[TAG_BYTES];
      long ctSize;
      try (StagedFile staged = StagedFile.create(enc, FileMode.PRIVATE)) {
        try (InputStream in = new DigestInputStream(new BufferedInputStream(
            Files.newInputStream(pkg), 1 << 16), sha);
            OutputStream out = new CipherOutputStream(staged.outputStream(), c)) {
          in.transferTo(out);
        }
        // GCM appends the tag; it is kept in the envelope, the file holds the ciphertext alone.
        FileChannel ch = staged.channel();
        ctSize = ch.size() - TAG_BYTES;
        ch.read(java.nio.ByteBuffer.wrap(tag), ctSize);
        ch.truncate(ctSize);
        staged.publish();
      }
      ObjectNode n = MAPPER.createObjectNode();
      n.put("version", 1);
      n.put("bundle_id", bundleId.toString());
      n.put("algorithm", ALGORITHM);
      n.put("key_id", wrapped.keyId());
      n.put("key_wrap_algorithm", wrapped.algorithm());
      n.put("wrapped_key", wrapped.wrappedKeyBase64());
      n.put("iv", Base64.getEncoder().encodeToString(iv));
      n.put("tag", Base64.getEncoder().encodeToString(tag));
      n.put("aad", bundleId.toString());
      n.put("ciphertext_file", enc.getFileName().toString());
      n.put("ciphertext_size", ctSize);
      n.put("plaintext_sha256", Digest.finish(sha).hex());
      if (wrapped.receipt() != null) {
        n.set("kms_receipt", receiptNode(wrapped.receipt()));
      } else {
        n.putNull("kms_receipt");
      }
      StagedFile.writeNew(env, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n),
          FileMode.PRIVATE);
      return new Sealed(env, enc, wrapped);
    } catch (IOException e) {
      throw new EvidenceException("cannot write the envelope of bundle " + bundleId + " ("
          + e + ")", e);
    } catch (GeneralSecurityException e) {
      throw new EvidenceException("AES-256-GCM is not available (" + e + ")", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * Decrypts the package an envelope describes into {@code target}; nothing is written unless
   * the tag verifies and the plaintext has the recorded SHA-256.
   *
   * @param envelope the envelope file
   * @param master the master key
   * @param target the file to write
   * @throws EvidenceException when the envelope, key or ciphertext was tampered with
   */
  public static void open(Path envelope, AesKeyWrapper master, Path target) {
    JsonNode n;
    try {
      n = MAPPER.readTree(envelope.toFile());
    } catch (IOException e) {
      throw new EvidenceException("cannot read envelope " + envelope.getFileName());
    }
    if (n == null || n.path("version").asInt() != 1
        || !ALGORITHM.equals(n.path("algorithm").asText())) {
      throw new EvidenceException(envelope.getFileName() + " is not a version 1 "
          + ALGORITHM + " envelope");
    }
    byte[] dataKey = master.unwrap(new KeyWrapper.WrappedKey(n.path("key_id").asText(),
        n.path("key_wrap_algorithm").asText(), n.path("wrapped_key").asText(), null));
    Path enc = envelope.resolveSibling(n.path("ciphertext_file").asText());
    if (!enc.getParent().equals(envelope.getParent()) || enc.getFileName().toString()
        .contains("/")) {
      throw new EvidenceException("the envelope names a ciphertext outside its directory");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"),
          new GCMParameterSpec(TAG_BYTES * 8, Base64.getDecoder().decode(n.path("iv").asText())));
      c.updateAAD(n.path("aad").asText().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(enc)) {
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          c.update(buf, 0, r); // GCM decryption releases nothing before doFinal
        }
      }
      byte[] plain = c.doFinal(Base64.getDecoder().decode(n.path("tag").asText()));
      if (!Digest.sha256(plain).hex().equals(n.path("plaintext_sha256").asText())) {
        throw new EvidenceException("the decrypted package does not have the recorded SHA-256");
      }
      StagedFile.writeNew(target, plain, FileMode.PRIVATE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new EvidenceException("the envelope's ciphertext, tag, iv or bundle id was tampered"
          + " with (GCM tag mismatch); nothing was decrypted");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new EvidenceException("the envelope cannot be decrypted (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new EvidenceException("cannot decrypt " + enc.getFileName() + " (" + e + ")", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private static JsonNode receiptNode(String receipt) {
    try {
      return MAPPER.readTree(receipt);
    } catch (IOException e) {
      return MAPPER.getNodeFactory().textNode(receipt);
    }
  }
}
