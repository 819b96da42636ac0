package io.hyrelog.compliance.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The primitives both formats share: AES-256-GCM, HKDF-SHA256 and the key check value. */
final class Crypto {
  static final int TAG_BYTES = 16;
  static final int KEY_CHECK_BYTES = 16;

  private Crypto() {}

  static Cipher gcm(int mode, SecretKey key, byte[] nonce) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** HKDF-SHA256 (RFC 5869) with a 32-byte output. */
  static SecretKey hkdf(byte[] ikm, byte[] salt, String info) {
    byte[] prk = hmac(salt, ikm);
    byte[] okm = hmac(prk, info.getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    Arrays.fill(prk, (byte) 0);
    return new SecretKeySpec(okm, "AES");
  }

  /**
   * A 16-byte value that tells a wrong key from a tampered file (and commits the file to its
   * key): HMAC-SHA256(key, label || context), truncated. It reveals nothing usable about the key.
   */
  static byte[] keyCheck(ExportKey key, String label, byte[] context) {
    byte[] m = key.material();
    try {
      return Arrays.copyOf(hmac(m, label.getBytes(StandardCharsets.US_ASCII), context),
          KEY_CHECK_BYTES);
    } finally {
      Arrays.fill(m, (byte) 0);
    }
  }

  static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
