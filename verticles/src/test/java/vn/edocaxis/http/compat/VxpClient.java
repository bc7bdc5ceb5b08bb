package vn.edocaxis.http.compat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client of today's axis API, written from the wire format of DOMAIN.md section 6 and nothing of
 * the server: every parameter is an {@code XroadVnpt-} header; the headers are signed with a JSON
 * object of the signed headers ({@code XroadVnpt-sign-header}), their names joined by {@code ;}
 * ({@code XroadVnpt-sign-header-key}) and the hex HMAC-SHA256 of that JSON under the system's
 * secret ({@code XroadVnpt-hash-header}); sendEdoc carries the file as the multipart part
 * {@code file_doc}. The JDK's HTTP client over mutual TLS, as an agency's system would call.
 */
final class VxpClient {

    static final String PREFIX = "XroadVnpt-";

    private final HttpClient http;
    private final String base;
    private final String systemId;
    private String secret;

    VxpClient(HttpClient http, String base, String systemId, String secret) {
        this.http = http;
        this.base = base;
        this.systemId = systemId;
        this.secret = secret;
    }

    VxpClient secret(String value) {
        this.secret = value;
        return this;
    }

    /** The SDK's timestamp: local time of a client in Viet Nam, milliseconds on four digits after a '+'. */
    static String timestamp(Date at) {
        SimpleDateFormat format = new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS");
        format.setTimeZone(TimeZone.getTimeZone("Asia/Ho_Chi_Minh"));
        return format.format(at);
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Call call(String method, String name) {
        return new Call(method, name);
    }

    // the calls, as a document system makes them ------------------------------------------------

    Answer sendEdoc(String from, String messageType, byte[] edxml) {
        return call("POST", "sendEdoc").param("from", from).param("servicetype", "eDoc").param("messagetype", messageType)
                .param("hash-file", sha256Hex(edxml)).multipartFileDoc(edxml).send();
    }

    Answer receivedList(String messageType) {
        return call("POST", "getReceivedEdocList").param("servicetype", "eDoc").param("messagetype", messageType).json("{}").send();
    }

    Answer getEdoc(String docId) {
        return call("POST", "getEdoc").param("docId", docId).json("{}").send();
    }

    Answer downloadEdoc(String docId) {
        return call("GET", "downloadEdoc").param("docId", docId).send();
    }

    Answer updateStatus(String docId, String status) {
        return call("POST", "updateStatus").param("docid", docId).param("status", status).json("{}").send();
    }

    Answer sentList(String messageType, String docId) {
        Call call = call("POST", "getSentEdocList").param("servicetype", "eDoc").param("messagetype", messageType);
        if (docId != null) {
            call.param("docId", docId);
        }
        return call.json("{}").send();
    }

    Answer count(String name, String messageType) {
        return call("GET", name).param("servicetype", "eDoc").param("messagetype", messageType).send();
    }

    Answer agencies() {
        return call("POST", "getAgenciesList").json("{}").send();
    }

    Answer synchronize(Long since) {
        Call call = call("POST", "getSynchronizeUnit");
        if (since != null) {
            call.param("since", Long.toString(since));
        }
        return call.json("{}").send();
    }

    Answer registerAgency(String body) {
        return call("POST", "registerAgency").json(body).send();
    }

    Answer deleteAgency(String code) {
        return call("POST", "deleteAgency").param("AgencyCode", code).json("{}").send();
    }

    /** One request; the knobs after the parameters exist to break the signature in one precise way. */
    final class Call {
        private final String method;
        private final String name;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final Map<String, String> sentInstead = new LinkedHashMap<>();
        private final Map<String, String> unsigned = new LinkedHashMap<>();
        private byte[] body;
        private String contentType;
        private String key;
        private String timestamp;
        private String signedSystemId;
        private UnaryOperator<String> tamper = s -> s;
        private boolean sign = true;

        Call(String method, String name) {
            this.method = method;
            this.name = name;
        }

        Call param(String header, String value) {
            if (value != null) {
                params.put(header, value);
            }
            return this;
        }

        Call json(String json) {
            this.body = json.getBytes(StandardCharsets.UTF_8);
            this.contentType = "application/json";
            return this;
        }

        Call raw(byte[] bytes, String type) {
            this.body = bytes;
            this.contentType = type;
            return this;
        }

        Call multipartFileDoc(byte[] file) {
            String boundary = "----vxp" + Long.toHexString(System.nanoTime());
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file_doc\"; filename=\"edoc.edxml\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + file.length + tail.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(file, 0, all, head.length, file.length);
            System.arraycopy(tail, 0, all, head.length + file.length, tail.length);
            return raw(all, "multipart/form-data; boundary=" + boundary);
        }

        /** Sign with this key instead of the system's secret. */
        Call key(String value) {
            this.key = value;
            return this;
        }

        Call timestamp(String value) {
            this.timestamp = value;
            return this;
        }

        Call signedSystemId(String value) {
            this.signedSystemId = value;
            return this;
        }

        /** Changes the sign-header after it was signed. */
        Call tamper(UnaryOperator<String> change) {
            this.tamper = change;
            return this;
        }

        /** Signs {@code header} with its value but sends {@code actual} in the request. */
        Call sendInstead(String header, String actual) {
            sentInstead.put(header, actual);
            return this;
        }

        /** A parameter sent but left out of the signature. */
        Call unsigned(String header, String value) {
            unsigned.put(header, value);
            return this;
        }

        Call withoutSignature() {
            this.sign = false;
            return this;
        }

        Answer send() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("systemid", signedSystemId != null ? signedSystemId : systemId);
            headers.put("timestamp", timestamp != null ? timestamp : VxpClient.timestamp(new Date()));
            headers.putAll(params);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + name));
            List<String> names = new ArrayList<>();
            StringBuilder signHeader = new StringBuilder("{");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String actual = sentInstead.getOrDefault(h.getKey(), h.getValue());
                request.header(PREFIX + h.getKey(), actual);
                names.add(h.getKey());
                signHeader.append(signHeader.length() > 1 ? "," : "").append(quote(PREFIX + h.getKey())).append(':').append(quote(h.getValue()));
            }
            signHeader.append('}');
            unsigned.forEach((h, v) -> request.header(PREFIX + h, v));
            String signKey = key != null ? key : secret;
            if (sign && signKey != null) {
                String signed = signHeader.toString();
                request.header(PREFIX + "sign-header-key", String.join(";", names));
                request.header(PREFIX + "sign-header", tamper.apply(signed));
                request.header(PREFIX + "hash-header", hmacHex(signKey, signed));
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
            }
        }
    }

    /** The HTTP answer; {@link #json()} for the envelope. */
    record Answer(int status, String contentType, byte[] body) {

        JsonObject json() {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        }

        String errorCode() {
            return json().getString("ErrorCode");
        }

        @Override
        public String toString() {
            return status + " " + new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8);
        }
    }

    static String hmacHex(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
