package titan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import titan.checker.Linearizability;
import titan.checker.Verdict;
import titan.checker.history.History;
import titan.checker.history.JsonLinesFormat;
import titan.checker.model.KvModel;
import titan.raft.UnsafeMode;

/**
 * Honest mutation evidence (issue 7): for every planted bug of {@link UnsafeMode}, a seed on which
 * the simulator catches it, and the check that must be the one to catch it. The same seed with the
 * mutant off must pass every check, so the catch is the mutant's doing and not a flaky seed. The
 * cases ({@code sim/mutant-catalogue.csv}) come from {@code ./titan-lab sim mutants}: the first
 * catching seed of each mutant on 3 and on 5 nodes.
 */
class MutantCatalogueTest {

    static List<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = MutantCatalogueTest.class.getResourceAsStream("/sim/mutant-catalogue.csv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(",");
                cases.add(Arguments.of(UnsafeMode.fromFlag(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} on {1} nodes, seed {2}: caught by {3}")
    @MethodSource("cases")
    void eachMutantIsCaughtByItsCheckAndTheSameSeedPassesWithoutIt(UnsafeMode mode, int nodes, long seed,
                                                                   String check) {
        SimOptions options = SimOptions.defaults(seed).withNodes(nodes);
        assertThat(verdict(Simulation.of(options).run())).as("seed %d without %s", seed, mode.flag()).isEqualTo("ok");
        assertThat(verdict(Simulation.of(options.withUnsafe(Set.of(mode))).run())).as("seed %d with %s", seed,
                mode.flag()).isEqualTo(check);
    }

    // Every mutant of the catalogue has its cases on both cluster sizes: none is left untested.
    @Test
    void everyMutantHasCasesOnThreeAndFiveNodes() throws IOException {
        Set<String> covered = new java.util.HashSet<>();
        for (Arguments a : cases()) {
            covered.add(((UnsafeMode) a.get()[0]).flag() + "@" + a.get()[1]);
        }
        for (UnsafeMode mode : EnumSet.allOf(UnsafeMode.class)) {
            assertThat(covered).contains(mode.flag() + "@3", mode.flag() + "@5");
        }
    }

    /** The name of the check that failed the run ("not-linearizable" for the history checker), or "ok". */
    static String verdict(SimResult result) {
        if (!result.ok()) {
            return result.violationKind();
        }
        try {
            History history = result.checkable("simulated");
            Verdict v = Linearizability.check(new KvModel(), history).verdict();
            return v == Verdict.INVALID ? "not-linearizable" : v == Verdict.UNKNOWN ? "undecided" : "ok";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
