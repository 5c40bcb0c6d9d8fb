package io.github.durablesqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Wraps a physical connection, and the statements and result sets it hands out, so a commit passes
 * through the {@link CommitGate}. A commit is seen by SQLite's commit hook, which marks the
 * connection; whichever JDBC call was running then (commit, an auto-commit execute, a result set's
 * last next, setAutoCommit) waits for the gate after SQLite returns. Only used when the gate is
 * active: plain async connections are not wrapped.
 */
final class GatedJdbc implements InvocationHandler {
    private static final Set<String> EXECUTE_WITH_SQL = Set.of("execute", "executeUpdate", "executeLargeUpdate",
            "executeQuery");
    private static final Set<String> EXECUTE_BATCH = Set.of("executeBatch", "executeLargeBatch");

    /** One physical connection: its gate, whether its last call committed, and its proxy. */
    static final class Session {
        private final Connection connection;
        private final CommitGate gate;
        private volatile boolean committed;
        private Connection proxy;

        Session(Connection connection, CommitGate gate) {
            this.connection = connection;
            this.gate = gate;
        }

        /** SQLite's commit hook fired on this connection (the frames are not written yet). */
        void committed() {
            committed = true;
        }
    }

    private final Session session;
    private final Object target;
    private final String sql;
    private final Object parent;

    private GatedJdbc(Session session, Object target, String sql, Object parent) {
        this.session = session;
        this.target = target;
        this.sql = sql;
        this.parent = parent;
    }

    static Connection wrap(Session session) {
        session.proxy = (Connection) Proxy.newProxyInstance(GatedJdbc.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new GatedJdbc(session, session.connection, null, null));
        return session.proxy;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "gated " + target;
            };
        }
        if (name.equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
        }
        if (name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(proxy)) {
            return true;
        }
        if (name.equals("getConnection") && target instanceof Statement) {
            return session.proxy;
        }
        if (name.equals("getStatement") && target instanceof ResultSet && parent != null) {
            return parent;
        }
        beforeCall(name, args);
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            session.committed = false; // the call failed: whatever it reports, it did not acknowledge anything
            throw e.getCause();
        }
        if (session.committed) {
            session.committed = false;
            session.gate.afterCommit();
        }
        return wrapResult(proxy, name, args, result);
    }

    private void beforeCall(String name, Object[] args) throws SQLException {
        if (!session.gate.limitsLag()) {
            return;
        }
        if (target instanceof Connection && name.equals("commit")) {
            try {
                session.gate.beforeCommit();
            } catch (NotReplicatedException refused) {
                session.connection.rollback();
                throw refused;
            }
        } else if (target instanceof Statement && session.connection.getAutoCommit()) {
            boolean writes = EXECUTE_BATCH.contains(name)
                    || EXECUTE_WITH_SQL.contains(name) && SqlStatements.mayWrite(args != null && args.length > 0
                    && args[0] instanceof String text ? text : sql);
            if (writes) {
                session.gate.beforeCommit();
            }
        }
    }

    private Object wrapResult(Object proxy, String name, Object[] args, Object result) {
        if (result instanceof CallableStatement statement) {
            return wrapped(CallableStatement.class, statement, firstString(args), proxy);
        }
        if (result instanceof PreparedStatement statement) {
            return wrapped(PreparedStatement.class, statement, firstString(args), proxy);
        }
        if (result instanceof Statement statement) {
            return wrapped(Statement.class, statement, null, proxy);
        }
        if (result instanceof ResultSet resultSet && target instanceof Statement) {
            return wrapped(ResultSet.class, resultSet, null, proxy);
        }
        return result;
    }

    private Object wrapped(Class<?> type, Object object, String statementSql, Object owner) {
        return Proxy.newProxyInstance(GatedJdbc.class.getClassLoader(), new Class<?>[] {type},
                new GatedJdbc(session, object, statementSql, owner));
    }

    private static String firstString(Object[] args) {
        return args != null && args.length > 0 && args[0] instanceof String text ? text : null;
    }
}
