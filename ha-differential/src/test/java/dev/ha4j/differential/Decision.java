package dev.ha4j.differential;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One decision in the vocabulary both schedulers are mapped to: nothing, start on X, restart on X, move to Y,
 * fence Z, block/stop everywhere. A step's outcome is a list of decisions in the order they were taken.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what was decided
 * @param node the node it concerns; for {@link Kind#BLOCK} the node where the service is left running, or
 *     {@code null} when it runs nowhere
 */
record Decision(Kind kind, String node) {
    /** What kind of decision. */
    enum Kind {
        /** The service was started on a node where it had not run before (the first start). */
        START,
        /** The service was started again on the node where it last ran. */
        RESTART,
        /** The service was started on another node than the one where it last ran. */
        MOVE,
        /** A node was fenced (powered off and verified). */
        FENCE,
        /** Nothing will start or move the service any more: blocked, or stopped everywhere. */
        BLOCK
    }

    Decision {
        Objects.requireNonNull(kind, "kind");
    }

    static Decision start(String node) {
        return new Decision(Kind.START, node);
    }

    static Decision restart(String node) {
        return new Decision(Kind.RESTART, node);
    }

    static Decision move(String node) {
        return new Decision(Kind.MOVE, node);
    }

    static Decision fence(String node) {
        return new Decision(Kind.FENCE, node);
    }

    static Decision block() {
        return new Decision(Kind.BLOCK, null);
    }

    static Decision blockLeftRunningOn(String node) {
        return new Decision(Kind.BLOCK, node);
    }

    /**
     * A start on {@code node}, named relative to where the service last ran.
     *
     * @param home where the service last ran, or {@code null} if nowhere yet
     * @param node where it was started
     * @return START, RESTART or MOVE
     */
    static Decision startedOn(String home, String node) {
        if (home == null) {
            return start(node);
        }
        return home.equals(node) ? restart(node) : move(node);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case START -> "start on " + node;
            case RESTART -> "restart on " + node;
            case MOVE -> "move to " + node;
            case FENCE -> "fence " + node;
            case BLOCK -> node == null ? "block/stop everywhere" : "block (left running on " + node + ")";
        };
    }

    /**
     * @param decisions a step's decisions
     * @return them as one phrase, "nothing" for none
     */
    static String render(List<Decision> decisions) {
        return decisions.isEmpty() ? "nothing"
                : decisions.stream().map(Decision::toString).collect(Collectors.joining(", "));
    }
}
