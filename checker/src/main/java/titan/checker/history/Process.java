package titan.checker.history;

/**
 * Who performed an event: a logical client process (an integer, as in Jepsen) or the nemesis.
 * <p>Nemesis events are kept in a history so reports can shade fault intervals, but they are not
 * operations and the linearizability search never sees them.
 */
public sealed interface Process {
    /** The one nemesis; Jepsen writes it as {@code :nemesis}, our JSON as {@code "nemesis"}. */
    Process NEMESIS = new Nemesis();

    static Process client(int id) {
        return new Client(id);
    }

    /** A logical client. After an {@code info} completion Jepsen retires the id and uses a new one. */
    record Client(int id) implements Process {
        @Override
        public String toString() {
            return Integer.toString(id);
        }
    }

    /** The fault injector. */
    record Nemesis() implements Process {
        @Override
        public String toString() {
            return "nemesis";
        }
    }
}
