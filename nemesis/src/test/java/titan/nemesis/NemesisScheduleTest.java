package titan.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {
    @Test
    void sameSeedGivesSameScheduleAndWindowsAlternateWithQuietIntervals() {
        // Goal: the schedule is a function of its seed, and windows follow the quiet/fault rhythm.
        Set<FaultKind> kinds = FaultKind.parseList("partition,kill,pause,links,clock");
        NemesisSchedule a = NemesisSchedule.periodic(kinds, Duration.ofSeconds(10), Duration.ofSeconds(60), 5, 42);
        NemesisSchedule b = NemesisSchedule.periodic(kinds, Duration.ofSeconds(10), Duration.ofSeconds(60), 5, 42);
        assertThat(a).isEqualTo(b);
        assertThat(a.windows()).extracting(NemesisSchedule.Window::startMillis).containsExactly(10_000L, 30_000L, 50_000L);
        assertThat(a.windows()).allSatisfy(w -> assertThat(w.durationMillis()).isEqualTo(10_000L));
        boolean someDiffer = false;
        for (long seed = 0; seed < 20 && !someDiffer; seed++) {
            someDiffer = !NemesisSchedule.periodic(kinds, Duration.ofSeconds(10), Duration.ofSeconds(60), 5, seed)
                    .equals(a);
        }
        assertThat(someDiffer).as("another seed gives another schedule").isTrue();
    }

    @Test
    void drawsOnlyTheRequestedKinds() {
        NemesisSchedule s = NemesisSchedule.periodic(EnumSet.of(FaultKind.KILL), Duration.ofMillis(100),
                Duration.ofSeconds(10), 3, 7);
        assertThat(s.windows()).hasSize(50).allSatisfy(w -> assertThat(w.fault()).isInstanceOf(Fault.Crash.class));
        assertThat(NemesisSchedule.periodic(Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(5), 3, 1).windows())
                .isEmpty();
    }

    @Test
    void refusesImpossibleOptions() {
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.PARTITION), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 1, 1)).hasMessageContaining("needs at least 2 nodes");
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.KILL), Duration.ofSeconds(10),
                Duration.ofSeconds(15), 3, 1)).hasMessageContaining("at most half the time limit");
        assertThatThrownBy(() -> FaultKind.parseList("partition,meteor")).hasMessageContaining("unknown nemesis 'meteor'");
        assertThat(FaultKind.parseList("all")).doesNotContain(FaultKind.WAL).contains(FaultKind.PARTITION, FaultKind.KILL);
        assertThat(FaultKind.parseList("none")).isEmpty();
    }

    @Test
    void killAllAndKillMajorityAreFixedTargetsOutsideAll() {
        // Goal: the targeted kill kinds always draw their one target, and "all" does not include them.
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < 20; i++) {
            assertThat(FaultKind.KILL_ALL.draw(random, 3)).isEqualTo(new Fault.Crash(Fault.Target.ALL));
            assertThat(FaultKind.KILL_MAJORITY.draw(random, 5)).isEqualTo(new Fault.Crash(Fault.Target.MAJORITY));
        }
        assertThat(FaultKind.parseList("kill-all,kill-majority")).containsExactly(FaultKind.KILL_MAJORITY, FaultKind.KILL_ALL);
        assertThat(FaultKind.parseList("all")).doesNotContain(FaultKind.KILL_ALL, FaultKind.KILL_MAJORITY);
    }

    @Test
    void membershipKindsDrawTheSimulatorsRecordsAndNeedThreeNodes() {
        // Goal: the lab's membership kinds share the simulator's Fault records (one catalogue), stay
        // out of "all", and refuse clusters too small to lose a voter.
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        java.util.Set<Fault> drawn = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            drawn.add(FaultKind.MEMBERSHIP.draw(random, 3));
            assertThat(FaultKind.MEMBERSHIP_LEADER.draw(random, 3)).isEqualTo(new Fault.RemoveMember(Fault.Target.LEADER));
            assertThat(FaultKind.MEMBERSHIP_BURST.draw(random, 3)).isEqualTo(new Fault.MembershipBurst());
        }
        assertThat(drawn).containsExactlyInAnyOrder(new Fault.RemoveMember(Fault.Target.ONE),
                new Fault.RemoveMember(Fault.Target.LEADER));
        assertThat(FaultKind.parseList("membership,membership-leader,membership-burst"))
                .containsExactly(FaultKind.MEMBERSHIP, FaultKind.MEMBERSHIP_LEADER, FaultKind.MEMBERSHIP_BURST);
        assertThat(FaultKind.parseList("all")).doesNotContain(FaultKind.MEMBERSHIP, FaultKind.MEMBERSHIP_BURST);
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.MEMBERSHIP), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 2, 1)).hasMessageContaining("needs at least 3 nodes");
    }

    @Test
    void partitionsCutTheRightLinks() {
        List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Plans.Cut halves = Plans.partition(Fault.PartitionShape.HALVES, nodes, java.util.Optional.empty(), random).orElseThrow();
        assertThat(halves.links()).hasSize(2 * 2 * 3); // 2 x 3 nodes, both directions
        Plans.Cut leader = Plans.partition(Fault.PartitionShape.ISOLATE_LEADER, nodes, java.util.Optional.of("n4"),
                random).orElseThrow();
        assertThat(leader.links()).hasSize(8).allSatisfy(l -> assertThat(l.from().equals("n4") || l.to().equals("n4")).isTrue());
        assertThat(Plans.partition(Fault.PartitionShape.ISOLATE_LEADER, nodes, java.util.Optional.empty(), random)).isEmpty();
        Plans.Cut oneWay = Plans.partition(Fault.PartitionShape.ONE_WAY, nodes, java.util.Optional.empty(), random).orElseThrow();
        assertThat(oneWay.links()).hasSize(1);
        // Ring of 5: each node keeps its 2 neighbours (both directions), so 20 - 10 links are cut.
        Plans.Cut ring = Plans.partition(Fault.PartitionShape.MAJORITIES_RING, nodes, java.util.Optional.empty(),
                random).orElseThrow();
        assertThat(ring.links()).hasSize(10);
        Plans.Cut bridge = Plans.partition(Fault.PartitionShape.BRIDGE, nodes, java.util.Optional.empty(), random).orElseThrow();
        assertThat(bridge.links()).hasSize(2 * 2 * 2);
    }

    @Test
    void targetsHaveTheirSizes() {
        List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        java.util.Optional<String> leader = java.util.Optional.of("n2");
        assertThat(Plans.targets(Fault.Target.ONE, nodes, leader, random)).hasSize(1);
        assertThat(Plans.targets(Fault.Target.LEADER, nodes, leader, random)).containsExactly("n2");
        assertThat(Plans.targets(Fault.Target.LEADER, nodes, java.util.Optional.empty(), random)).isEmpty();
        assertThat(Plans.targets(Fault.Target.MINORITY, nodes, leader, random)).hasSize(2);
        assertThat(Plans.targets(Fault.Target.MAJORITY, nodes, leader, random)).hasSize(3);
        assertThat(Plans.targets(Fault.Target.ALL, nodes, leader, random)).hasSize(5);
        assertThat(Plans.targets(Fault.Target.MINORITY, List.of("n1", "n2", "n3"), leader, random)).hasSize(1);
    }

    @Test
    void powerLossKindsDrawTheirFaultsAndStayOutsideAll() {
        // Goal: each power-loss kind draws its own fault record, every cut and target comes up, and
        // "all" includes none of them (they need nodes started with --fault-injection).
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        Set<Fault.TornTail> cuts = EnumSet.noneOf(Fault.TornTail.class);
        Set<Fault.Target> targets = EnumSet.noneOf(Fault.Target.class);
        for (int i = 0; i < 200; i++) {
            Fault.PowerLoss p = (Fault.PowerLoss) FaultKind.POWER_LOSS.draw(random, 3);
            cuts.add(p.cut());
            targets.add(p.target());
            assertThat(((Fault.PowerLoss) FaultKind.POWER_LOSS_ALL.draw(random, 3)).target()).isEqualTo(Fault.Target.ALL);
            assertThat(FaultKind.POWER_LOSS_IN_SYNC.draw(random, 3)).isInstanceOf(Fault.CrashInSync.class);
            assertThat(FaultKind.POWER_LOSS_AFTER_ACK.draw(random, 3)).isInstanceOf(Fault.CrashAfterAck.class);
            assertThat(FaultKind.POWER_LOSS_FOLLOWERS.draw(random, 3)).isInstanceOf(Fault.PowerLossFollowers.class);
        }
        assertThat(cuts).containsExactlyInAnyOrder(Fault.TornTail.values());
        assertThat(targets).containsExactlyInAnyOrder(Fault.Target.values());
        assertThat(FaultKind.parseList("power-loss,power-loss-all,power-loss-in-sync,power-loss-after-ack,"
                + "power-loss-followers")).hasSize(5);
        assertThat(FaultKind.parseList("all")).doesNotContain(FaultKind.POWER_LOSS, FaultKind.POWER_LOSS_ALL,
                FaultKind.POWER_LOSS_IN_SYNC, FaultKind.POWER_LOSS_AFTER_ACK, FaultKind.POWER_LOSS_FOLLOWERS);
        assertThat(Fault.TornTail.TORN_RECORDS.flag()).isEqualTo("torn-records");
        assertThat(FaultKind.STALE_LEADER.draw(random, 3)).isEqualTo(new Fault.StaleLeader(0.1));
        assertThat(FaultKind.POWER_LOSS_VOTER.draw(random, 3)).isEqualTo(new Fault.PowerLossVoter(0.05));
        assertThat(FaultKind.parseList("stale-leader,power-loss-voter")).hasSize(2);
        assertThat(FaultKind.parseList("all")).doesNotContain(FaultKind.STALE_LEADER, FaultKind.POWER_LOSS_VOTER,
                FaultKind.POWER_LOSS_OVERWRITE);
        assertThat(FaultKind.parseList("power-loss-overwrite")).containsExactly(FaultKind.POWER_LOSS_OVERWRITE);
        assertThat(FaultKind.POWER_LOSS_OVERWRITE.draw(random, 3).name()).isEqualTo("power-loss-overwrite");
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.POWER_LOSS_OVERWRITE),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 2, 1)).hasMessageContaining("needs at least 3 nodes");
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.POWER_LOSS_VOTER),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 2, 1)).hasMessageContaining("needs at least 3 nodes");
        assertThatThrownBy(() -> NemesisSchedule.periodic(EnumSet.of(FaultKind.POWER_LOSS_FOLLOWERS),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 1, 1)).hasMessageContaining("needs at least 2 nodes");
    }
}
