package io.github.durablesqlite;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of a restore drill: the replica was restored to a scratch file, every file read was
 * checked against its checksum, and SQLite's integrity check ran on the result.
 *
 * @param at        when the drill finished
 * @param ok        whether everything passed
 * @param txid      the TXID restored, 0 if the drill failed before knowing it
 * @param stateTime the time of the restored state (its newest file's timestamp), or null
 * @param size      size in bytes of the restored database
 * @param files     files the restore read
 * @param duration  how long the drill took
 * @param error     what failed (naming the file where one was bad), or null
 */
public record Verification(Instant at, boolean ok, long txid, Instant stateTime, long size, int files,
                           Duration duration, String error) {
}
