package io.hyrelog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.InvalidJsonException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Strict I-JSON reading for {@link Jcs}: a Jackson tree, checking every rule Jackson does not. */
final class JcsReader {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      // Lets NaN and Infinity through as number tokens, so they are rejected by name, not as typos.
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      // Depth is checked here, with its own reason; the input size is the caller's limit.
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(Jcs.MAX_DEPTH + 1)
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .build())
      .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JcsReader() {}

  /** One I-JSON value from UTF-8 bytes; {@code maxDepth} is already checked. */
  static JsonNode parse(byte[] utf8, int maxDepth) {
    Utf8.checkEncoding(utf8);
    try (JsonParser parser = FACTORY.createParser(utf8)) {
      return new TreeReader(parser, maxDepth).document();
    } catch (InvalidJsonException e) {
      throw e.reason() == Reason.SYNTAX ? refine(e, utf8, maxDepth) : e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  /** One I-JSON value from text, nested at most {@link Jcs#MAX_DEPTH} deep. */
  static JsonNode parse(String json) {
    if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
      throw new InvalidJsonException(Reason.SYNTAX, "byte order mark", 1, 1);
    }
    try (JsonParser parser = FACTORY.createParser(json)) {
      return new TreeReader(parser, Jcs.MAX_DEPTH).document();
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  /**
   * Jackson's byte parser rejects an escaped unpaired surrogate in a key as malformed JSON, where
   * its char parser decodes it and lets the surrogate check name it. Reading the text again, on
   * this error path only, gives the precise reason at the byte parser's location.
   */
  private static InvalidJsonException refine(
      InvalidJsonException syntax, byte[] utf8, int maxDepth) {
    try (JsonParser parser = FACTORY.createParser(new String(utf8, StandardCharsets.UTF_8))) {
      new TreeReader(parser, maxDepth).document();
    } catch (InvalidJsonException e) {
      if (e.reason() != Reason.SYNTAX) {
        return e.at(syntax.line(), syntax.column());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
    return syntax;
  }

  /** Builds a tree from a parser, checking every I-JSON rule that Jackson does not. */
  private static final class TreeReader {
    private final JsonParser parser;
    private final int maxDepth;

    TreeReader(JsonParser parser, int maxDepth) {
      this.parser = parser;
      this.maxDepth = maxDepth;
    }

    JsonNode document() throws IOException {
      JsonNode root;
      try {
        JsonToken token = parser.nextToken();
        if (token == null) {
          throw new InvalidJsonException(Reason.EMPTY, "no JSON value in the input");
        }
        root = value(token, 0);
      } catch (JsonProcessingException e) {
        throw fromJackson(Reason.SYNTAX, "malformed JSON", e);
      }
      try {
        if (parser.nextToken() != null) {
          throw fail(Reason.TRAILING_CONTENT, "content after the top-level value");
        }
      } catch (JsonProcessingException e) {
        throw fromJackson(Reason.TRAILING_CONTENT, "content after the top-level value", e);
      }
      return root;
    }

    private JsonNode value(JsonToken token, int depth) throws IOException {
      switch (token) {
        case START_OBJECT:
          return object(depth + 1);
        case START_ARRAY:
          return array(depth + 1);
        case VALUE_STRING:
          return TextNode.valueOf(checkSurrogates(parser.getText(), "string"));
        case VALUE_NUMBER_INT:
          return integer();
        case VALUE_NUMBER_FLOAT:
          return fraction();
        case VALUE_TRUE:
          return BooleanNode.TRUE;
        case VALUE_FALSE:
          return BooleanNode.FALSE;
        case VALUE_NULL:
          return NullNode.instance;
        default:
          throw fail(Reason.SYNTAX, "unexpected token");
      }
    }

    private JsonNode object(int depth) throws IOException {
      checkDepth(depth);
      ObjectNode object = new ObjectNode(NODES);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = checkSurrogates(parser.currentName(), "key");
        if (object.has(key)) {
          throw fail(Reason.DUPLICATE_KEY, "duplicate object key");
        }
        object.replace(key, value(parser.nextToken(), depth));
      }
      return object;
    }

    private JsonNode array(int depth) throws IOException {
      checkDepth(depth);
      var array = NODES.arrayNode();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        array.add(value(token, depth));
      }
      return array;
    }

    private void checkDepth(int depth) {
      if (depth > maxDepth) {
        throw fail(Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
      }
    }

    /** A number without fraction or exponent: exact, so it must be within ±(2^53−1). */
    private JsonNode integer() throws IOException {
      // JSON has no leading zeros, so 17 characters ("-" and 16 digits) bound every safe integer;
      // longer ones are rejected before Jackson would build a BigInteger for them.
      if (parser.getTextLength() <= 17) {
        long v = parser.getLongValue();
        if (-Jcs.MAX_SAFE_INTEGER <= v && v <= Jcs.MAX_SAFE_INTEGER) {
          return LongNode.valueOf(v);
        }
      }
      throw fail(Reason.INTEGER_TOO_LARGE, "integer beyond ±(2^53−1)");
    }

    /** A number with a fraction or an exponent, or a non-numeric token such as NaN. */
    private JsonNode fraction() throws IOException {
      if (parser.isNaN()) {
        throw fail(Reason.NON_FINITE_NUMBER, "NaN or infinity");
      }
      String text = parser.getText();
      double d = Double.parseDouble(text);
      if (Double.isInfinite(d)) {
        throw fail(Reason.NUMBER_OUT_OF_RANGE, "number overflows a double");
      }
      if (d == 0 && hasNonZeroDigit(text)) {
        throw fail(Reason.NUMBER_OUT_OF_RANGE, "number underflows a double to zero");
      }
      double a = Math.abs(d);
      if (a <= Jcs.MAX_SAFE_DOUBLE) {
        long l = (long) d;
        if (l == d) {
          return LongNode.valueOf(l);
        }
      } else if (a < Jcs.FIRST_EXPONENT_INTEGER) {
        throw fail(Reason.INTEGER_TOO_LARGE, "integral number beyond ±(2^53−1)");
      }
      return DoubleNode.valueOf(d);
    }

    private static boolean hasNonZeroDigit(String number) {
      for (int i = 0; i < number.length(); i++) {
        char c = number.charAt(i);
        if (c == 'e' || c == 'E') {
          return false;
        }
        if (c >= '1' && c <= '9') {
          return true;
        }
      }
      return false;
    }

    /** Jackson decodes escaped surrogates such as <code>&#92;ud800</code> without complaint. */
    private String checkSurrogates(String s, String what) {
      for (int i = 0, n = s.length(); i < n; i++) {
        char c = s.charAt(i);
        if (Character.isSurrogate(c)) {
          boolean paired = Character.isHighSurrogate(c) && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1));
          if (paired) {
            i++;
          } else {
            throw fail(Reason.LONE_SURROGATE, "unpaired surrogate in a " + what);
          }
        }
      }
      return s;
    }

    private InvalidJsonException fail(Reason reason, String problem) {
      return located(reason, problem, parser.currentTokenLocation());
    }

    /** Jackson's message may quote the input, so only its location is kept. */
    private static InvalidJsonException fromJackson(
        Reason reason, String problem, JsonProcessingException e) {
      return located(reason, problem, e.getLocation());
    }

    private static InvalidJsonException located(
        Reason reason, String problem, JsonLocation location) {
      if (location == null || location.getLineNr() < 1) {
        return new InvalidJsonException(reason, problem);
      }
      return new InvalidJsonException(
          reason, problem, location.getLineNr(), Math.max(1, location.getColumnNr()));
    }
  }
}
