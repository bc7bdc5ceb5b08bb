package vn.edocaxis.http.compat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * The part named {@code file_doc} of a {@code multipart/form-data} body (RFC 7578), streamed: the
 * part's bytes are passed on as they arrive, holding back only what could be the start of the
 * next delimiter; other parts are read and dropped. Memory stays at one request buffer plus a
 * delimiter (or one part's headers, at most {@value #MAX_HEADERS} bytes), whatever the file's size.
 * Netty's own multipart decoder is not used because it keeps up to 10 MiB of undecoded input per upload.
 */
final class MultipartFileDoc extends FilteredBody {

    static final String PART = "file_doc";
    private static final int MAX_HEADERS = 16 * 1024;
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]*))",
            Pattern.CASE_INSENSITIVE);

    private enum State { PREAMBLE, HEADERS, PART, EPILOGUE }

    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
    private static final int MAX_PADDING = 256;
    private static final int NEED_MORE = -1;
    private static final int NOT_A_DELIMITER = -2;
    private static final int CLOSE_DELIMITER = -3;

    private final byte[] delimiter;
    private final long maxBytes;
    private State state = State.PREAMBLE;
    // Unread bytes: at most a delimiter line (or a part's headers) carried between two request buffers.
    // Starts with a CRLF so that a delimiter on the body's first line is found like any other.
    private Buffer rest = Buffer.buffer("\r\n");
    private boolean inFileDoc;
    private boolean fileDocSeen;
    private long received;

    MultipartFileDoc(ReadStream<Buffer> request, String boundary, long maxBytes) {
        super(request);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void onRequestData(Buffer data) {
        received += data.length();
        if (received > maxBytes) {
            throw new RouterException(ErrorCode.PAYLOAD_TOO_LARGE, "the request is larger than " + maxBytes + " bytes",
                    Map.of("limit", maxBytes));
        }
        if (state == State.EPILOGUE) {
            return;
        }
        Buffer work = rest.length() == 0 ? data : rest.appendBuffer(data);
        byte[] bytes = work.getBytes();
        int pos = 0;
        while (state != State.EPILOGUE) {
            if (state == State.HEADERS) {
                int end = indexOf(bytes, CRLF_CRLF, pos);
                if (end < 0) {
                    checkHeaderSize(bytes.length - pos);
                    rest = work.getBuffer(pos, bytes.length);
                    return;
                }
                String name = partName(new String(bytes, pos + 2, Math.max(0, end - pos - 2), StandardCharsets.ISO_8859_1));
                inFileDoc = !fileDocSeen && PART.equals(name);
                fileDocSeen |= inFileDoc;
                pos = end + CRLF_CRLF.length;
                state = State.PART;
                continue;
            }
            int at = indexOf(bytes, delimiter, pos);
            if (at < 0) {
                int keep = Math.min(delimiter.length - 1, bytes.length - pos);
                if (inFileDoc) {
                    pass(work.slice(pos, bytes.length - keep));
                }
                rest = work.getBuffer(bytes.length - keep, bytes.length);
                return;
            }
            int line = delimiterLine(bytes, at + delimiter.length);
            if (line == NEED_MORE) {
                if (inFileDoc) {
                    pass(work.slice(pos, at));
                }
                rest = work.getBuffer(at, bytes.length);
                return;
            }
            if (line == NOT_A_DELIMITER) {
                if (inFileDoc) {
                    pass(work.slice(pos, at + 1));
                }
                pos = at + 1;
                continue;
            }
            if (inFileDoc) {
                pass(work.slice(pos, at));
                inFileDoc = false;
                complete();
            }
            if (line == CLOSE_DELIMITER) {
                state = State.EPILOGUE;
            } else {
                pos = line; // the headers are searched from the delimiter line's CRLF: an empty header block is found too
                state = State.HEADERS;
            }
        }
        rest = Buffer.buffer();
    }

    /**
     * What follows {@code --boundary}: {@code --} (the close delimiter), or optional spaces and tabs
     * and the CRLF that ends the delimiter line (its index); anything else means the bytes were content.
     */
    private static int delimiterLine(byte[] bytes, int from) {
        if (bytes.length - from < 2) {
            return NEED_MORE;
        }
        if (bytes[from] == '-' && bytes[from + 1] == '-') {
            return CLOSE_DELIMITER;
        }
        for (int i = from; i < bytes.length && i - from <= MAX_PADDING; i++) {
            if (bytes[i] == '\r') {
                if (i + 1 == bytes.length) {
                    return NEED_MORE;
                }
                return bytes[i + 1] == '\n' ? i : NOT_A_DELIMITER;
            }
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return NOT_A_DELIMITER;
            }
        }
        return bytes.length - from <= MAX_PADDING ? NEED_MORE : NOT_A_DELIMITER;
    }

    @Override
    protected void onRequestEnd() {
        if (inFileDoc) {
            throw new RouterException(ErrorCode.UPLOAD_INCOMPLETE, "the multipart body ended inside the " + PART + " part");
        }
        if (!fileDocSeen) {
            throw new RouterException(ErrorCode.EMPTY_BODY, "the multipart body has no part named " + PART + ": send the edXML package in it");
        }
    }

    private static void checkHeaderSize(int size) {
        if (size > MAX_HEADERS) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "a part's headers are longer than " + MAX_HEADERS + " bytes",
                    Map.of("parameter", "multipart"));
        }
    }

    /** The {@code name} of a part, from its {@code Content-Disposition: form-data; name="…"} header. */
    static String partName(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-disposition")) {
                Matcher m = NAME.matcher(line.substring(colon + 1));
                if (m.find()) {
                    return m.group(1) != null ? m.group(1) : m.group(2);
                }
            }
        }
        return null;
    }

    /** The boundary of a {@code multipart/form-data} content type; null for any other type. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
                String value = p.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isEmpty() && value.length() <= 70) {
                    return value;
                }
            }
        }
        throw new RouterException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "multipart/form-data without a valid boundary",
                Map.of("contentType", contentType));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        int last = haystack.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (haystack[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
