package dev.ha4j.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kits are only worth something if they fail a broken implementation: run each against one that breaks
 * a rule on purpose and check that exactly the expected tests fail.
 */
class KitsCatchBrokenImplementationsTest {
    /** Set only while this class runs a broken kit, so that a plain test run never runs them on its own. */
    private static volatile boolean selfTestRunning;

    static boolean selfTestRunning() {
        return selfTestRunning;
    }

    private static final String SELF_TEST = "dev.ha4j.testkit.compat.KitsCatchBrokenImplementationsTest#selfTestRunning";

    /** Runs the kit subclass and returns the names of its failed test methods. */
    private static Set<String> failures(Class<?> kit) {
        Set<String> failed = new TreeSet<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit))
                .build();
        Launcher launcher = LauncherFactory.create();
        selfTestRunning = true;
        try {
            launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.add(id.getDisplayName().replace("()", ""));
                }
            }
            });
        } finally {
            selfTestRunning = false;
        }
        return failed;
    }

    @Test
    void probeThatIgnoresDeadlinesInterruptsAndLeaksASecretFails() {
        assertThat(failures(SlowLeakyProbeKit.class)).contains("hangingPeerHonoursDeadline",
                "interruptedProbeReturnsPromptly", "noSecretInToStringOrVerdict");
    }

    @Test
    void coordinatorThatReusesEpochsFails() {
        assertThat(failures(EpochReusingCoordinatorKit.class)).contains("reacquireSupersedesWithAHigherEpoch",
                "epochsStrictlyIncreaseOverManyGrants", "concurrentAcquiresNeverShareAnEpoch");
    }

    @Test
    void serviceControlThatIsNotIdempotentFails() {
        assertThat(failures(NonIdempotentControlKit.class)).contains("stopTwiceSucceeds",
                "stopAndKillWithoutStartSucceed", "staleEpochIsRefused");
    }

    @Test
    void fencerThatClaimsOffWithoutReadingBackFails() {
        assertThat(failures(BlindFencerKit.class)).contains("unreachableDeviceIsAFailedResultWithinDeadline",
                "unreachableDeviceStatusIsUnknownWithinDeadline");
    }

    /** Sleeps through deadlines and interrupts, and prints its password. */
    @EnabledIf(SELF_TEST)
    static final class SlowLeakyProbeKit extends HealthProbeContract {
        private static HealthProbe probe(boolean hang) {
            return new HealthProbe() {
                @Override
                public ProbeResult probe(NodeId node, Duration timeout) {
                    if (hang) {
                        long end = System.nanoTime() + timeout.toNanos() + 2_000_000_000L;
                        while (System.nanoTime() < end) {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ignored) {
                                // swallowed on purpose
                            }
                        }
                    }
                    return ProbeResult.healthy();
                }

                @Override
                public String toString() {
                    return "probe with password hunter2";
                }
            };
        }

        @Override
        protected HealthProbe newHealthyProbe() {
            return probe(false);
        }

        @Override
        protected HealthProbe newDownProbe() {
            return (node, timeout) -> ProbeResult.failed(FailureKind.CRASHED, "down");
        }

        @Override
        protected HealthProbe newHangingProbe() {
            return probe(true);
        }

        @Override
        protected Duration timeout() {
            return Duration.ofMillis(200);
        }

        @Override
        protected Duration slack() {
            return Duration.ofMillis(200);
        }

        @Override
        protected Set<String> secrets() {
            return Set.of("hunter2");
        }
    }

    /** Hands out epoch 1 every time. */
    @EnabledIf(SELF_TEST)
    static final class EpochReusingCoordinatorKit extends CoordinatorContract {
        @Override
        protected Coordinator newCoordinator() {
            return new Coordinator() {
                private volatile Lease current;

                @Override
                public LeaseResult acquire(NodeId node, Duration timeout) {
                    current = new Lease(node, Epoch.of(1));
                    return LeaseResult.granted(current);
                }

                @Override
                public OpResult release(Lease lease, Duration timeout) {
                    if (lease.equals(current)) {
                        current = null;
                    }
                    return OpResult.ok();
                }

                @Override
                public Optional<Lease> current(Duration timeout) {
                    return Optional.ofNullable(current);
                }

                @Override
                public void addListener(LeaseListener listener) {
                }
            };
        }
    }

    /** Fails to stop what is not running and never checks epochs. */
    @EnabledIf(SELF_TEST)
    static final class NonIdempotentControlKit extends ServiceControlContract {
        @Override
        protected ServiceControl newServiceControl() {
            return new ServiceControl() {
                private volatile boolean running;

                @Override
                public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
                    running = true;
                    return OpResult.ok();
                }

                @Override
                public OpResult stop(NodeId node, Duration timeout) {
                    if (!running) {
                        return OpResult.failed("not running");
                    }
                    running = false;
                    return OpResult.ok();
                }

                @Override
                public OpResult kill(NodeId node, Duration timeout) {
                    running = false;
                    return OpResult.ok();
                }

                @Override
                public RunState state(NodeId node, Duration timeout) {
                    return running ? RunState.RUNNING : RunState.STOPPED;
                }
            };
        }
    }

    /** Reports OFF without asking any device. */
    @EnabledIf(SELF_TEST)
    static final class BlindFencerKit extends FencerContract {
        private static final class Blind implements Fencer {
            private volatile PowerState state = PowerState.ON;

            @Override
            public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
                state = action == FenceAction.OFF ? PowerState.OFF : PowerState.ON;
                return FenceResult.ok(state, "done");
            }

            @Override
            public PowerState status(NodeId node, Duration timeout) {
                return state;
            }
        }

        @Override
        protected Fencer newFencer() {
            return new Blind();
        }

        @Override
        protected Fencer newUnreachableFencer() {
            return new Blind();
        }
    }

    @Test
    void workingFakeFencerPassesEveryRule() {
        assertThat(failures(BlindFencerKit.class)).doesNotContain("offIsVerifiedAndIdempotent",
                "onEndsOnAndIsIdempotent", "rebootOfARunningNodeEndsOn", "rebootOfAStoppedNodeEndsOn",
                "interruptedFenceLeavesNoHalfState", "concurrentStatusReadsAgree");
        assertThat(Outcome.OK.isOk()).isTrue();
    }
}
