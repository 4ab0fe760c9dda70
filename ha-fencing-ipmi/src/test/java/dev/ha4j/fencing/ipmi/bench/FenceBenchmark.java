package dev.ha4j.fencing.ipmi.bench;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiResult;
import dev.ha4j.fencing.ipmi.sim.LabBmc;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Benchmark harness (not a test): one verified power-off, done five ways in the same run against the same
 * {@code ipmi_sim}, the variants interleaved round by round (each round powers the node on, untimed, before
 * every variant):
 *
 * <ol>
 *   <li>ha4j {@link IpmiFencer} OFF in a warm JVM;
 *   <li>{@code ipmitool chassis power off} then {@code ipmitool chassis power status};
 *   <li>{@code ipmipower --off --wait-until-off} (FreeIPMI; {@code -W opensesspriv}, which {@code ipmi_sim} needs);
 *   <li>a fresh JVM fencing once ({@link FenceOnce}), process start to exit;
 *   <li>the same, tuned the way a fence-agent wrapper would start it: the classes in jars with an application
 *       class-data archive (AppCDS, written by one fence at the start of the run), C1 only, Serial GC, no
 *       perf-data file;
 *   <li>{@code fence_ipmilan --lanplus -o off --power-wait=0} (Debian {@code fence-agents}).
 * </ol>
 *
 * Every variant must leave the node's process dead, or the run fails. The machine is shared: compare the
 * ratios, which come from the same run, rather than the absolute times.
 *
 * <pre>
 * mvn -B -o -q -pl ha-fencing-ipmi -am test-compile \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
 *     -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -Dorg.slf4j.simpleLogger.log.dev.ha4j.fencing.ipmi=warn -cp ha-fencing-ipmi/target/test-classes:\
 * ha-fencing-ipmi/target/classes:$(cat ha-fencing-ipmi/target/bench.classpath) \
 *     dev.ha4j.fencing.ipmi.bench.FenceBenchmark 20
 * </pre>
 */
public final class FenceBenchmark {
    private FenceBenchmark() {
    }

