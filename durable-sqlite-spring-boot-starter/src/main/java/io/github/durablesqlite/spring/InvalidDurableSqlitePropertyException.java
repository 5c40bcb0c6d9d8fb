package io.github.durablesqlite.spring;

import io.github.durablesqlite.DurableSqliteException;

/**
 * A {@code durable-sqlite.*} property is missing or has a value the engine rejects. Carries the
 * property's name so the failure analysis can say exactly what to fix.
 */
public class InvalidDurableSqlitePropertyException extends DurableSqliteException {

    private final String property;

    public InvalidDurableSqlitePropertyException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    public InvalidDurableSqlitePropertyException(String property, String message, Throwable cause) {
        super(property + ": " + message, cause);
        this.property = property;
    }

    /** The full property name, e.g. {@code durable-sqlite.replica.url}. */
    public String getProperty() {
        return property;
    }

    /** What is wrong with the value, without the property name. */
    public String getReason() {
        return getMessage().substring(property.length() + 2);
    }
}
