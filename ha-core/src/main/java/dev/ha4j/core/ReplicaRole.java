package dev.ha4j.core;

/** The role of a node's replica of the data set. */
public enum ReplicaRole {
    /** Writable: this node holds the data set's primary copy. */
    PRIMARY,
    /** Read-only copy that receives replication. */
    SECONDARY,
    /** Could not be told. */
    UNKNOWN
}
