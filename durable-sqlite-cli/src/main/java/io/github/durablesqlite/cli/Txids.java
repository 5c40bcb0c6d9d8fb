package io.github.durablesqlite.cli;

/** TXIDs on the command line: Litestream's 16-hex-digit form (shorter hex is accepted). */
final class Txids {
    private Txids() {}

    static long parse(String text) {
        if (text == null || !text.matches("[0-9a-fA-F]{1,16}")) {
            throw new IllegalArgumentException("invalid TXID '" + text
                    + "': write it as up to 16 hex digits, e.g. 000000000000002a");
        }
        long value = Long.parseUnsignedLong(text, 16);
        if (value == 0) {
            throw new IllegalArgumentException("invalid TXID '" + text + "': TXIDs start at 1");
        }
        return value;
    }

    static String format(long txid) {
        return String.format("%016x", txid);
    }
}
