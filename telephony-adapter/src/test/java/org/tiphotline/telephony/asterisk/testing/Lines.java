package org.tiphotline.telephony.asterisk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Line reading as Asterisk does it for AMI and AGI: LF-terminated, a trailing CR dropped, a length cap. */
final class Lines {

    private Lines() {}

    /** The next line without its terminator, or null at the end of the stream. */
    static String read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (line.size() >= maxBytes) {
                throw new IOException("Line longer than " + maxBytes + " bytes");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
