package dev.ha4j.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** What the Pacemaker driver does to the CIB, without running crm_simulate. */
class PacemakerDriverTest {
    private static final Scenario STASH = Scenario.of("T", "t", Scenario.Stack.STASH, 2, Duration.ofMinutes(10))
            .build();

    @Test
    void stampsFromTheWallClockBecomeTheStepTimeEarlierOnesStay() {
        String xml = "<op last-rc-change=\"1796222397\" last-run=\"1700000000\"/>"
                + "<nvpair id=\"x\" name=\"last-failure-app#monitor_10000\" value=\"1796222397\"/>"
                + "<nvpair id=\"y\" name=\"fail-count-app#monitor_10000\" value=\"1796222397\"/>";
        String out = PacemakerDriver.restamp(xml, 1767225660L);
        assertThat(out).contains("last-rc-change=\"1767225660\"", "last-run=\"1700000000\"",
                "name=\"last-failure-app#monitor_10000\" value=\"1767225660\"",
                // a fail count is a count, not a stamp
                "name=\"fail-count-app#monitor_10000\" value=\"1796222397\"");
    }

    @Test
    void aFailedStartOrStopCountsInfinityAFailedMonitorByOne() {
        String xml = "<nvpair id=\"a\" name=\"fail-count-app#start_0\" value=\"1\"/>"
                + "<nvpair id=\"b\" name=\"fail-count-app#stop_0\" value=\"2\"/>"
                + "<nvpair id=\"c\" name=\"fail-count-app#monitor_10000\" value=\"1\"/>";
        String out = Cib.failedStartStopInfinity(xml);
        assertThat(out).contains("name=\"fail-count-app#start_0\" value=\"INFINITY\"",
                "name=\"fail-count-app#stop_0\" value=\"INFINITY\"",
                "name=\"fail-count-app#monitor_10000\" value=\"1\"");
    }

    @Test
    void theGeneratedCibHasWhatTheSimulatorNeedsToBehaveLikeALiveCluster() {
        String cib = Cib.generate(STASH, List.of("n1", "n2"));
        assertThat(cib).contains("crm_feature_set=\"3.16.1\"", "have-quorum=\"1\"",
                "name=\"no-quorum-policy\" value=\"ignore\"", "name=\"stonith-enabled\" value=\"true\"",
                "name=\"migration-threshold\" value=\"3\"", "name=\"failure-timeout\" value=\"600s\"",
                "name=\"promotable\" value=\"true\"", "with-rsc-role=\"Promoted\"");
        Document d = PacemakerDriver.parse(cib);
        assertThat(d.getElementsByTagName("group").getLength()).isEqualTo(1);
    }

    @Test
    void cleanupOnOneNodeLeavesTheOtherNodesFailCounts() {
        String status = "<cib><status>"
                + node("1", "n1") + node("2", "n2") + "</status></cib>";
        Document d = PacemakerDriver.parse(status);
        Cib.cleanup(d, "app", "n1");
        String out = PacemakerDriver.serialize(d);
        assertThat(out).doesNotContain("1-fail-count", "1-last-failure", "app_last_failure_0\" on=\"n1\"")
                .contains("2-fail-count", "2-last-failure", "app_last_failure_0\" on=\"n2\"");
    }

    private static String node(String id, String name) {
        return "<node_state id=\"" + id + "\" uname=\"" + name + "\"><lrm><lrm_resources>"
                + "<lrm_resource id=\"app\"><lrm_rsc_op id=\"app_last_failure_0\" on=\"" + name + "\"/>"
                + "</lrm_resource></lrm_resources></lrm><transient_attributes><instance_attributes>"
                + "<nvpair id=\"" + id + "-fail-count\" name=\"fail-count-app#monitor_10000\" value=\"1\"/>"
                + "<nvpair id=\"" + id + "-last-failure\" name=\"last-failure-app#monitor_10000\" value=\"5\"/>"
                + "</instance_attributes></transient_attributes></node_state>";
    }
}
