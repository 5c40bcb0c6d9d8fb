package io.github.durablesqlite.replica;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The LTX file name, {@code <min 16 hex>-<max 16 hex>.ltx}, shared by every backend. */
final class LtxFileNames {

    /** Lower-case only, exactly as Litestream (superfly/ltx) accepts it; anything else is foreign. */
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.ltx");

    /** Ascending by minTxid, then maxTxid, both unsigned: the order Litestream iterates files in. */
    static final Comparator<LtxFileInfo> ORDER = (a, b) -> {
        int byMin = Long.compareUnsigned(a.minTxid(), b.minTxid());
        return byMin != 0 ? byMin : Long.compareUnsigned(a.maxTxid(), b.maxTxid());
    };

    private LtxFileNames() {
    }

    static String format(long minTxid, long maxTxid) {
        return formatTxid(minTxid) + "-" + formatTxid(maxTxid) + ".ltx";
    }

    static String formatTxid(long txid) {
        String hex = Long.toHexString(txid);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** The TXID range a name encodes, or null when the name is not an LTX file name. */
    static long[] parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
    }
}
