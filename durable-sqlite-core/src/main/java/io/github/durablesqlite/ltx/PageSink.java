package io.github.durablesqlite.ltx;

import java.io.IOException;

/** Receives database pages in ascending page-number order. */
@FunctionalInterface
public interface PageSink {

    /**
     * Accepts one page. {@code page.length} is the page size. The array belongs to the caller and
     * may be reused as soon as this returns: copy it to keep it.
     */
    void writePage(int pgno, byte[] page) throws IOException;
}
