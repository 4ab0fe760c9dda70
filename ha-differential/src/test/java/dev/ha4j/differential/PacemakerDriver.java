package dev.ha4j.differential;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Plays a scenario through Pacemaker's scheduler, {@code crm_simulate} (Debian {@code pacemaker-cli-utils}), on
 * a generated CIB kept in a temporary directory ({@code CIB_file} points there; {@code /var/lib/pacemaker} is
 * never touched). It makes the simulator behave like a live cluster, as issue 14 learned:
 *
 * <ul>
 *   <li>{@code crm_feature_set} 3.16.1 (at least 3.0.13, or fail counts are ignored; at most 3.16.1, or it
 *       aborts), {@code have-quorum="1"} and {@code no-quorum-policy=ignore};</li>
 *   <li>the simulator stamps injected failures and executed operations with the wall clock, not with
 *       {@code --set-datetime}: every stamp later than the step's time is rewritten to it;</li>
 *   <li>a live controller re-checks at failure expiry and clears fail counts: each step first runs a recheck at
 *       its time and applies the {@code clear_failcount} it schedules (ignoring those scheduled by a run with an
 *       injection, which come from the wall-clock stamps);</li>
 *   <li>a transition stops at a failed action: every step re-runs until nothing is left;</li>
 *   <li>a live cluster counts a failed start or stop as INFINITY ({@code failed-start-offset}), the simulator's
 *       {@code --op-fail} by one: such fail counts are raised to INFINITY;</li>
 *   <li>actions are read from {@code --output-as=xml}.</li>
 * </ul>
 *
 * <p>Not thread-safe: one driver per scenario.
 */
final class PacemakerDriver {
    static final String RESOURCE = "app";
    private static final int MAX_RUNS = 12;
    private static final Pattern STAMP = Pattern.compile("(last-rc-change|last-run)=\"(\\d+)\"");
    private static final Pattern LAST_FAILURE = Pattern.compile(
            "(name=\"last-failure-[^\"]*\" value=\")(\\d+)(\")");

    private final Path binary;
    private final Path dir;
    private final Path cib;
    private final List<String> nodes;
    private final Scenario scenario;
    private final Set<String> startFails = new LinkedHashSet<>();
    private final Set<String> offline = new LinkedHashSet<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private String home;
    private String runningOn;
    private boolean maintenance;
    private int runs;
    private boolean restamp = true;

    PacemakerDriver(Path binary, Path dir, List<String> nodes, Scenario scenario) throws IOException {
        this.binary = binary;
        this.dir = Files.createDirectories(dir);
        this.cib = dir.resolve("cib.xml");
        this.nodes = List.copyOf(nodes);
        this.scenario = scenario;
        Files.writeString(cib, Cib.generate(scenario, nodes), StandardCharsets.UTF_8);
    }

