package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parsers against DRBD's real outputs recorded in shared/labs/drbd (sources in its README). */
class RecordedOutputsTest {
    private static final NodeId N = NodeId.of("alice");
    private final DrbdReplicator mapper = DrbdReplicator.builder().resource("some-resource")
            .node(N, LocalCommandRunner.create()).build();

    private static DrbdResourceState only(String file, int section) {
        List<DrbdResourceState> all = Events2Parser.parse(Lab.events2Sections(file).get(section));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void events2SyncShowsProgressAndPeerInconsistent() {
        DrbdResourceState s = only("events2-sync.test.txt", 0);
        assertThat(s.role()).isEqualTo("Secondary");
        assertThat(s.mayPromote()).contains(true);
        assertThat(s.promotionScore()).contains(10101L);
        assertThat(s.devices()).singleElement().satisfies(d -> {
            assertThat(d.disk()).isEqualTo("UpToDate");
            assertThat(d.quorum()).contains(true);
            assertThat(d.minor()).isEqualTo(1000);
        });
        DrbdResourceState.Connection c = s.connections().get(0);
        assertThat(c.name()).isEqualTo("some-peer");
        assertThat(c.state()).isEqualTo("Connected");
        assertThat(c.peerDevices().get(0).replication()).isEqualTo("SyncSource");
        assertThat(c.peerDevices().get(0).peerDisk()).isEqualTo("Inconsistent");
        assertThat(s.syncProgress()).hasValue(37.5);
        ReplicaStatus st = mapper.toStatus(N, s);
        assertThat(st.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(st.consistency()).isEqualTo(Consistency.UP_TO_DATE);
        assertThat(st.detail()).contains("37.50%", "SyncSource");
    }

    @Test
    void events2WithStatisticsAndTimestampsParsesTheSame() {
        DrbdResourceState plain = only("events2-sync.test.txt", 0);
        DrbdResourceState stats = only("events2-sync.test.txt", 1);
        assertThat(stats.summary()).isEqualTo(plain.summary());
        DrbdResourceState helper = only("events2-all-create-helper.test.txt", 0);
        DrbdResourceState stamped = only("events2-all-create-helper.test.txt", 1);
        assertThat(stamped).isEqualTo(helper);
    }

    @Test
    void events2HelperCallsAreRecorded() {
        DrbdResourceState s = only("events2-all-create-helper.test.txt", 0);
        assertThat(s.helpers()).containsExactly("before-resync-target");
        assertThat(s.splitBrainHelperCalled()).isFalse();
        assertThat(s.standAlone()).isTrue();
        assertThat(mapper.toStatus(N, s).consistency()).as("Diskless").isEqualTo(Consistency.INCONSISTENT);
    }

    @Test
    void events2QuorumLossAndMayPromote() {
        DrbdResourceState s = only("events2-may-promote-quorum.test.txt", 0);
        assertThat(s.quorumLost()).isTrue();
        assertThat(s.mayPromote()).contains(false);
        assertThat(mapper.toStatus(N, s).detail()).contains("no quorum", "may_promote:no");
        DrbdResourceState peer = only("events2-may-promote-peer-data.test.txt", 0);
        assertThat(peer.mayPromote()).contains(true);
        assertThat(peer.devices().get(0).disk()).isEqualTo("Diskless");
        assertThat(peer.connections().get(0).peerDevices().get(0).peerDisk()).isEqualTo("UpToDate");
    }

    @Test
    void events2InconsistentDiskIsInconsistent() {
        DrbdResourceState s = only("events2-promotion-score-inconsistent.test.txt", 0);
        assertThat(s.devices().get(0).disk()).isEqualTo("Inconsistent");
        assertThat(s.promotable()).isFalse();
        assertThat(mapper.toStatus(N, s).consistency()).isEqualTo(Consistency.INCONSISTENT);
    }

    @Test
    void events2DestroyRemovesTheResource() {
        assertThat(Events2Parser.parse(Lab.events2Sections("events2-resource-create-destroy.test.txt").get(0)))
                .isEmpty();
    }

    @Test
    void events2NowFormatWithExistsLines() {
        String now = """
                exists resource name:r0 role:Primary suspended:no force-io-failures:no may_promote:no promotion_score:10102
                exists device name:r0 volume:0 minor:0 backing_dev:/dev/sdb disk:UpToDate client:no open:yes quorum:yes
                exists connection name:r0 peer-node-id:1 conn-name:bob connection:Connected role:Secondary
                exists peer-device name:r0 peer-node-id:1 conn-name:bob volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no
                exists -
                """;
        Events2Parser p = new Events2Parser();
        now.lines().forEach(p::accept);
        assertThat(p.initialDumpDone()).isTrue();
        DrbdResourceState s = p.snapshot().get(0);
        assertThat(s.isPrimary()).isTrue();
        assertThat(s.heldOpen()).isTrue();
        assertThat(s.allUpToDate()).isTrue();
    }

    @Test
    void consistentIsUpToDateOnlyWithEveryPeerOutdated() {
        String t = """
                exists resource name:r0 role:Secondary suspended:no
                exists device name:r0 volume:0 minor:0 disk:Consistent client:no quorum:yes
                exists connection name:r0 peer-node-id:1 conn-name:bob connection:Connected role:Secondary
                exists peer-device name:r0 peer-node-id:1 conn-name:bob volume:0 replication:Established peer-disk:%s
                exists -
                """;
        assertThat(Events2Parser.parse(t.formatted("Outdated")).get(0).promotable()).isTrue();
        assertThat(Events2Parser.parse(t.formatted("UpToDate")).get(0).promotable()).isFalse();
        assertThat(Events2Parser.parse(t.formatted("DUnknown")).get(0).promotable()).isFalse();
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        assertThatThrownBy(() -> Events2Parser.parse("exists device name:r0 minor:0 disk:UpToDate\n"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("volume").hasMessageContaining("line 1");
        assertThatThrownBy(() -> Events2Parser.parse("exists resource role:Primary\n"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> Events2Parser.parse("exists connection name:r0 connection:Connected\n"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("peer-node-id");
        assertThatThrownBy(() -> Events2Parser.parse("exists device name:r0 volume:99999999999999999999\n"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("volume");
        assertThatThrownBy(() -> StatusJsonParser.parse("[{\"role\":\"Primary\"}]"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> StatusJsonParser.parse("[{\"name\":\"r0\",\"devices\":[{\"disk-state\":\"UpToDate\"}]}]"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("volume");
        assertThatThrownBy(() -> ProcDrbd.parse(" 0: ro:Primary/Secondary ds:UpToDate/UpToDate\n"))
                .isInstanceOf(DrbdFormatException.class).hasMessageContaining("cs:");
    }

    @Test
    void unknownFieldsAndObjectsAreIgnored() {
        DrbdResourceState s = Events2Parser.parse("""
                exists resource name:r0 role:Secondary suspended:no tls:yes future-field:42
                exists device name:r0 volume:0 disk:UpToDate quorum:yes some-new-key:value:with:colons
                exists path name:r0 peer-node-id:1 conn-name:bob local:ipv4:1.2.3.4:7789 peer:ipv4:5.6.7.8:7790 established:yes
                exists widget name:r0 colour:blue
                not an event line at all
                exists -
                """).get(0);
        assertThat(s.allUpToDate()).isTrue();
        assertThat(s.connections()).isEmpty();
    }

    @Test
    void jsonPrimaryAndSecondaries() {
        DrbdResourceState p = StatusJsonParser.parse(Lab.read("v9-status-json/salt-shaptools-beijing-primary.json")).get(0);
        assertThat(p.name()).isEqualTo("beijing");
        assertThat(p.isPrimary()).isTrue();
        assertThat(p.connections().get(0).peerRole()).isEqualTo("Secondary");
        assertThat(p.connections().get(0).peerDevices().get(0).peerDisk()).isEqualTo("UpToDate");
        List<DrbdResourceState> two = StatusJsonParser.parse(
                Lab.read("v9-status-json/ha-cluster-exporter-two-secondaries-one-no-quorum.json"));
        assertThat(two).extracting(DrbdResourceState::name).containsExactly("1-single-0", "1-single-1");
        assertThat(two.get(0).quorumLost()).isFalse();
        assertThat(two.get(1).quorumLost()).isTrue();
        assertThat(two.get(0).peerIsPrimary()).isTrue();
        DrbdReplicator m = DrbdReplicator.builder().resource("1-single-0").node(N, LocalCommandRunner.create()).build();
        assertThat(m.toStatus(N, two.get(0)).role()).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void jsonTrailingBlankInConnectionStateIsTrimmed() {
        DrbdResourceState s = StatusJsonParser.parse("[{\"name\":\"r0\",\"role\":\"Secondary\",\"connections\":"
                + "[{\"peer-node-id\":1,\"connection-state\":\"Connected \",\"tls\":false,\"paths\":[]}]}]").get(0);
        assertThat(s.connections().get(0).state()).isEqualTo("Connected");
    }

    @Test
    void proc84() {
        List<ProcDrbd.Minor> m = ProcDrbd.parse(Lab.read("v84-proc-drbd/ganeti-proc_drbd84.txt"));
        assertThat(m).extracting(ProcDrbd.Minor::minor).containsExactly(0, 1, 2, 4, 6, 8);
        assertThat(m.get(0).role()).isEqualTo("Primary");
        assertThat(m.get(0).peerRole()).isEqualTo("Secondary");
        assertThat(m.get(2).unconfigured()).isTrue();
        assertThat(m.get(3).connection()).isEqualTo("WFConnection");
        assertThat(m.get(3).peerDisk()).isEqualTo("DUnknown");
        assertThat(m.get(4).disk()).isEqualTo("Diskless");
        assertThat(m.get(5).connection()).isEqualTo("StandAlone");
        assertThat(m.get(0).status().role()).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(m.get(0).status().consistency()).isEqualTo(Consistency.UP_TO_DATE);
        assertThat(m.get(4).status().consistency()).isEqualTo(Consistency.INCONSISTENT);
        assertThat(m.get(2).status().role()).isEqualTo(ReplicaRole.SECONDARY);
        List<ProcDrbd.Minor> sync = ProcDrbd.parse(Lab.read("v84-proc-drbd/ganeti-proc_drbd84_sync.txt"));
        assertThat(sync.get(2).synced()).hasValue(68.5);
        assertThat(sync.get(2).peerDisk()).isEqualTo("Inconsistent");
    }

    @Test
    void proc83SyncAndStalled() {
        String t = Lab.read("v84-proc-drbd/checkmk-proc_drbd838-sync-and-stalled.txt");
        int stalledAt = t.indexOf("## Sync stalled");
        List<ProcDrbd.Minor> syncing = ProcDrbd.parse(t.substring(0, stalledAt));
        List<ProcDrbd.Minor> stalled = ProcDrbd.parse(t.substring(stalledAt));
        assertThat(syncing.get(0).synced()).hasValue(42.4);
        assertThat(syncing.get(0).stalled()).isFalse();
        assertThat(stalled.get(0).synced()).hasValue(0.1);
        assertThat(stalled.get(0).stalled()).isTrue();
        assertThat(Optional.of(stalled.get(0).connection())).contains("SyncSource");
    }
}
