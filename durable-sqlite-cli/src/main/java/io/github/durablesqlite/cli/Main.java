package io.github.durablesqlite.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("durable-sqlite");
    }
}
