package dev.ha4j.core;

/** How current a node's replica is. Only {@link #UP_TO_DATE} may be promoted without an operator's force. */
public enum Consistency {
    /** Holds every acknowledged write. */
    UP_TO_DATE,
    /** Known to be behind (DRBD "Outdated"), or still catching up. */
    OUTDATED,
    /** Not usable: a partial resync, a broken copy. */
    INCONSISTENT,
    /** Both sides were written independently; an operator must choose. */
    SPLIT_BRAIN,
    /** Could not be told. */
    UNKNOWN
}
