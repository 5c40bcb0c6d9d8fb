package io.github.durablesqlite.faults;

/** What a part of the crash loop did and found; added up per mode for the report. */
final class CrashTally {
    int cycles;
    int killsDuringStartup;
    int killsWhileWriting;
    int exitedBeforeKill;
    int restores;
    int failedRestores;
    int integrityFailures;
    int keptLocalRestarts;
    int lostMachineRestarts;
    int smallCheckpointCycles;
    int shortHistoryCycles;
    int restoreTempFilesLeft;
    long acks;
    long acksOlderThanWindow;
    long lost;
    long lostBeyondWindow;
    long oldestLostMillis = -1;
    long vanished;
    long missingLocally;
    long startupMillisTotal;
    int startups;

    void add(CrashTally other) {
        cycles += other.cycles;
        killsDuringStartup += other.killsDuringStartup;
        killsWhileWriting += other.killsWhileWriting;
        exitedBeforeKill += other.exitedBeforeKill;
        restores += other.restores;
        failedRestores += other.failedRestores;
        integrityFailures += other.integrityFailures;
        keptLocalRestarts += other.keptLocalRestarts;
        lostMachineRestarts += other.lostMachineRestarts;
        smallCheckpointCycles += other.smallCheckpointCycles;
        shortHistoryCycles += other.shortHistoryCycles;
        restoreTempFilesLeft += other.restoreTempFilesLeft;
        acks += other.acks;
        acksOlderThanWindow += other.acksOlderThanWindow;
        lost += other.lost;
        lostBeyondWindow += other.lostBeyondWindow;
        oldestLostMillis = Math.max(oldestLostMillis, other.oldestLostMillis);
        vanished += other.vanished;
        missingLocally += other.missingLocally;
        startupMillisTotal += other.startupMillisTotal;
        startups += other.startups;
    }

    static String header() {
        return "| mode | cycles (kills) | killed in start-up / writing | acknowledged commits (older than the "
                + "window at the kill) | lost (of them older than the window) | oldest lost | restores (failed) | integrity failures | later vanished | "
                + "missing from the local file | restarts on kept / lost database | checkpointPages<=32 / short "
                + "history cycles | restore temp files left | mean writer start-up |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
    }

    String row(String mode) {
        return "| " + mode + " | " + cycles + " (" + (killsDuringStartup + killsWhileWriting) + ") | "
                + killsDuringStartup + " / " + killsWhileWriting + " | " + acks + " (" + acksOlderThanWindow + ") | "
                + lost + " ("
                + lostBeyondWindow + ") | " + (oldestLostMillis < 0 ? "-" : oldestLostMillis + " ms") + " | "
                + restores + " (" + failedRestores + ") | " + integrityFailures + " | " + vanished + " | "
                + missingLocally + " | " + keptLocalRestarts + " / " + lostMachineRestarts + " | "
                + smallCheckpointCycles + " / " + shortHistoryCycles + " | " + restoreTempFilesLeft + " | "
                + (startups == 0 ? "-" : startupMillisTotal / startups + " ms") + " |";
    }
}
