package io.github.durablesqlite.ltx;

import java.io.IOException;

/**
 * An LTX file is malformed, corrupt or truncated. The message always names the file and, where
 * the problem sits at a known place, the byte offset and page; it is written so that an operator
 * can tell which object in the replica is bad without reading code.
 */
public class LtxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Offset value when the problem is not at one place in the file (e.g. two files disagree). */
    public static final long NO_OFFSET = -1;

    private final String fileName;
    private final long offset;

    public LtxFormatException(String fileName, long offset, String problem) {
        this(fileName, offset, problem, null);
    }

    public LtxFormatException(String fileName, long offset, String problem, Throwable cause) {
        super(format(fileName, offset, problem), cause);
        this.fileName = fileName;
        this.offset = offset;
    }

    /** The name the file was opened under, typically its object key. */
    public String fileName() {
        return fileName;
    }

    /** Byte offset in the file where the problem was found, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }

    private static String format(String fileName, long offset, String problem) {
        String where = offset == NO_OFFSET ? "" : " at byte " + offset;
        return "invalid LTX file " + fileName + where + ": " + problem;
    }
}
