package dev.ha4j.core.journal;

import dev.ha4j.core.spi.Journal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What recovery read from a journal: the folded {@link RecoveryState}, the checkpoint it started from, how many
 * entries it read after it, and what it had to work around (a corrupt checkpoint, a torn last line).
 *
 * <p>Immutable and thread-safe (the state is a copy owned by this result; do not change it while it is shared).
 *
 * @param state the fold up to the journal's last entry
 * @param checkpointSeq the seq of the checkpoint recovery started from, empty when it read the journal from its
 *     beginning
 * @param entriesRead the entries read after that checkpoint
 * @param notes what recovery worked around, one sentence each
 */
public record Recovery(RecoveryState state, Optional<Long> checkpointSeq, long entriesRead, List<String> notes) {
    /** @throws NullPointerException if an argument is null */
    public Recovery {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkpointSeq, "checkpointSeq");
        notes = List.copyOf(notes);
    }

    /**
     * Recovers from any journal: a {@link CheckpointedJournal} from its newest usable checkpoint, any other by
     * folding every entry.
     *
     * @param journal the journal
     * @return the recovery
     * @throws NullPointerException if {@code journal} is null
     */
    public static Recovery of(Journal journal) {
        Objects.requireNonNull(journal, "journal");
        if (journal instanceof CheckpointedJournal c) {
            return c.recover();
        }
        RecoveryState s = RecoveryState.empty();
        long[] n = {0};
        journal.forEach(e -> {
            s.apply(e);
            n[0]++;
        });
        return new Recovery(s, Optional.empty(), n[0], new ArrayList<>());
    }
}
