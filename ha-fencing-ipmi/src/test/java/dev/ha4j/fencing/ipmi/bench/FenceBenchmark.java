package dev.ha4j.fencing.ipmi.bench;

import dev.ha4j.fencing.ipmi.sim.LabBmc;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiResult;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark harness (not a test): our verified OFF against the anchor's way of doing it, {@code ipmitool
 * chassis power off} followed by {@code ipmitool chassis power status}, in the same run against the same
 * {@code ipmi_sim}. Each round powers the node on (untimed), then times one variant; the variants alternate.
 *
 * <pre>
 * cd /work/main && mvn -B -o -q -pl ha-fencing-ipmi test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.ha4j.fencing.ipmi.bench.FenceBenchmark -Dexec.args=30
 * </pre>
 */
public final class FenceBenchmark {
    private FenceBenchmark() {
    }

    /**
     * @param args rounds per variant (default 30)
     * @throws Exception if the simulator cannot be started
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = 5;
        NodeId node = NodeId.of("node-1");
        List<Double> ours = new ArrayList<>();
        List<Double> ipmitool = new ArrayList<>();
        try (IpmiSimulator sim = IpmiSimulator.start()) {
            IpmiFencer fencer = LabBmc.fencer(sim, node);
            for (int i = 0; i < warmup + rounds; i++) {
                on(fencer, node);
                long t0 = System.nanoTime();
                IpmiResult r = fencer.run(node, FenceAction.OFF, Duration.ofSeconds(10));
                double ms = (System.nanoTime() - t0) / 1e6;
                if (!r.result().isVerifiedOff() || sim.nodeRunning()) {
                    throw new IllegalStateException("our OFF did not verify: " + r);
                }
                on(fencer, node);
                long t1 = System.nanoTime();
                String off = sim.ipmitool("chassis", "power", "off");
                PowerState st = sim.ipmitoolPowerStatus();
                double ms2 = (System.nanoTime() - t1) / 1e6;
                if (st != PowerState.OFF || !off.contains("Down/Off")) {
                    throw new IllegalStateException("ipmitool OFF did not verify: " + off + " / " + st);
                }
                if (i >= warmup) {
                    ours.add(ms);
                    ipmitool.add(ms2);
                }
            }
        }
        double m1 = percentile(ours, 50);
        double m2 = percentile(ipmitool, 50);
        System.out.printf(Locale.ROOT, "verified OFF against ipmi_sim, %d rounds each (after %d warm-up)%n",
                rounds, warmup);
        System.out.printf(Locale.ROOT, "%-44s median %7.1f ms  p90 %7.1f ms  min %7.1f ms%n",
                "ha4j IpmiFencer OFF (verified)", m1, percentile(ours, 90), Collections.min(ours));
        System.out.printf(Locale.ROOT, "%-44s median %7.1f ms  p90 %7.1f ms  min %7.1f ms%n",
                "ipmitool power off + ipmitool power status", m2, percentile(ipmitool, 90), Collections.min(ipmitool));
        System.out.printf(Locale.ROOT, "ratio of medians ha4j / ipmitool pair: %.2f (target <= 1.00); "
                + "ha4j median <= 100 ms: %s%n", m1 / m2, m1 <= 100 ? "yes" : "NO");
    }

    private static void on(IpmiFencer fencer, NodeId node) {
        IpmiResult r = fencer.run(node, FenceAction.ON, Duration.ofSeconds(10));
        if (!r.isOk()) {
            throw new IllegalStateException("power on failed: " + r);
        }
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }
}
