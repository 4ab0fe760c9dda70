package dev.ha4j.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Generates the CIB a scenario starts from and edits it the way an operator's tools would. Mapping:
 * {@code restarts(N, W)} is {@code migration-threshold} ({@code N + 1} unless the scenario says otherwise) and
 * {@code failure-timeout = W} on the application; stickiness keeps the service where it runs so that neither
 * side fails back by itself; {@code n1} is preferred, as ha4j's first node is; every node has an IPMI fencing
 * device that runs on the other node.
 *
 * <p>Stateless and thread-safe.
 */
final class Cib {
    private static final Pattern START_STOP_FAILCOUNT = Pattern.compile(
            "(name=\"fail-count-[^\"#]*#(?:start|stop)_0\" value=\")(\\d+)(\")");

    private Cib() {
    }

    static String generate(Scenario s, List<String> nodes) {
        StringBuilder b = new StringBuilder();
        // Feature set within [3.0.13, 3.16.1]: below, fail counts are ignored; above, this crm_simulate aborts.
        b.append("<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.8\" epoch=\"1\" num_updates=\"0\""
                + " admin_epoch=\"0\" have-quorum=\"1\" dc-uuid=\"1\">\n");
        b.append("  <configuration>\n    <crm_config>\n      <cluster_property_set id=\"cib-bootstrap-options\">\n");
        b.append("        <nvpair id=\"opt-stonith-enabled\" name=\"stonith-enabled\" value=\"true\"/>\n");
        b.append("        <nvpair id=\"opt-no-quorum-policy\" name=\"no-quorum-policy\" value=\"ignore\"/>\n");
        b.append("        <nvpair id=\"opt-maintenance-mode\" name=\"maintenance-mode\" value=\"false\"/>\n");
        b.append("      </cluster_property_set>\n    </crm_config>\n    <nodes>\n");
        for (int i = 0; i < nodes.size(); i++) {
            b.append("      <node id=\"").append(i + 1).append("\" uname=\"").append(nodes.get(i)).append("\"/>\n");
        }
        b.append("    </nodes>\n    <resources>\n");
        for (String n : nodes) {
            b.append("      <primitive id=\"fence-").append(n).append("\" class=\"stonith\" type=\"fence_ipmilan\">\n")
                    .append("        <instance_attributes id=\"fence-").append(n).append("-ia\">\n")
                    .append("          <nvpair id=\"fence-").append(n).append("-host\" name=\"pcmk_host_list\" value=\"")
                    .append(n).append("\"/>\n        </instance_attributes>\n      </primitive>\n");
        }
        String app = "      <primitive id=\"app\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">\n"
                + "        <meta_attributes id=\"app-meta\">\n"
                + "          <nvpair id=\"app-mt\" name=\"migration-threshold\" value=\"" + s.migrationThreshold()
                + "\"/>\n"
                + "          <nvpair id=\"app-ft\" name=\"failure-timeout\" value=\"" + s.window().toSeconds()
                + "s\"/>\n"
                + "        </meta_attributes>\n"
                + "        <operations>\n          <op id=\"app-mon\" name=\"monitor\" interval=\"10s\"/>\n"
                + "        </operations>\n      </primitive>\n";
        String placed;
        if (s.stack() == Scenario.Stack.PRIMITIVE) {
            b.append(app);
            placed = "app";
        } else {
            b.append("      <clone id=\"drbd-clone\">\n        <meta_attributes id=\"drbd-clone-meta\">\n"
                    + "          <nvpair id=\"drbd-promotable\" name=\"promotable\" value=\"true\"/>\n"
                    + "          <nvpair id=\"drbd-pmax\" name=\"promoted-max\" value=\"1\"/>\n"
                    + "          <nvpair id=\"drbd-pnmax\" name=\"promoted-node-max\" value=\"1\"/>\n"
                    + "          <nvpair id=\"drbd-cmax\" name=\"clone-max\" value=\"2\"/>\n"
                    + "          <nvpair id=\"drbd-cnmax\" name=\"clone-node-max\" value=\"1\"/>\n"
                    + "          <nvpair id=\"drbd-notify\" name=\"notify\" value=\"true\"/>\n"
                    + "        </meta_attributes>\n"
                    + "        <primitive id=\"drbd\" class=\"ocf\" provider=\"linbit\" type=\"drbd\">\n"
                    + "          <operations>\n"
                    + "            <op id=\"drbd-mon-p\" name=\"monitor\" interval=\"29s\" role=\"Promoted\"/>\n"
                    + "            <op id=\"drbd-mon-u\" name=\"monitor\" interval=\"31s\" role=\"Unpromoted\"/>\n"
                    + "          </operations>\n        </primitive>\n      </clone>\n");
            b.append("      <group id=\"stash\">\n"
                    + "        <primitive id=\"fs\" class=\"ocf\" provider=\"heartbeat\" type=\"Filesystem\"/>\n"
                    + "        <primitive id=\"vip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"/>\n");
            b.append(app.replace("\n      ", "\n        ").replaceFirst("^      ", "        "));
            b.append("      </group>\n");
            placed = "stash";
        }
        b.append("    </resources>\n");
        b.append("    <rsc_defaults>\n      <meta_attributes id=\"rsc-options\">\n"
                + "        <nvpair id=\"rsc-stickiness\" name=\"resource-stickiness\" value=\"100\"/>\n"
                + "      </meta_attributes>\n    </rsc_defaults>\n");
        b.append("    <constraints>\n");
        for (String n : nodes) {
            b.append("      <rsc_location id=\"fence-").append(n).append("-not-on-itself\" rsc=\"fence-").append(n)
                    .append("\" node=\"").append(n).append("\" score=\"-INFINITY\"/>\n");
        }
        b.append("      <rsc_location id=\"prefer-first\" rsc=\"").append(placed).append("\" node=\"")
                .append(nodes.get(0)).append("\" score=\"50\"/>\n");
        if (s.stack() == Scenario.Stack.STASH) {
            b.append("      <rsc_colocation id=\"stash-with-drbd\" rsc=\"stash\" with-rsc=\"drbd-clone\""
                    + " with-rsc-role=\"Promoted\" score=\"INFINITY\"/>\n");
            b.append("      <rsc_order id=\"drbd-then-stash\" first=\"drbd-clone\" first-action=\"promote\""
                    + " then=\"stash\" then-action=\"start\"/>\n");
        }
        b.append("    </constraints>\n  </configuration>\n  <status/>\n</cib>\n");
        return b.toString();
    }

    /** What {@code crm_attribute --type crm_config --name NAME --update VALUE} does. */
    static void setProperty(Document d, String name, String value) {
        NodeList l = d.getElementsByTagName("nvpair");
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            if (name.equals(e.getAttribute("name"))
                    && "cluster_property_set".equals(((Element) e.getParentNode()).getTagName())) {
                e.setAttribute("value", value);
                return;
            }
        }
        throw new IllegalStateException("no cluster property " + name);
    }

