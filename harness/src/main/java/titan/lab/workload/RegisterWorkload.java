package titan.lab.workload;

import java.util.List;
import java.util.SplittableRandom;

/** Jepsen's cas-register on one key: reads, writes and compare-and-sets of small values. */
public final class RegisterWorkload implements Workload {
    static final String KEY = "r";

    @Override
    public String name() {
        return "register";
    }

    @Override
    public Op next(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> new Op("read", KEY, null);
            case 1 -> new Op("write", KEY, Integer.toString(random.nextInt(5)));
            default -> new Op("cas", KEY, Completion.pair(Integer.toString(random.nextInt(5)),
                    Integer.toString(random.nextInt(5))));
        };
    }

    @Override
    public List<Op> finalReads() {
        return List.of(new Op("read", KEY, null));
    }

    @Override
    public String checker() {
        return "linearizable";
    }
}
