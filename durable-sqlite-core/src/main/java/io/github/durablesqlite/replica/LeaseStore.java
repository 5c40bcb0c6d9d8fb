package io.github.durablesqlite.replica;

import java.io.IOException;

/**
 * The one small object beside a replica's levels that says which process writes to it, changed only
 * by compare-and-swap: create when absent, replace or delete only while it still holds the version
 * the caller last saw. The rules that use it live in the replication package; this is object I/O
 * only. A lost race is a return value (null or false), never an exception: an {@link IOException}
 * means the store could not answer.
 */
public interface LeaseStore {

    /** The object's location for messages, e.g. {@code s3://bucket/prefix/lease.json}; never a secret. */
    String describe();

    /** The object's content and version, or null when there is none. */
    Versioned read() throws IOException;

    /** Creates the object if none exists; returns its version, or null when one already exists. */
    String create(byte[] content) throws IOException;

    /**
     * Replaces the object if it still has {@code version}; returns the new version, or null when it
     * was changed or deleted since.
     */
    String replace(byte[] content, String version) throws IOException;

    /**
     * Deletes the object if it still has {@code version}; true when it is gone (deleted now or
     * already), false when another version is there.
     */
    boolean delete(String version) throws IOException;

    /** An object's bytes and the opaque version (an ETag on S3) a later replace or delete must match. */
    record Versioned(byte[] content, String version) {}
}
