package io.hyrelog.compliance.witness;

import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.SignedNote;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A witness's answer to {@code add-checkpoint} as C2SP tlog-witness defines it: an HTTP status,
 * a content type and a body. The server writes it as is; a log reads it with {@link
 * #parseCosignatures} (200) or {@link #parseConflictSize} (409).
 *
 * @param status what happened
 * @param body the cosignature line(s) for {@link Status#COSIGNED}, the witness's size and a
 *     newline for {@link Status#CONFLICT}, a short reason otherwise (it never repeats input)
 */
public record WitnessResponse(Status status, String body) {
  /** The outcomes of {@code add-checkpoint}, with the spec's HTTP status codes. */
  public enum Status {
    /** 200: cosigned; the body is the witness's cosignature line(s). */
    COSIGNED(200),
    /** 400: malformed request, or an old size above the checkpoint's size. */
    BAD_REQUEST(400),
    /** 403: no valid signature of a key the witness trusts for the origin. */
    FORBIDDEN(403),
    /** 404: the witness does not know the checkpoint's origin. */
    UNKNOWN_LOG(404),
    /** 409: the old size is not the witness's size for the log; the body says its size. */
    CONFLICT(409),
    /**
     * 422: the checkpoint does not extend what the witness cosigned (consistency proof fails,
     * same size with another root, a proof from size 0, or a size-0 checkpoint without the empty
     * root): a fork or a broken log.
     */
    UNPROCESSABLE(422);

    private final int httpStatus;

    Status(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status code.
     *
     * @return the status code
     */
    public int httpStatus() {
      return httpStatus;
    }
  }

  /**
   * Validates the response.
   *
   * @param status what happened
   * @param body the cosignature line(s) for {@link Status#COSIGNED}, the witness's size and a
   *     newline for {@link Status#CONFLICT}, a short reason otherwise (it never repeats input)
   */
  public WitnessResponse {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(body, "body");
  }

  /**
   * The HTTP status code.
   *
   * @return the status code
   */
  public int httpStatus() {
    return status.httpStatus();
  }

  /**
   * The body's content type: {@code text/x.tlog.size} for a conflict, plain text otherwise.
   *
   * @return the content type
   */
  public String contentType() {
    return status == Status.CONFLICT ? "text/x.tlog.size" : "text/plain; charset=utf-8";
  }

  static WitnessResponse cosigned(Cosignature c) {
    return new WitnessResponse(Status.COSIGNED, c.line());
  }

  static WitnessResponse conflict(long size) {
    return new WitnessResponse(Status.CONFLICT, size + "\n");
  }

  static WitnessResponse refused(Status status, String reason) {
    return new WitnessResponse(status, reason + "\n");
  }

  /**
   * The cosignatures in a 200 response body, verified: the body's signature lines are appended
   * to the checkpoint and checked as a signed note against the trusted cosigners, as the spec
   * suggests; lines of unknown keys are ignored.
   *
   * @param checkpointBody the note text of the checkpoint that was submitted
   * @param responseBody the response body
   * @param trusted the trusted cosigners
   * @return at least one cosignature
   * @throws InvalidSignatureException when no line is a valid cosignature of a trusted cosigner,
   *     or a trusted cosigner's line does not verify
   * @throws HyrelogException when the body is not a sequence of note signature lines
   */
  public static List<Cosignature> parseCosignatures(String responseBody, String checkpointBody,
      Collection<CosignatureVerifier> trusted) {
    Objects.requireNonNull(responseBody, "responseBody");
    Objects.requireNonNull(checkpointBody, "checkpointBody");
    SignedNote note;
    try {
      note = SignedNote.parse(checkpointBody + "\n" + responseBody);
    } catch (MalformedNoteException e) {
      throw new HyrelogException("the witness response is not a list of signature lines: "
          + e.getMessage(), e);
    }
    if (!note.text().equals(checkpointBody)) {
      throw new HyrelogException("the witness response is not a list of signature lines");
    }
    List<Cosignature> found = CosignatureVerifier.findAll(note, trusted);
    if (found.isEmpty()) {
      throw new InvalidSignatureException(SignatureFailure.UNTRUSTED_SIGNER,
          "the witness response has no cosignature of a trusted"
          + " witness key");
    }
    return found;
  }

  /**
   * The witness's size in a 409 response body ({@code <decimal>\n}): send the request again from
   * that size.
   *
   * @param responseBody the response body
   * @return the size
   * @throws HyrelogException when the body is not a size
   */
  public static long parseConflictSize(String responseBody) {
    Objects.requireNonNull(responseBody, "responseBody");
    if (!responseBody.endsWith("\n") || responseBody.length() > 21) {
      throw new HyrelogException("a witness conflict body is a size and a newline");
    }
    try {
      return AddCheckpointRequest.parseSize(responseBody.substring(0, responseBody.length() - 1));
    } catch (MalformedWitnessRequestException e) {
      throw new HyrelogException("a witness conflict body is a size and a newline", e);
    }
  }
}