    /** What {@code crm_resource --move --node NODE} does: a {@code cli-prefer} location constraint. */
    static void preferNode(Document d, Scenario.Stack stack, String node) {
        Element constraints = PacemakerDriver.first(d.getDocumentElement(), "constraints");
        NodeList l = constraints.getElementsByTagName("rsc_location");
        for (int i = l.getLength() - 1; i >= 0; i--) {
            Element e = (Element) l.item(i);
            if (e.getAttribute("id").startsWith("cli-prefer-")) {
                constraints.removeChild(e);
            }
        }
        String rsc = stack == Scenario.Stack.PRIMITIVE ? "app" : "stash";
        Element loc = d.createElement("rsc_location");
        loc.setAttribute("id", "cli-prefer-" + rsc);
        loc.setAttribute("rsc", rsc);
        loc.setAttribute("role", "Started");
        loc.setAttribute("node", node);
        loc.setAttribute("score", "INFINITY");
        constraints.appendChild(loc);
    }

    /**
     * What {@code crm_resource --cleanup} does for the fail counts: removes the resource's fail counts, last
     * failure stamps and last failed operation, on one node or on all.
     *
     * @param d the CIB
     * @param rsc the resource
     * @param node the node, or {@code null} for every node
     */
    static void cleanup(Document d, String rsc, String node) {
        NodeList states = d.getElementsByTagName("node_state");
        for (int i = 0; i < states.getLength(); i++) {
            Element st = (Element) states.item(i);
            if (node != null && !node.equals(st.getAttribute("uname"))) {
                continue;
            }
            List<Element> remove = new ArrayList<>();
            NodeList pairs = st.getElementsByTagName("nvpair");
            for (int j = 0; j < pairs.getLength(); j++) {
                Element p = (Element) pairs.item(j);
                String n = p.getAttribute("name");
                if (n.startsWith("fail-count-" + rsc + "#") || n.startsWith("last-failure-" + rsc + "#")) {
                    remove.add(p);
                }
            }
            NodeList rscs = st.getElementsByTagName("lrm_resource");
            for (int j = 0; j < rscs.getLength(); j++) {
                Element r = (Element) rscs.item(j);
                if (!rsc.equals(r.getAttribute("id"))) {
                    continue;
                }
                NodeList ops = r.getElementsByTagName("lrm_rsc_op");
                for (int k = 0; k < ops.getLength(); k++) {
                    Element op = (Element) ops.item(k);
                    if (op.getAttribute("id").contains("_last_failure_")) {
                        remove.add(op);
                    }
                }
            }
            for (Element e : remove) {
                e.getParentNode().removeChild(e);
            }
        }
    }

    /**
     * What the DRBD agent does on a node with an up-to-date replica: sets the promotion score
     * ({@code crm_master}), so that the promotable clone can be promoted.
     *
     * @param d the CIB
     */
    static void promotionScores(Document d) {
        NodeList states = d.getElementsByTagName("node_state");
        for (int i = 0; i < states.getLength(); i++) {
            Element st = (Element) states.item(i);
            String id = st.getAttribute("id");
            Element ta = child(st, "transient_attributes");
            if (ta == null) {
                ta = d.createElement("transient_attributes");
                ta.setAttribute("id", id);
                st.appendChild(ta);
            }
            Element ia = child(ta, "instance_attributes");
            if (ia == null) {
                ia = d.createElement("instance_attributes");
                ia.setAttribute("id", "status-" + id);
                ta.appendChild(ia);
            }
            boolean present = false;
            NodeList pairs = ia.getElementsByTagName("nvpair");
            for (int j = 0; j < pairs.getLength(); j++) {
                present |= "master-drbd".equals(((Element) pairs.item(j)).getAttribute("name"));
            }
            if (!present) {
                Element p = d.createElement("nvpair");
                p.setAttribute("id", "status-" + id + "-master-drbd");
                p.setAttribute("name", "master-drbd");
                p.setAttribute("value", "100");
                ia.appendChild(p);
            }
        }
    }

    private static Element child(Element parent, String tag) {
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    /** A live cluster sets a failed start's or stop's fail count to INFINITY; {@code --op-fail} adds one. */
    static String failedStartStopInfinity(String xml) {
        Matcher m = START_STOP_FAILCOUNT.matcher(xml);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + "INFINITY" + m.group(3)));
        }
        m.appendTail(b);
        return b.toString();
    }
}