    /**
     * Runs the benchmark and prints medians and ratios.
     *
     * @param args rounds per variant (default 20)
     * @throws Exception if the simulator cannot be started or a variant does not power the node off
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = 3;
        NodeId node = NodeId.of("node-1");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = freshClasspath();
        Path work = Files.createTempDirectory("ha4j-fence-bench");
        String jarClasspath = jarred(classpath, work);
        String archive = work.resolve("fence-once.jsa").toString();
        try (IpmiSimulator sim = IpmiSimulator.start()) {
            runAll(sim, node, java, classpath, jarClasspath, archive, rounds, warmup);
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static void runAll(IpmiSimulator sim, NodeId node, String java, String classpath, String jarClasspath,
            String archive, int rounds, int warmup) throws Exception {
        {
            IpmiFencer fencer = LabBmc.fencer(sim, node);
            String port = Integer.toString(sim.port());
            Map<String, Supplier<Double>> variants = new LinkedHashMap<>();
            variants.put("ha4j IpmiFencer OFF, warm JVM", () -> timed(() -> {
                IpmiResult r = fencer.run(node, FenceAction.OFF, Duration.ofSeconds(10));
                check(r.result().isVerifiedOff(), "ha4j: " + r);
            }));
            variants.put("ipmitool power off + power status", () -> timed(() -> {
                String off = sim.ipmitool("chassis", "power", "off");
                String status = sim.ipmitool("chassis", "power", "status");
                check(off.contains("Down/Off") && status.contains("is off"), "ipmitool: " + off + status);
            }));
            variants.put("ipmipower --off --wait-until-off", () -> timed(() -> {
                String out = run(List.of("ipmipower", "-D", "LAN_2_0", "-h", "127.0.0.1:" + port, "-u",
                        IpmiSimulator.ADMIN, "-p", IpmiSimulator.ADMIN_PASSWORD, "-I", "3", "-W", "opensesspriv", "--off",
                        "--wait-until-off"), Map.of());
                check(out.contains(": ok"), "ipmipower: " + out);
            }));
            variants.put("fresh JVM: FenceOnce (java -cp ...)", () -> timed(() -> {
                String out = run(List.of(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.dev.ha4j.fencing.ipmi=warn", "-cp", classpath,
                        FenceOnce.class.getName(), "127.0.0.1", port, IpmiSimulator.ADMIN),
                        Map.of("IPMI_PASSWORD", IpmiSimulator.ADMIN_PASSWORD));
                check(out.contains("verified OFF"), "FenceOnce: " + out);
            }));
            List<String> tuned = List.of(java, "-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-Dorg.slf4j.simpleLogger.log.dev.ha4j.fencing.ipmi=warn", "-cp", jarClasspath,
                    FenceOnce.class.getName(), "127.0.0.1", port, IpmiSimulator.ADMIN);
            check(fencer.run(node, FenceAction.ON, Duration.ofSeconds(10)).isOk(), "power on");
            // one fence writes the application class-data archive (AppCDS) the tuned variant starts from
            List<String> dump = new ArrayList<>(tuned);
            dump.set(1, "-XX:ArchiveClassesAtExit=" + archive);
            String dumped = run(dump, Map.of("IPMI_PASSWORD", IpmiSimulator.ADMIN_PASSWORD));
            check(dumped.contains("verified OFF") && Files.exists(Path.of(archive)), "AppCDS dump: " + dumped);
            variants.put("fresh JVM tuned: AppCDS, C1, Serial GC", () -> timed(() -> {
                String out = run(tuned, Map.of("IPMI_PASSWORD", IpmiSimulator.ADMIN_PASSWORD));
                check(out.contains("verified OFF"), "FenceOnce tuned: " + out);
            }));
            variants.put("fence_ipmilan --power-wait=0 -o off", () -> timed(() -> {
                String out = run(List.of("fence_ipmilan", "--lanplus", "-C", "3", "-a", "127.0.0.1", "-u", port,
                        "-l", IpmiSimulator.ADMIN, "-p", IpmiSimulator.ADMIN_PASSWORD, "-o", "off",
                        "--power-wait=0"), Map.of());
                check(out.contains("Success"), "fence_ipmilan: " + out);
            }));
            Map<String, List<Double>> times = new LinkedHashMap<>();
            variants.keySet().forEach(k -> times.put(k, new ArrayList<>()));
            for (int i = 0; i < warmup + rounds; i++) {
                for (Map.Entry<String, Supplier<Double>> v : variants.entrySet()) {
                    IpmiResult on = fencer.run(node, FenceAction.ON, Duration.ofSeconds(10));
                    check(on.isOk() && sim.nodeRunning(), "power on: " + on);
                    double ms = v.getValue().get();
                    check(!sim.nodeRunning(), v.getKey() + " left the node running");
                    if (i >= warmup) {
                        times.get(v.getKey()).add(ms);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "verified power-off against ipmi_sim, %d rounds per variant after %d "
                    + "warm-up, interleaved (%d cores, load %.1f at the end)%n", rounds, warmup,
                    Runtime.getRuntime().availableProcessors(), load());
            times.forEach((k, t) -> System.out.printf(Locale.ROOT, "  %-40s median %7.1f ms  p90 %7.1f ms  min %7.1f"
                    + " ms%n", k, percentile(t, 50), percentile(t, 90), Collections.min(t)));
            List<String> keys = new ArrayList<>(times.keySet());
            double ours = percentile(times.get(keys.get(0)), 50);
            System.out.printf(Locale.ROOT, "  ratio ha4j warm / ipmitool pair:        %.2f%n",
                    ours / percentile(times.get(keys.get(1)), 50));
            System.out.printf(Locale.ROOT, "  ratio ha4j warm / ipmipower:            %.2f%n",
                    ours / percentile(times.get(keys.get(2)), 50));
            double fenceAgent = percentile(times.get(keys.get(5)), 50);
            System.out.printf(Locale.ROOT, "  ratio fresh JVM / fence_ipmilan:        %.2f%n",
                    percentile(times.get(keys.get(3)), 50) / fenceAgent);
            System.out.printf(Locale.ROOT, "  ratio fresh JVM tuned / fence_ipmilan:  %.2f%n",
                    percentile(times.get(keys.get(4)), 50) / fenceAgent);
        }
    }

    private static double timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("variant did not verify: " + what);
        }
    }

    private static String run(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not exit");
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * What the fresh JVM gets: this JVM's class path without the test libraries, as an application would have
     * it (the module, ha-core and its libraries, an SLF4J binding), plus the test classes for {@link FenceOnce}.
     */
    private static String freshClasspath() {
        List<String> keep = new ArrayList<>();
        for (String part : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (part.contains("/target/classes") || part.contains("/target/test-classes") || part.contains("slf4j")
                    || part.contains("jackson")) {
                keep.add(part);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    /**
     * The same class path with every directory packed into a jar: application class-data sharing archives
     * classes from jars only, as an application would ship them.
     */
    private static String jarred(String classpath, Path work) throws Exception {
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String part : classpath.split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(part))) {
                Path j = work.resolve("part-" + n++ + ".jar");
                int rc = jar.run(System.out, System.err, "--create", "--file", j.toString(), "-C", part, ".");
                check(rc == 0, "jar of " + part);
                out.add(j.toString());
            } else {
                out.add(part);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }
}