    /**
     * @param binary the crm_simulate binary
     * @return "crm_simulate" and the Pacemaker version it reports, e.g. {@code crm_simulate 2.1.5}
     */
    static String version(Path binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("crm_simulate --version did not finish within 10 s");
        }
        Matcher m = Pattern.compile("Pacemaker (\\S+)").matcher(out);
        return "crm_simulate " + (m.find() ? m.group(1) : "(unknown version)");
    }

    /**
     * Leaves the simulator's wall-clock stamps alone, to show what the rewrite changes.
     *
     * @return this driver
     */
    PacemakerDriver withoutRestamping() {
        restamp = false;
        return this;
    }

    /** @return how many times crm_simulate ran */
    int runs() {
        return runs;
    }

    /** @return what the simulator said during the last step, for a failure message */
    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Both nodes join at {@code at}.
     *
     * @param at when
     * @return what the scheduler decided
     */
    List<Decision> start(Instant at) throws IOException, InterruptedException {
        begin();
        List<String> extra = new ArrayList<>();
        for (String n : nodes) {
            extra.add("--node-up=" + n);
        }
        settle(at, extra);
        return end(false);
    }

    /**
     * Plays one step at {@code at}: a recheck at that time, then the step's event, then re-runs until nothing is
     * left.
     *
     * @param step the step
     * @param at when
     * @return what the scheduler decided
     */
    List<Decision> play(Scenario.Step step, Instant at) throws IOException, InterruptedException {
        begin();
        boolean ranBefore = runningOn != null;
        // The recheck a live controller runs at failure expiry; with no fail count there is nothing to expire, and
        // the previous step ran until nothing was left.
        if (Files.readString(cib, StandardCharsets.UTF_8).contains("name=\"fail-count-")) {
            settle(at, List.of());
        }
        List<String> extra = new ArrayList<>();
        String active = runningOn;
        switch (step.act()) {
            case CRASH_ACTIVE -> {
                if (active != null) {
                    extra.add("--op-inject=" + RESOURCE + "_monitor_10000@" + active + "=7");
                }
            }
            case HANG_ACTIVE -> {
                if (active != null) {
                    extra.add("--op-inject=" + RESOURCE + "_monitor_10000@" + active + "=1");
                }
            }
            case HANG_UNSTOPPABLE_ACTIVE -> {
                if (active != null) {
                    extra.add("--op-inject=" + RESOURCE + "_monitor_10000@" + active + "=1");
                    extra.add("--op-fail=" + RESOURCE + "_stop_0@" + active + "=1");
                }
            }
            case START_FAILS_ON -> startFails.add(step.node());
            case NODE_FAILS_ACTIVE -> {
                if (active != null) {
                    extra.add("--node-fail=" + active);
                    offline.add(active);
                }
            }
            case NODE_FAILS -> {
                if (!offline.contains(step.node())) {
                    extra.add("--node-fail=" + step.node());
                    offline.add(step.node());
                }
            }
            case DATABASE_DOWN -> {
                // The service's own status check (the monitor) reports the error the database causes.
                if (active != null) {
                    extra.add("--op-inject=" + RESOURCE + "_monitor_10000@" + active + "=1");
                }
            }
            case MAINTENANCE_ON -> {
                maintenance = true;
                edit(d -> Cib.setProperty(d, "maintenance-mode", "true"));
            }
            case MAINTENANCE_OFF -> {
                maintenance = false;
                edit(d -> Cib.setProperty(d, "maintenance-mode", "false"));
            }
            case SWITCHOVER -> edit(d -> Cib.preferNode(d, scenario.stack(), step.node()));
            case REPAIR_AND_CLEAR -> {
                startFails.clear();
                for (String n : offline) {
                    extra.add("--node-up=" + n);
                }
                offline.clear();
                edit(d -> Cib.cleanup(d, RESOURCE, null));
            }
            case WAIT -> {
            }
            default -> throw new IllegalArgumentException("unknown act " + step.act());
        }
        settle(at, extra);
        return end(ranBefore);
    }

    private void begin() {
        decisions.clear();
        log.clear();
    }

    private List<Decision> end(boolean ranBefore) {
        boolean started = decisions.stream()
                .anyMatch(d -> d.kind() != Decision.Kind.FENCE && d.kind() != Decision.Kind.BLOCK);
        // In maintenance the scheduler only watches: a service seen gone is not a decision to stop it.
        if (ranBefore && runningOn == null && !started && !maintenance) {
            decisions.add(Decision.block());
        }
        return List.copyOf(decisions);
    }

    /** Runs the simulator at {@code at}, first with {@code extra}, then without until nothing is left. */
    private void settle(Instant at, List<String> extra) throws IOException, InterruptedException {
        boolean injected = !extra.isEmpty();
        for (int i = 0; i < MAX_RUNS; i++) {
            Document out = run(at, i == 0 ? extra : List.of());
            boolean withInjection = i == 0 && injected;
            if (!absorb(out, withInjection) && !withInjection) {
                return;
            }
        }
        throw new IllegalStateException("crm_simulate did not settle after " + MAX_RUNS + " runs at " + at + ": "
                + log);
    }

    /**
     * Reads one run's transition: fences, starts of the resource, and fail counts to clear.
     *
     * @return whether the transition did anything (so another run may find more to do)
     */
    private boolean absorb(Document out, boolean withInjection) throws IOException {
        boolean acted = false;
        List<String> clears = new ArrayList<>();
        Element transition = first(out.getDocumentElement(), "transition");
        if (transition != null) {
            for (Node n = transition.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e)) {
                    continue;
                }
                switch (e.getTagName()) {
                    case "fencing_action" -> {
                        decisions.add(Decision.fence(e.getAttribute("target")));
                        acted = true;
                    }
                    case "cluster_action" -> {
                        if ("clear_failcount".equals(e.getAttribute("task")) && !withInjection) {
                            clears.add(e.getAttribute("id") + "@" + e.getAttribute("node"));
                            acted = true;
                        }
                    }
                    case "rsc_action" -> {
                        String op = e.getAttribute("op");
                        if (op.equals("monitor") || op.equals("cancel")) {
                            continue;
                        }
                        acted = true;
                        String rsc = e.getAttribute("resource");
                        String node = e.getAttribute("node");
                        if (rsc.equals(RESOURCE) && op.equals("start") && !startFails.contains(node)) {
                            decisions.add(Decision.startedOn(home, node));
                            home = node;
                        }
                    }
                    default -> {
                        if (!e.getTagName().equals("pseudo_action")) {
                            acted = true;
                        }
                    }
                }
            }
        }
        runningOn = runningOn(out);
        if (scenario.stack() == Scenario.Stack.STASH && runningOn != null
                && !runningOn.equals(promotedOn(out)) && !maintenance) {
            throw new IllegalStateException("the stack runs on " + runningOn + " but DRBD is promoted on "
                    + promotedOn(out) + ": the generated CIB is wrong");
        }
        if (!clears.isEmpty()) {
            edit(d -> {
                for (String c : clears) {
                    String[] rn = c.split("@", 2);
                    Cib.cleanup(d, rn[0], rn[1]);
                }
            });
        }
        return acted;
    }

    private static String runningOn(Document out) {
        Element revised = first(out.getDocumentElement(), "revised_cluster_status");
        if (revised == null) {
            return null;
        }
        NodeList rs = revised.getElementsByTagName("resource");
        for (int i = 0; i < rs.getLength(); i++) {
            Element r = (Element) rs.item(i);
            if (RESOURCE.equals(r.getAttribute("id")) && "true".equals(r.getAttribute("active"))) {
                NodeList ns = r.getElementsByTagName("node");
                if (ns.getLength() > 0) {
                    return ((Element) ns.item(0)).getAttribute("name");
                }
            }
        }
        return null;
    }

    private static String promotedOn(Document out) {
        Element revised = first(out.getDocumentElement(), "revised_cluster_status");
        if (revised == null) {
            return null;
        }
        NodeList rs = revised.getElementsByTagName("resource");
        for (int i = 0; i < rs.getLength(); i++) {
            Element r = (Element) rs.item(i);
            if (r.getAttribute("id").startsWith("drbd") && "Promoted".equals(r.getAttribute("role"))) {
                NodeList ns = r.getElementsByTagName("node");
                if (ns.getLength() > 0) {
                    return ((Element) ns.item(0)).getAttribute("name");
                }
            }
        }
        return null;
    }

    private Document run(Instant at, List<String> extra) throws IOException, InterruptedException {
        if (scenario.stack() == Scenario.Stack.STASH) {
            // The DRBD agent of an up-to-date replica sets its promotion score; nobody runs it here.
            edit(Cib::promotionScores);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--xml-file=" + cib);
        cmd.add("--simulate");
        cmd.add("--set-datetime=" + at);
        cmd.add("--save-output=" + dir.resolve("next.xml"));
        cmd.add("--output-as=xml");
        cmd.addAll(extra);
        for (String n : startFails) {
            cmd.add("--op-fail=" + RESOURCE + "_start_0@" + n + "=1");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.xml").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        // Every tool reads and writes this file instead of the live CIB; /var/lib/pacemaker is never touched.
        pb.environment().put("CIB_file", cib.toString());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("crm_simulate did not finish within 30 s: " + cmd);
        }
        runs++;
        String out = Files.readString(dir.resolve("out.xml"), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("crm_simulate exited " + p.exitValue() + ": " + cmd + "\n"
                    + Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8) + "\n" + out);
        }
        log.add(String.join(" ", extra) + " @" + at + " -> " + summary(out));
        String next = Files.readString(dir.resolve("next.xml"), StandardCharsets.UTF_8);
        Files.writeString(cib, restamp ? restamp(next, at.getEpochSecond()) : next, StandardCharsets.UTF_8);
        Files.writeString(cib, Cib.failedStartStopInfinity(Files.readString(cib, StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        return parse(out);
    }

    private static String summary(String out) {
        int a = out.indexOf("<transition>");
        int b = out.indexOf("</transition>");
        if (a < 0 || b < 0) {
            return "no transition";
        }
        return out.substring(a + "<transition>".length(), b).replaceAll("\\s+", " ").trim();
    }

    /** Stamps later than the step's time came from the wall clock: they become the step's time. */
    static String restamp(String xml, long at) {
        Matcher m = STAMP.matcher(xml);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long v = Long.parseLong(m.group(2));
            m.appendReplacement(b, m.group(1) + "=\"" + Math.min(v, at) + "\"");
        }
        m.appendTail(b);
        Matcher f = LAST_FAILURE.matcher(b.toString());
        StringBuilder c = new StringBuilder();
        while (f.find()) {
            long v = Long.parseLong(f.group(2));
            f.appendReplacement(c, Matcher.quoteReplacement(f.group(1) + Math.min(v, at) + f.group(3)));
        }
        f.appendTail(c);
        return c.toString();
    }

    private interface Edit {
        void apply(Document d);
    }

    private void edit(Edit e) throws IOException {
        Document d = parse(Files.readString(cib, StandardCharsets.UTF_8));
        e.apply(d);
        Files.writeString(cib, serialize(d), StandardCharsets.UTF_8);
    }

    static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalStateException("unreadable XML from crm_simulate: " + e, e);
        }
    }

    static String serialize(Document d) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(w));
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the CIB: " + e, e);
        }
    }

    static Element first(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }
}
