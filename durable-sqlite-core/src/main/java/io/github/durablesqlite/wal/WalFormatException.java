package io.github.durablesqlite.wal;

import java.io.IOException;

/**
 * Bytes that are not a valid SQLite WAL where one is required. The message says what is wrong
 * and at which file offset.
 *
 * <p>Invalid frames are not reported this way: in a WAL the first invalid frame is the normal
 * end of the log, so {@link WalReader#scan} simply stops there.
 */
public class WalFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WalFormatException(String message) {
        super(message);
    }

    public WalFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
